{#
    Analysis 9, exact counts: graduates with a degree code in a window by
    institution (and the national total), sex and occupation (SSYK 2012 major
    group) in the follow-up year, with the extra categories utvandrad (shown
    here, not removed), studerande, övrigt and Okänt (docs block
    occupation_categories).
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
        end as category_code
    from {{ ref('int_degree_followups_joined') }}
    where is_degree_code_representative and is_window_complete

)

{#- persons_unique: is_degree_code_representative keeps one row per person,
    degree code, window and follow-up (a grain test on int_degree_followups_joined) -#}
{{ sdc_count_cells(
    from='facts',
    dims=['degree_code', 'window_start_year', 'years_after_graduation'],
    hierarchies=[['institution_code'], ['sex'], ['category_code']],
    persons_unique=true,
) }}
