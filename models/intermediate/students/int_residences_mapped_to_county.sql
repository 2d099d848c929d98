{#
    Incremental by year: the annual delivery adds one year of registrations
    of residence (the largest extract), so earlier years are not rebuilt -
    except for persons new to the universe, who arrive with their history.
#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['person_id', 'residence_year'],
) }}

with residences as (

    select * from {{ ref('stg_scb__residences') }}
    where {{ incremental_year_filter('residence_year', new_key='person_id') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

mapped as (

    select
        residences.person_id,
        residences.residence_year,
        residences.municipality_code,
        coalesce(municipalities.lan_code, '{{ var("unknown_code") }}') as county_code
    from residences
    left join municipalities
        on residences.municipality_code = municipalities.kommun_code

)

select * from mapped
