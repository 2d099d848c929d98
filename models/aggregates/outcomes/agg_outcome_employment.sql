{#
    Analysis 8, exact counts: graduates with a degree code in a window by
    institution (rolled up to the national total), sex and whether gainfully
    employed in November of the follow-up year. Emigrated graduates are left
    out (no labour-market data abroad); each person counts once per degree
    code and window, at the institution of the latest such degree.
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
            when employment_status = '1' then 'sysselsatt'
            when employment_status = '5' then 'ej sysselsatt'
            else '{{ var('unknown_code') }}'
        end as category_code
    from {{ ref('int_degree_followups_joined') }}
    where is_degree_code_representative and is_window_complete and not is_emigrated

)

{#- persons_unique: is_degree_code_representative keeps one row per person,
    degree code, window and follow-up (a grain test on int_degree_followups_joined) -#}
{{ sdc_count_cells(
    from='facts',
    dims=['degree_code', 'window_start_year', 'years_after_graduation'],
    hierarchies=[['institution_code'], ['sex'], ['category_code']],
    persons_unique=true,
) }}
