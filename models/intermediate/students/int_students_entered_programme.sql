{#
    Programnybörjare: the first term a person is registered on a programme
    (programme codes are unique within an institution, so the key is
    institution + programme), with the person's recruitment region (fixed
    per person: residence before the first term in higher education).
    is_counted_entrant as for institution entrants (docs: hogskolenyborjare).
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

-- the entry term as the first term that is not an exchange term, else the
-- first term (one registration row per person, institution, programme and
-- term): a minimum per group and a join back, cheaper than ranking every
-- registration (as in int_students_entered_institution; national 3.8 -> 3.0 s,
-- the same rows)
programme_entries as (

    select
        person_id,
        institution_code,
        programme_code,
        case
            when {{ skip_exchange }}
                then coalesce(
                    min(term_index) filter (where is_exchange_student is not true), min(term_index)
                )
            else min(term_index)
        end as entry_term_index
    from registrations
    where programme_code is not null
    group by person_id, institution_code, programme_code

),

entry_terms as (

    select
        programme_entries.person_id,
        programme_entries.institution_code,
        programme_entries.programme_code,
        registrations.term_code as entry_term_code,
        programme_entries.entry_term_index,
        registrations.term_calendar_year as entry_calendar_year,
        registrations.academic_year as entry_academic_year,
        registrations.is_exchange_student,
        registrations.academic_year < {{ first_trusted_entry_year() }} as is_left_censored
    from programme_entries
    inner join registrations
        on
            programme_entries.person_id = registrations.person_id
            and programme_entries.institution_code = registrations.institution_code
            and programme_entries.programme_code = registrations.programme_code
            and programme_entries.entry_term_index = registrations.term_index

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
