{#
    Term arithmetic lives here once: every later model orders terms by
    term_index and groups them by academic_year instead of parsing term codes.
    Incremental by calendar year: a year is rebuilt when the checksum of its
    delivered registrations changed (a new year, or credits completed that
    arrive later for old terms; docs block incremental_revisions), so an
    update equals a full refresh.
#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    unique_key='term_calendar_year',
    post_hook=[
        "delete from {{ this }} where term_calendar_year not in ("
        ~ " select term_calendar_year from {{ ref('stg_ladok__registrations') }})",
    ],
) }}

-- one checksum per calendar year over every delivered registration of the
-- year: a revised old year (credits completed that arrive later) is rebuilt
with input_checksums as (

    select
        term_calendar_year,
        {{ rows_checksum([
            'person_id', 'term_code', 'term_season', 'institution_code', 'programme_code',
            'credits_registered', 'credits_completed', 'study_level', 'is_exchange_student',
        ]) }} as input_checksum
    from {{ ref('stg_ladok__registrations') }}
    group by term_calendar_year

),

years_to_build as (

    {{ incremental_changed_years('input_checksums', 'term_calendar_year') }}

),

registrations as (

    select staged.*
    from {{ ref('stg_ladok__registrations') }} as staged
    inner join years_to_build
        on staged.term_calendar_year = years_to_build.term_calendar_year
    -- first and second cycle only: doctoral (F) registrations are in no
    -- registration count and never make anyone a högskolenybörjare
    where staged.study_level in (
        select study_levels.study_level from {{ ref('studieniva') }} as study_levels
        where study_levels.is_first_or_second_cycle
    )

),

summed_by_term as (

    select
        person_id,
        term_code,
        term_season,
        term_calendar_year,
        institution_code,
        programme_code,
        sum(credits_registered) as credits_registered,
        -- NULL (not 0) while no credits are delivered for the term
        sum(credits_completed) as credits_completed,
        count(*) as n_registrations,
        -- an exchange term only when every registration in it is an exchange one
        min(case when is_exchange_student then 1 else 0 end) = 1 as is_exchange_student
    from registrations
    group by
        person_id,
        term_code,
        term_season,
        term_calendar_year,
        institution_code,
        programme_code

),

termed as (

    select
        summed_by_term.person_id,
        summed_by_term.term_code,
        summed_by_term.term_season,
        summed_by_term.term_calendar_year,
        {{ term_index('summed_by_term.term_calendar_year', 'summed_by_term.term_season') }}
            as term_index,
        {{ academic_year('summed_by_term.term_calendar_year', 'summed_by_term.term_season') }}
            as academic_year,
        summed_by_term.institution_code,
        summed_by_term.programme_code,
        summed_by_term.credits_registered,
        summed_by_term.credits_completed,
        summed_by_term.n_registrations,
        summed_by_term.is_exchange_student,
        input_checksums.input_checksum
    from summed_by_term
    inner join input_checksums
        on summed_by_term.term_calendar_year = input_checksums.term_calendar_year

)

select * from termed
