-- What do nurses (sjuksköterskeexamen, SJSK) work with 1 year after graduation, nationally and per institution?
select
    window_label,
    institution_name,
    category_code,
    category_name,
    n_display,
    share_display as percent_of_graduates
from {{ ref('outcome_occupation_by_degree') }}
where
    degree_code = 'SJSK'
    and years_after_graduation = 1
    and sex = '{{ var('total_label') }}'
    and category_code <> '{{ var('total_label') }}'
order by
    window_start_year desc,
    institution_code = '{{ var('total_label') }}' desc,
    institution_name asc,
    category_code asc
