{#
    Analysis 8, exact counts: graduates with a degree code in a window by
    institution (rolled up to the national total), sex and whether gainfully
    employed in November of the follow-up year. Emigrated graduates are left
    out (no labour-market data abroad). A person counts at every institution
    that awarded them the degree code in the window (by the latest such
    degree there) and once in the national row (by their latest such degree),
    so the national row is at most the sum of the institutions' (linked_tables:
    institution_code covering); macro outcome_degree_code_cells.
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
        end as category_code,
        is_institution_degree_code_representative,
        is_degree_code_representative
    from {{ ref('int_degree_followups_joined') }}
    where
        (is_institution_degree_code_representative or is_degree_code_representative)
        and is_window_complete
        and not is_emigrated

)

{{ outcome_degree_code_cells('facts') }}
