{#
    Högskolenybörjare: one row per person, at the first term ever registered
    in first- or second-cycle education at any institution. The start
    university is the institution of that term; ties go to the most registered
    credits that term, then a known institution, then the institution code.
    Every registered person has a row (their parents' education and
    recruitment region are measured here);
    is_counted_entrant says who counts as a högskolenybörjare: not an incoming
    exchange student (unless var entrants_include_exchange_students) and not
    left-censored (docs: hogskolenyborjare).
    Which term is the first has one home, int_persons_recruitment_municipality_assigned
    (first_term_index: exchange terms skipped unless the person has nothing
    else); this model only chooses the start university among the entries of
    that term.
#}
{% set skip_exchange = 'true' if entrants_skip_exchange_terms() else 'false' %}
with institution_entries as (

    select * from {{ ref('int_students_entered_institution') }}

),

persons as (

    select * from {{ ref('int_persons_labelled') }}

),

first_terms_found as (

    select
        person_id,
        first_term_index,
        is_first_term_left_censored
    from {{ ref('int_persons_recruitment_municipality_assigned') }}

),

ranked_entries as (

    select
        institution_entries.*,
        first_terms_found.is_first_term_left_censored,
        row_number() over (
            partition by institution_entries.person_id
            order by
                -- an exchange entry in the same term only when there is no other
                case
                    when {{ skip_exchange }} and institution_entries.is_exchange_student then 1
                    else 0
                end asc,
                institution_entries.entry_term_credits_registered desc,
                {{ unknown_last('institution_entries.institution_code') }} asc,
                institution_entries.institution_code asc
        ) as entry_rank,
        count(*) over (
            partition by institution_entries.person_id, institution_entries.entry_term_index
        ) as n_institutions_same_term
    from institution_entries
    inner join first_terms_found
        on
            institution_entries.person_id = first_terms_found.person_id
            and institution_entries.entry_term_index = first_terms_found.first_term_index

),

first_terms as (

    select
        ranked_entries.person_id,
        ranked_entries.entry_term_code as first_term_code,
        ranked_entries.entry_term_index as first_term_index,
        ranked_entries.entry_calendar_year as first_term_calendar_year,
        ranked_entries.entry_academic_year as first_academic_year,
        ranked_entries.institution_code as start_institution_code,
        ranked_entries.n_institutions_same_term as n_institutions_first_term,
        ranked_entries.recruitment_reference_year,
        ranked_entries.recruitment_municipality_code,
        ranked_entries.recruitment_county_code,
        coalesce(persons.sex, '{{ var("unknown_code") }}') as sex,
        persons.birth_year,
        ranked_entries.entry_calendar_year - persons.birth_year as age_at_entry,
        ranked_entries.is_exchange_student,
        -- the person's first term ever is censored also after a degree
        -- from another institution, which the entry there does not see
        coalesce(ranked_entries.is_first_term_left_censored, false)
        or ranked_entries.is_left_censored as is_left_censored,
        ranked_entries.is_counted_entrant
        and not coalesce(ranked_entries.is_first_term_left_censored, false) as is_counted_entrant
    from ranked_entries
    left join persons
        on ranked_entries.person_id = persons.person_id
    where ranked_entries.entry_rank = 1

)

select * from first_terms
