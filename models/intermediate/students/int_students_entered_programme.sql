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

ranked_terms as (

    select
        person_id,
        institution_code,
        programme_code,
        term_code,
        term_index,
        term_calendar_year,
        academic_year,
        is_exchange_student,
        row_number() over (
            partition by person_id, institution_code, programme_code
            order by
                case when {{ skip_exchange }} and is_exchange_student then 1 else 0 end,
                term_index
        ) as term_rank
    from registrations
    where programme_code is not null

),

entry_terms as (

    select
        person_id,
        institution_code,
        programme_code,
        term_code as entry_term_code,
        term_index as entry_term_index,
        term_calendar_year as entry_calendar_year,
        academic_year as entry_academic_year,
        is_exchange_student,
        academic_year < {{ first_trusted_entry_year() }} as is_left_censored
    from ranked_terms
    where term_rank = 1

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
