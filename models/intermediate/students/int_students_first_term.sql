{#
    Högskolenybörjare: one row per person, at the first term ever registered
    at any institution. The start university is the institution of that term;
    ties go to the most registered credits that term, then the institution code.
#}
with institution_entries as (

    select * from {{ ref('int_students_entered_institution') }}

),

persons as (

    select * from {{ ref('int_persons_labelled') }}

),

ranked_entries as (

    select
        *,
        row_number() over (
            partition by person_id
            order by
                entry_term_index asc,
                entry_term_credits_registered desc,
                institution_code asc
        ) as entry_rank,
        count(*) over (partition by person_id, entry_term_index) as n_institutions_same_term
    from institution_entries

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
        ranked_entries.entry_calendar_year - persons.birth_year as age_at_entry
    from ranked_entries
    left join persons
        on ranked_entries.person_id = persons.person_id
    where ranked_entries.entry_rank = 1

)

select * from first_terms
