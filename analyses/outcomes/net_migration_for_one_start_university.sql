-- Which counties gain or lose graduates who started at Linköpings universitet (liu), by entry window?
select
    entry_window_label,
    county_code,
    county_name,
    n_gymnasielan_display as from_gymnasielan,
    n_residence_display as living_there_one_year_after,
    net_migration_display as net_migration
from {{ ref('outcome_net_migration_by_county') }}
where
    start_institution_code = 'liu'
    and sex = '{{ var('total_label') }}'
order by entry_window_start_year desc, net_migration desc nulls last
