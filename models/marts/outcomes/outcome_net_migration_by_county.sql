{#
    Analysis 10: per start university and entry window, graduated
    högskolenybörjare living in each county one year after their first
    degree, those with that gymnasielän, and the net migration (residents
    minus gymnasielän; positive = the county gains), published only when
    both counts are. A county absent from one basis has the exact, published
    count 0 there.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_outcome_net_migration'),
        dims=['start_institution_code', 'entry_window_start_year', 'basis', 'sex', 'county_code'],
        additive_dims=['sex', 'county_code'],
    ) }}

),

pivoted as (

    select
        start_institution_code,
        entry_window_start_year,
        sex,
        county_code,
        max(case when basis = 'bostadslan' then 1 else 0 end) = 1 as has_residence_cell,
        max(case when basis = 'bostadslan' then n end) as n_residence,
        max(case when basis = 'bostadslan' then n_display end) as n_residence_display,
        coalesce(bool_or(basis = 'bostadslan' and n_is_suppressed), false)
            as n_residence_is_suppressed,
        max(case when basis = 'gymnasielan' then 1 else 0 end) = 1 as has_gymnasielan_cell,
        max(case when basis = 'gymnasielan' then n end) as n_gymnasielan,
        max(case when basis = 'gymnasielan' then n_display end) as n_gymnasielan_display,
        coalesce(bool_or(basis = 'gymnasielan' and n_is_suppressed), false)
            as n_gymnasielan_is_suppressed
    from published
    group by start_institution_code, entry_window_start_year, sex, county_code

),

zero_filled as (

    select
        start_institution_code,
        entry_window_start_year,
        sex,
        county_code,
        n_residence_is_suppressed,
        n_gymnasielan_is_suppressed,
        case when has_residence_cell then n_residence else 0 end as n_residence,
        case when has_residence_cell then n_residence_display else '0' end as n_residence_display,
        case when has_gymnasielan_cell then n_gymnasielan else 0 end as n_gymnasielan,
        case
            when has_gymnasielan_cell then n_gymnasielan_display else '0'
        end as n_gymnasielan_display
    from pivoted

),

institutions as (

    select
        larosate_code,
        larosate_name
    from {{ ref('larosaten') }}

),

counties as (

    select
        lan_code,
        lan_name
    from {{ ref('lan') }}

)

select
    zero_filled.start_institution_code,
    coalesce(institutions.larosate_name, zero_filled.start_institution_code)
        as start_institution_name,
    zero_filled.entry_window_start_year,
    {{ window_label('zero_filled.entry_window_start_year') }} as entry_window_label,
    zero_filled.sex,
    zero_filled.county_code,
    case
        when zero_filled.county_code = 'Utvandrad' then 'Utvandrad'
        when zero_filled.county_code = '{{ var('total_label') }}' then 'Riket'
        else coalesce(counties.lan_name, zero_filled.county_code)
    end as county_name,
    zero_filled.n_residence,
    zero_filled.n_residence_display,
    zero_filled.n_residence_is_suppressed,
    zero_filled.n_gymnasielan,
    zero_filled.n_gymnasielan_display,
    zero_filled.n_gymnasielan_is_suppressed,
    zero_filled.n_residence - zero_filled.n_gymnasielan as net_migration,
    coalesce(
        cast(zero_filled.n_residence - zero_filled.n_gymnasielan as {{ dbt.type_string() }}),
        '..'
    ) as net_migration_display,
    zero_filled.n_residence is null or zero_filled.n_gymnasielan is null
        as net_migration_is_suppressed
from zero_filled
left join institutions
    on zero_filled.start_institution_code = institutions.larosate_code
left join counties
    on zero_filled.county_code = counties.lan_code
