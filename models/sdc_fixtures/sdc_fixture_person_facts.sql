{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Planted-fixture person facts (var sdc_planted_fixtures: true; only for
    tests_py/test_disclosure_control.py). One row per person: sex, county,
    municipality, age group and an income, from a designed count table so
    that secondary suppression must chain across relations (sex within a
    municipality, municipalities within a county), with a tie broken by code
    (Män 0115 = Män 0117 = 12), a zero cell (Kvinnor 0330) and counts above
    750 (Män 0114 = 800, county 01, the national total) for the cell key
    method. person_id 1..N must exist in personer (int_person_record_keys).
#}
with designed_counts as (

    select *
    from (
        values
            ('Män', '01', '0114', 800),
            ('Män', '01', '0115', 12),
            ('Män', '01', '0117', 12),
            ('Män', '01', '0120', 30),
            ('Kvinnor', '01', '0114', 3),
            ('Kvinnor', '01', '0115', 9),
            ('Kvinnor', '01', '0117', 9),
            ('Kvinnor', '01', '0120', 40),
            ('Män', '03', '0305', 2),
            ('Män', '03', '0319', 7),
            ('Män', '03', '0330', 6),
            ('Kvinnor', '03', '0305', 2),
            ('Kvinnor', '03', '0319', 8),
            ('Kvinnor', '03', '0330', 0),
            ('Män', '25', '2584', 150),
            ('Kvinnor', '25', '2584', 170)
    ) as designed (sex_label, county_code, municipality_code, n_persons)

),

numbered as (

    select
        *,
        sum(n_persons) over (
            order by county_code, municipality_code, sex_label
            rows between unbounded preceding and 1 preceding
        ) as persons_before
    from designed_counts

),

persons as (

    select
        cast(coalesce(numbered.persons_before, 0) + person_number.range as bigint) as person_id,
        numbered.sex_label,
        numbered.county_code,
        numbered.municipality_code
    from numbered
    inner join range(1, 1000) as person_number
        on person_number.range <= numbered.n_persons

)

select
    person_id,
    sex_label,
    county_code,
    municipality_code,
    case person_id % 3 when 0 then '18-24' when 1 then '25-34' else '35-' end as age_group,
    200000 + (person_id * 7919) % 150000 as income_sek
from persons
