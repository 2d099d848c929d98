-- How well do graduates of the three largest masterexamen programmes match their jobs (SCB matching groups)?
with master_programmes as (

    select
        institution_code,
        programme_code,
        max(share_denominator) as graduates
    from {{ ref('outcome_matching_by_programme') }}
    where
        programme_degree_code = 'MAST'
        and sex = '{{ var('total_label') }}'
        and matching_code = '{{ var('total_label') }}'
    group by institution_code, programme_code
    order by graduates desc nulls last
    limit 3

)

select
    matching.institution_name,
    matching.programme_name,
    matching.window_label,
    matching.years_after_graduation,
    matching.matching_group,
    matching.matching_code,
    matching.matching_name,
    matching.n_display,
    matching.share_display as percent_of_graduates
from {{ ref('outcome_matching_by_programme') }} as matching
inner join master_programmes
    on
        matching.institution_code = master_programmes.institution_code
        and matching.programme_code = master_programmes.programme_code
where matching.sex = '{{ var('total_label') }}'
order by
    matching.institution_name asc,
    matching.programme_name asc,
    matching.window_start_year desc,
    matching.years_after_graduation asc,
    matching.matching_code asc
