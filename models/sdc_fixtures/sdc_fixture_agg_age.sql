{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{# Exact aggregate of a second planted mart over the same persons: county x age group. #}
with facts as (

    select person_id, county_code, age_group
    from {{ ref('sdc_fixture_person_facts') }}

)

{{ sdc_count_cells(
    from='facts',
    dims=[],
    hierarchies=[['county_code'], ['age_group']]
) }}
