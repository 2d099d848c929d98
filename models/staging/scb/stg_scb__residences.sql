{#
    Incremental by residence year, like stg_scb__employment: the annual
    delivery repeats every year, so a year is only rebuilt when the checksum
    of the delivered columns it reads, or of a code list, changed. A revised
    old year is rebuilt; a year no longer delivered is removed by the
    post_hook.
#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    unique_key='residence_year',
    post_hook=[
        "delete from {{ this }} where residence_year not in ("
        ~ " select cast(ar as smallint) from {{ raw_source('scb', 'folkbokforing') }})",
    ],
) }}

with source as (

    select * from {{ raw_source('scb', 'folkbokforing') }}

),

-- what a year's rows depend on: its delivered columns and the code lists
input_checksums as (

    {{ raw_year_checksums(
        'scb', 'folkbokforing', 'ar', 'residence_year',
        columns=['lopnr', 'ar', 'kommun'],
        code_lists={
            'kommunkod_andringar': ['old_kommun_code', 'kommun_code', 'last_year_valid'],
            'kommuner': ['kommun_code'],
        },
    ) }}

),

years_to_build as (

    {{ incremental_changed_years('input_checksums', 'residence_year') }}

),

-- the delivered code trimmed and padded once per row (see stg_scb__employment)
normalised as (

    select
        lopnr,
        cast(ar as smallint) as residence_year,
        {{ zero_pad('kommun', 4) }} as kommun
    from source
    where cast(ar as smallint) in (
        select years_to_build.residence_year from years_to_build
    )

),

translated as (

    {{ with_current_municipality_code(
        'normalised', 'kommun', 'residence_year', 'kommun_today'
    ) }}

),

renamed as (

    select
        cast(translated.lopnr as bigint) as person_id,
        translated.residence_year,
        {{ map_to_code_list(
            'translated.kommun_today',
            'kommuner',
            'kommun_code',
        ) }} as municipality_code,
        translated.kommun as municipality_code_delivered,
        input_checksums.input_checksum
    from translated
    inner join input_checksums
        on translated.residence_year = input_checksums.residence_year

)

select * from renamed
