{#
    Analysis 11, exact counts: graduates (first or second cycle) of an
    academic year by municipality of residence one year after graduation
    (basis 'bosatt'; emigrated as 'Utvandrad') and by recruitment
    municipality (basis 'rekryterad', from int_students_first_term). Both
    bases count the same persons: only those whose both ends are known (docs
    block relationstal_known_ends). The persons left out (recruitment or
    residence municipality unknown) are counted under basis 'utelamnad',
    municipality 'Okänt', so none is lost silently. Only graduation years
    the degree extracts hold whole (is_graduation_year_complete; docs block
    complete_windows), from the first trusted entry year + 6
    (var relationstal_years_after_first_entry; docs block
    relationstal_known_ends).
#}
with graduates as (

    select
        person_id,
        graduation_academic_year,
        sex,
        is_emigrated,
        residence_municipality_code,
        recruitment_municipality_code,
        -- both ends known: an emigrated person's destination is known ('Utvandrad')
        recruitment_municipality_code <> '{{ var('unknown_code') }}'
        and (is_emigrated or residence_municipality_code <> '{{ var('unknown_code') }}')
            as has_known_ends
    from {{ ref('int_degree_followups_joined') }}
    where
        is_graduation_year_representative
        and years_after_graduation = 1
        -- whole graduation years only (the extracts' first may be partial)
        and is_graduation_year_complete
        -- and years whose graduates mostly entered within the registrations
        -- (docs block relationstal_known_ends)
        and graduation_academic_year
        >= {{ first_trusted_entry_year() }} + {{ var('relationstal_years_after_first_entry') }}

),

facts as (

    select
        person_id,
        graduation_academic_year,
        'bosatt' as basis,
        sex,
        case
            when is_emigrated then 'Utvandrad' else residence_municipality_code
        end as municipality_code
    from graduates
    where has_known_ends
    union all
    select
        person_id,
        graduation_academic_year,
        'rekryterad' as basis,
        sex,
        recruitment_municipality_code as municipality_code
    from graduates
    where has_known_ends
    union all
    select
        person_id,
        graduation_academic_year,
        'utelamnad' as basis,
        sex,
        '{{ var('unknown_code') }}' as municipality_code
    from graduates
    where not has_known_ends

)

{# municipality only (its county is an attribute in the mart): a county
   level would make the national row a relation without parts #}
{#- persons_unique: is_graduation_year_representative keeps one degree per
    person, graduation year and follow-up (a grain test on
    int_degree_followups_joined), and each basis is a dim -#}
{{ sdc_count_cells(
    from='facts',
    dims=['graduation_academic_year', 'basis'],
    hierarchies=[['sex'], ['municipality_code']],
    persons_unique=true,
) }}
