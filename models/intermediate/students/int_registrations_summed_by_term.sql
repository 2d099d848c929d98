{#
    Term arithmetic lives here once: every later model orders terms by
    term_index and groups them by academic_year instead of parsing term codes.
    Incremental by calendar year: the annual delivery adds one year of terms.
#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='term_calendar_year',
) }}

with registrations as (

    select * from {{ ref('stg_ladok__registrations') }}
    where
        {{ incremental_year_filter('term_calendar_year') }}
        -- first and second cycle only: doctoral (F) registrations are in no
        -- registration count and never make anyone a högskolenybörjare
        and study_level in (
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
        person_id,
        term_code,
        term_season,
        term_calendar_year,
        {{ term_index('term_calendar_year', 'term_season') }} as term_index,
        {{ academic_year('term_calendar_year', 'term_season') }} as academic_year,
        institution_code,
        programme_code,
        credits_registered,
        credits_completed,
        n_registrations,
        is_exchange_student
    from summed_by_term

)

select * from termed
