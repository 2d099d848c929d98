{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Exact aggregate (internal) of the planted fixture: sex x county x
    municipality with every total, zero cells filled in (a cell with no
    persons is published as 0 and must stay 0 under the cell key method).
#}
with facts as (

    select person_id, sex_label, county_code, municipality_code, income_sek
    from {{ ref('sdc_fixture_person_facts') }}

),

counted as (
    {{ sdc_count_cells(
        from='facts',
        dims=[],
        hierarchies=[['sex_label'], ['county_code', 'municipality_code']],
        measures=['income_sek']
    ) }}
),

grid as (

    select sexes.sex_label, areas.county_code, areas.municipality_code
    from (select distinct sex_label from counted) as sexes
    cross join (select distinct county_code, municipality_code from counted) as areas

)

select
    grid.sex_label,
    grid.county_code,
    grid.municipality_code,
    coalesce(counted.n_persons, 0) as n_persons,
    coalesce(counted.cell_key, 0) as cell_key,
    coalesce(counted.income_sek_n, 0) as income_sek_n,
    counted.income_sek_mean,
    counted.income_sek_p25,
    counted.income_sek_median,
    counted.income_sek_p75
from grid
left join counted
    on grid.sex_label = counted.sex_label
    and grid.county_code = counted.county_code
    and grid.municipality_code = counted.municipality_code
