{#
    Analysis 9, exact counts: graduates with a degree code in a window by
    institution (and the national total), sex and occupation (SSYK 2012 major
    group) in the follow-up year, with the extra categories utvandrad (shown
    here, not removed), studerande, övrigt and Okänt (docs block
    occupation_categories). A person counts at every institution that
    awarded them the degree code in the window and once in the national row,
    as in analysis 8 (macro outcome_degree_code_cells).
#}
with facts as (

    select
        person_id,
        degree_code,
        window_start_year,
        years_after_graduation,
        institution_code,
        sex,
        case
            when is_emigrated then 'utvandrad'
            when is_employed then ssyk_major_group
            when not has_employment_record then '{{ var('unknown_code') }}'
            when is_studying then 'studerande'
            when employment_status = '5' then 'övrigt'
            else '{{ var('unknown_code') }}'
        end as category_code,
        is_institution_degree_code_representative,
        is_degree_code_representative
    from {{ ref('int_degree_followups_joined') }}
    where
        (is_institution_degree_code_representative or is_degree_code_representative)
        and is_window_complete

)

{{ outcome_degree_code_cells('facts') }}
