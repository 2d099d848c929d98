{#
    The one home of the recruitment municipality (rekryteringskommun): one row
    per person ever registered, placed by the residence on 31 December of the
    year before the first term in higher education. It is fixed per person,
    so institution entrants, programme entrants and the registered persons of
    every later year all carry the same municipality even after a move to
    the study town.
    This is also the one home of the first term itself (first_term_index):
    int_students_first_term takes it from here and only chooses the start
    university among that term's entries. It is taken from the registrations
    directly (int_students_entered_institution reads this model); the singular
    test assert_recruitment_municipality_measured_before_first_term checks the
    entrant models against it. Exchange terms are skipped as the entrant
    models skip them (macro entrants_skip_exchange_terms), unless a person has
    nothing else.
    A person whose first delivered term is left-censored (before the first
    trusted entry year, or after a degree the person already holds: docs
    block hogskolenyborjare) started before the registrations show, when
    they often already lived in the study town: their recruitment
    municipality is not known, so Okänt.
#}
{% set skip_exchange = 'true' if entrants_skip_exchange_terms() else 'false' %}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

residences as (

    select
        person_id,
        residence_year,
        municipality_code
    from {{ ref('stg_scb__residences') }}

),

first_terms as (

    -- term_index grows with the calendar year, so the first term's calendar
    -- year is the smallest one
    select
        person_id,
        coalesce(
            min(case when not ({{ skip_exchange }} and is_exchange_student) then term_index end),
            min(term_index)
        ) as first_term_index,
        coalesce(
            min(
                case
                    when not ({{ skip_exchange }} and is_exchange_student)
                        then term_calendar_year
                end
            ),
            min(term_calendar_year)
        ) as first_term_calendar_year,
        coalesce(
            min(case when not ({{ skip_exchange }} and is_exchange_student) then academic_year end),
            min(academic_year)
        ) as first_academic_year
    from registrations
    group by person_id

),

earliest_degrees as (

    select
        person_id,
        min(earliest_degree_term_index) as earliest_degree_term_index
    from {{ ref('int_earliest_degrees_found') }}
    group by person_id

),

censoring as (

    select
        first_terms.*,
        coalesce(first_terms.first_academic_year < {{ first_trusted_entry_year() }}, false)
        -- a degree dated before the first registered term: studies before
        -- the registrations begin (int_earliest_degrees_found)
        or coalesce(
            earliest_degrees.earliest_degree_term_index < first_terms.first_term_index, false
        ) as is_first_term_left_censored
    from first_terms
    left join earliest_degrees
        on first_terms.person_id = earliest_degrees.person_id

),

assigned as (

    select
        censoring.person_id,
        censoring.first_term_index,
        censoring.first_term_calendar_year,
        {{ recruitment_reference_year('censoring.first_term_calendar_year') }}
            as recruitment_reference_year,
        censoring.is_first_term_left_censored,
        coalesce(residences.municipality_code, '{{ var("unknown_code") }}')
            as recruitment_municipality_code,
        {{ county_of_municipality('residences.municipality_code') }}
            as recruitment_county_code
    from censoring
    -- no residence is looked up for a left-censored first term: Okänt
    left join residences
        on
            censoring.person_id = residences.person_id
            and not censoring.is_first_term_left_censored
            and {{ recruitment_reference_year('censoring.first_term_calendar_year') }}
            = residences.residence_year

)

select * from assigned
