-- Share of 18-25-year-olds per municipality of one county registered at a university, by birth country (analysis 3)
{# vars: example_county (default '05'). #}
{%- set county = var('example_county', '05') -%}

select
    academic_year,
    recruitment_municipality_name,
    born_abroad,
    n_display as registered_18_25,
    rate_denominator as residents_18_25,
    rate_display as transition_percent
from {{ ref('transition_by_age_25') }}
where
    recruitment_county_code = '{{ county }}'
    and sex = 'Totalt'
order by
    academic_year,
    recruitment_municipality_code = 'Totalt',
    recruitment_municipality_name,
    born_abroad
