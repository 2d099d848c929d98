-- Which share of civilekonomer (CEKO) were gainfully employed 1 year after graduation, per institution vs Riket?
select
    window_label,
    institution_name,
    is_national_comparison,
    share_denominator as graduates,
    n as employed,
    share_display as employed_percent
from {{ ref('outcome_employment_by_institution') }}
where
    degree_code = 'CEKO'
    and years_after_graduation = 1
    and sex = '{{ var('total_label') }}'
    and category_code = 'sysselsatt'
order by window_start_year desc, is_national_comparison desc, share desc nulls last
