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
    where {{ incremental_year_filter('term_calendar_year') }}

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
        count(*) as n_registrations
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
        n_registrations
    from summed_by_term

)

select * from termed
