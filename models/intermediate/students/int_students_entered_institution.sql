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

institution_terms as (

    select
        person_id,
        institution_code,
        term_code,
        term_index,
        term_calendar_year,
        academic_year,
        sum(credits_registered) as credits_registered,
        max(case when programme_code is not null then 1 else 0 end) = 1 as has_programme,
        min(case when is_exchange_student then 1 else 0 end) = 1 as is_exchange_term
    from registrations
    group by
        person_id,
        institution_code,
        term_code,
        term_index,
        term_calendar_year,
        academic_year

),

ranked_terms as (

    select
        *,
        row_number() over (
            partition by person_id, institution_code
            order by
                -- exchange terms only when the person has no other term there
                case when {{ skip_exchange }} and is_exchange_term then 1 else 0 end,
                term_index
        ) as term_rank,
        min(
            case when not ({{ skip_exchange }} and is_exchange_term) then term_index end
        ) over (partition by person_id) as first_term_index_ever
    from institution_terms

),

entry_terms as (

    select
        person_id,
        institution_code,
        term_code as entry_term_code,
        term_index as entry_term_index,
        term_calendar_year as entry_calendar_year,
        academic_year as entry_academic_year,
        has_programme as entered_on_programme,
        coalesce(credits_registered, 0) as entry_term_credits_registered,
        coalesce(term_index = first_term_index_ever, false) as is_first_term_ever,
        is_exchange_term as is_exchange_student,
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
