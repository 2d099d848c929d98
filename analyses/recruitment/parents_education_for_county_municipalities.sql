-- Parents' education of registered persons (any age) from each municipality of one county (analysis 5)
{# vars: example_county (default '05'), example_year (default: the latest year in the mart). #}
{%- set county = var('example_county', '05') -%}

with county_rows as (

    select * from {{ ref('parents_education_by_municipality') }}
    where recruitment_county_code = '{{ county }}' and sex = 'Totalt'

),

chosen_year as (

    select {{ var('example_year', 'max(academic_year)') }} as academic_year
    from county_rows

)

select
    county_rows.academic_year,
    county_rows.recruitment_municipality_name,
    county_rows.parents_sun_level_name,
    county_rows.n_display as registered,
    county_rows.share_display as share_percent
from county_rows
inner join chosen_year
    on county_rows.academic_year = chosen_year.academic_year
order by
    county_rows.recruitment_municipality_code = 'Totalt',
    county_rows.recruitment_municipality_name,
    county_rows.parents_sun_level
