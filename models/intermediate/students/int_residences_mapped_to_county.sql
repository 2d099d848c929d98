{#
    Registered residence on 31 December with its county, one row per person
    and year. Incremental by residence year: a year is rebuilt when the
    checksum of its inputs changed (a new year, a revised old year, persons
    new to the universe who arrive with their history, a changed code list;
    docs block incremental_revisions), so an update equals a full refresh.
    The old rule (rebuild the last var incremental_lookback_years years and
    new persons) missed a residence revised in an older year.
#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    unique_key='residence_year',
    post_hook=[
        "delete from {{ this }} where residence_year not in ("
        ~ " select residence_year from {{ ref('stg_scb__residences') }})",
    ],
) }}

with municipalities as (

    select
        kommun_code,
        lan_code
    from {{ ref('kommuner') }}

),

-- what a year's rows depend on: the year's delivered residences (codes
-- already translated to today's municipality in staging) and the
-- municipality -> county code list
code_list_checksum as (

    select {{ rows_checksum(['kommun_code', 'lan_code']) }} as code_list_checksum
    from municipalities

),

input_checksums as (

    select
        residences.residence_year,
        {{ rows_checksum(['residences.person_id', 'residences.municipality_code']) }}
        + min(code_list_checksum.code_list_checksum) as input_checksum
    from {{ ref('stg_scb__residences') }} as residences
    cross join code_list_checksum
    group by residences.residence_year

),

years_to_build as (

    {{ incremental_changed_years('input_checksums', 'residence_year') }}

),

residences as (

    select staged.*
    from {{ ref('stg_scb__residences') }} as staged
    inner join years_to_build
        on staged.residence_year = years_to_build.residence_year

),

mapped as (

    select
        residences.person_id,
        residences.residence_year,
        residences.municipality_code,
        coalesce(municipalities.lan_code, '{{ var("unknown_code") }}') as county_code,
        input_checksums.input_checksum
    from residences
    inner join input_checksums
        on residences.residence_year = input_checksums.residence_year
    left join municipalities
        on residences.municipality_code = municipalities.kommun_code

)

select * from mapped
