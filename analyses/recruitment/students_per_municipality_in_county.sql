-- How many of an institution's students came from each municipality of one county, per window (analysis 2)?
{# vars: example_institution (default liu), example_county (default '05'). #}
{%- set institution = var('example_institution', 'liu') -%}
{%- set county = var('example_county', '05') -%}

select
    institution_name,
    window_label,
    recruitment_county_name,
    recruitment_municipality_name,
    n_display as students
from {{ ref('students_by_municipality') }}
where
    institution_code = '{{ institution }}'
    and recruitment_county_code = '{{ county }}'
    and sex = 'Totalt'
order by
    window_start_year,
    recruitment_municipality_code = 'Totalt',
    recruitment_municipality_name
