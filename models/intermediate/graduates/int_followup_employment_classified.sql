{#
    One row per graduate and arrived follow-up year: labour-market status in
    that year with industry, sector, occupation, income band, matching and
    UKÄ's etablering (docs block etablering; the codes and names live in the
    seed etablering_kategorier).
    Incremental by follow-up year: a year is rebuilt when the checksum of its
    inputs changed (a new year, a revised delivery, a degree re-dated so its
    follow-ups move; docs block incremental_revisions), so an update equals
    a full refresh.
#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    unique_key='followup_year',
    post_hook=[
        "delete from {{ this }} where followup_year not in ("
        ~ " select followup_year from {{ ref('int_degree_followups_scheduled') }}"
        ~ " where has_arrived)",
    ],
) }}

with arrived_followups as (

    select distinct
        person_id,
        followup_year
    from {{ ref('int_degree_followups_scheduled') }}
    where has_arrived

),

employment as (

    select
        person_id,
        employment_year,
        employment_status,
        earned_income_sek,
        had_unemployment,
        is_studying,
        sni_division,
        sector_code,
        ssyk_code,
        matching_code
    from {{ ref('stg_scb__employment') }}

),

-- what a follow-up year's rows depend on: its graduates, its labour-market
-- records and the code lists (docs block incremental_revisions)
followup_checksums as (

    select
        followup_year,
        {{ rows_checksum(['person_id']) }} as year_checksum
    from arrived_followups
    group by followup_year

),

employment_checksums as (

    select
        employment_year,
        {{ rows_checksum([
            'person_id', 'employment_status', 'earned_income_sek', 'had_unemployment',
            'is_studying', 'sni_division', 'sector_code', 'ssyk_code', 'matching_code',
        ]) }} as year_checksum
    from employment
    group by employment_year

),

code_list_checksum as (

    select
        (
            select {{ rows_checksum(['year', 'income_threshold_sek']) }}
            from {{ ref('etablering_inkomstgrans') }}
        )
        + (
            select {{ rows_checksum(['sni_division', 'sni_section']) }}
            from {{ ref('sni2007_huvudgrupper') }}
        )
        + (
            select {{ rows_checksum(['sector_code', 'sector_group']) }}
            from {{ ref('sektorer') }}
        )
        + (
            select {{ rows_checksum(['ssyk_code', 'ssyk_major_group']) }}
            from {{ ref('ssyk2012_yrkesgrupper') }}
        )
        + (
            select {{ rows_checksum(['matching_code', 'matching_group']) }}
            from {{ ref('matchning') }}
        ) as year_checksum

),

input_checksums as (

    select
        followup_checksums.followup_year,
        followup_checksums.year_checksum
        + coalesce(employment_checksums.year_checksum, 0)
        + code_list_checksum.year_checksum as input_checksum
    from followup_checksums
    left join employment_checksums
        on followup_checksums.followup_year = employment_checksums.employment_year
    cross join code_list_checksum

),

years_to_build as (

    {{ incremental_changed_years('input_checksums', 'followup_year') }}

),

followup_years as (

    select
        arrived_followups.person_id,
        arrived_followups.followup_year,
        input_checksums.input_checksum
    from arrived_followups
    inner join years_to_build
        on arrived_followups.followup_year = years_to_build.followup_year
    inner join input_checksums
        on arrived_followups.followup_year = input_checksums.followup_year

),

thresholds as (

    select
        year as income_year,
        income_threshold_sek
    from {{ ref('etablering_inkomstgrans') }}

),

sni_divisions as (

    select
        sni_division,
        sni_section
    from {{ ref('sni2007_huvudgrupper') }}

),

sectors as (

    select
        sector_code,
        sector_group
    from {{ ref('sektorer') }}

),

occupations as (

    select
        ssyk_code,
        ssyk_major_group
    from {{ ref('ssyk2012_yrkesgrupper') }}

),

matching as (

    select
        matching_code,
        matching_group
    from {{ ref('matchning') }}

),

joined as (

    select
        followup_years.person_id,
        followup_years.followup_year,
        followup_years.input_checksum,
        employment.person_id is not null as has_employment_record,
        coalesce(employment.employment_status, '{{ var('unknown_code') }}') as employment_status,
        employment.earned_income_sek,
        employment.had_unemployment,
        employment.is_studying,
        thresholds.income_threshold_sek,
        coalesce(sni_divisions.sni_section, '{{ var('unknown_code') }}') as sni_section,
        coalesce(sectors.sector_group, '{{ var('unknown_code') }}') as sector_group,
        coalesce(occupations.ssyk_major_group, '{{ var('unknown_code') }}') as ssyk_major_group,
        coalesce(employment.ssyk_code, '{{ var('unknown_code') }}') as ssyk_code,
        coalesce(employment.matching_code, '{{ var('unknown_code') }}') as matching_code,
        coalesce(matching.matching_group, '{{ var('unknown_code') }}') as matching_group
    from followup_years
    left join employment
        on
            followup_years.person_id = employment.person_id
            and followup_years.followup_year = employment.employment_year
    left join thresholds
        on followup_years.followup_year = thresholds.income_year
    left join sni_divisions
        on employment.sni_division = sni_divisions.sni_division
    left join sectors
        on employment.sector_code = sectors.sector_code
    left join occupations
        on employment.ssyk_code = occupations.ssyk_code
    left join matching
        on employment.matching_code = matching.matching_code

)

select
    person_id,
    followup_year,
    has_employment_record,
    employment_status,
    employment_status = '1' as is_employed,
    earned_income_sek,
    coalesce(had_unemployment, false) as had_unemployment,
    coalesce(is_studying, false) as is_studying,
    income_threshold_sek,
    -- 'at least' the threshold (analyses.md); UKÄ's own text says 'överstiga'
    case
        when not has_employment_record then '{{ var('unknown_code') }}'
        when is_studying then 'studerande'
        when employment_status = '1' and income_threshold_sek is null
            then '{{ var('unknown_code') }}'
        when
            employment_status = '1'
            and coalesce(earned_income_sek, 0) >= income_threshold_sek
            and not coalesce(had_unemployment, false)
            then 'etablerad'
        when employment_status = '1' then 'osäker position'
        when employment_status = '5' and coalesce(earned_income_sek, 0) > 0 then 'svag position'
        when employment_status = '5' then 'utanför'
        else '{{ var('unknown_code') }}'
    end as etablering_code,
    {{ income_band_code('earned_income_sek') }} as income_band_code,
    sni_section,
    sector_group,
    ssyk_code,
    ssyk_major_group,
    matching_code,
    matching_group,
    input_checksum
from joined
