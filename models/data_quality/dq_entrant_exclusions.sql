{#
    Who is not counted as a högskolenybörjare, per academic year of the
    person's first term (doc block hogskolenyborjare): incoming exchange
    students, persons whose first term is before the first trusted entry
    year or after a degree they already hold (left-censoring), and the
    third-cycle registrations that no
    registration count uses. Nothing is dropped silently: every registered
    person is in n_first_terms.
#}
with first_terms as (

    select
        first_academic_year as academic_year,
        count(*) as n_first_terms,
        count(case when is_counted_entrant then 1 end) as n_counted_entrants,
        count(case when is_exchange_student then 1 end) as n_exchange_students,
        count(case when is_left_censored then 1 end) as n_left_censored
    from {{ ref('int_students_first_term') }}
    group by first_academic_year

),

third_cycle as (

    select
        {{ academic_year('term_calendar_year', 'term_season') }} as academic_year,
        count(*) as n_third_cycle_registrations
    from {{ ref('stg_ladok__registrations') }}
    where
        study_level in (
            select study_levels.study_level from {{ ref('studieniva') }} as study_levels
            where not study_levels.is_first_or_second_cycle
        )
    group by {{ academic_year('term_calendar_year', 'term_season') }}

),

joined as (

    select
        coalesce(first_terms.academic_year, third_cycle.academic_year) as academic_year,
        coalesce(first_terms.n_first_terms, 0) as n_first_terms,
        coalesce(first_terms.n_counted_entrants, 0) as n_counted_entrants,
        coalesce(first_terms.n_exchange_students, 0) as n_exchange_students,
        coalesce(first_terms.n_left_censored, 0) as n_left_censored,
        coalesce(third_cycle.n_third_cycle_registrations, 0) as n_third_cycle_registrations
    from first_terms
    full outer join third_cycle
        on first_terms.academic_year = third_cycle.academic_year

)

select * from joined
