{#
    Analysis 10: per start university and entry window, graduated
    högskolenybörjare living in each county one year after their first
    degree, those with that gymnasielän, and the net migration (residents
    minus gymnasielän; positive = the county gains), published only when
    both counts are. Only persons whose both ends are known are counted; how
    many were left out is n_left_out on the 'Okänt' and 'Totalt' rows (docs
    block net_migration_known_ends). A county absent from one basis has the
    exact, published count 0 there.
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
        {{ basis_count_columns('bostadslan', 'n_residence') }},
        {{ basis_count_columns('gymnasielan', 'n_gymnasielan') }},
        {{ basis_count_columns('utelamnad', 'n_left_out') }}
    from published
    group by start_institution_code, entry_window_start_year, sex, county_code

),

zero_filled as (

    select
        start_institution_code,
        entry_window_start_year,
        sex,
        county_code,
        {{ basis_zero_filled('n_left_out') }},
        {{ basis_zero_filled('n_residence') }},
        {{ basis_zero_filled('n_gymnasielan') }}
    from pivoted

),

with_net as (

    select
        *,
        -- NULL when any count of the row is not published (rule 2)
        case
            when n_left_out is not null then n_residence - n_gymnasielan
        end as net_migration
    from zero_filled

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
    with_net.start_institution_code,
    coalesce(institutions.larosate_name, with_net.start_institution_code)
        as start_institution_name,
    with_net.entry_window_start_year,
    {{ window_label('with_net.entry_window_start_year') }} as entry_window_label,
    with_net.sex,
    with_net.county_code,
    case
        when with_net.county_code = 'Utvandrad' then 'Utvandrad'
        -- every county and the emigrated: not 'Riket', which would say in Sweden
        when with_net.county_code = '{{ var('total_label') }}' then '{{ var('total_label') }}'
        else coalesce(counties.lan_name, with_net.county_code)
    end as county_name,
    with_net.n_residence,
    with_net.n_residence_display,
    with_net.n_residence_is_suppressed,
    with_net.n_gymnasielan,
    with_net.n_gymnasielan_display,
    with_net.n_gymnasielan_is_suppressed,
    with_net.n_left_out,
    with_net.n_left_out_display,
    with_net.n_left_out_is_suppressed,
    with_net.net_migration,
    coalesce(
        cast(with_net.net_migration as {{ dbt.type_string() }}),
        {%- if var('sdc_display') == 'midpoint' %}
        -- midpoint display: a primary-suppressed count stands for 2,5 (docs block midpoint_derived)
        {{ decimal_comma(
            midpoint_value('with_net.n_residence_display')
            ~ ' - ' ~ midpoint_value('with_net.n_gymnasielan_display'),
            1,
        ) }},
        {%- endif %}
        '..'
    ) as net_migration_display,
    with_net.net_migration is null as net_migration_is_suppressed
from with_net
left join institutions
    on with_net.start_institution_code = institutions.larosate_code
left join counties
    on with_net.county_code = counties.lan_code
