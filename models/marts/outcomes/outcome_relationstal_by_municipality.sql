{#
    Analysis 11: relationstal per municipality and graduation year: graduates
    living in the municipality one year after graduation divided by graduates
    recruited from it, both counted only for graduates whose both ends are
    known; how many were left out is n_left_out on the 'Okänt' and 'Totalt'
    rows (docs block relationstal_known_ends). Both counts are published
    through the disclosure layer; the ratio follows rule 2 (published
    numerator, denominator at least k). A municipality absent from one basis
    has the exact count 0.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_outcome_relationstal'),
        dims=['graduation_academic_year', 'basis', 'sex', 'municipality_code'],
        additive_dims=['sex', 'municipality_code'],
    ) }}

),

pivoted as (

    select
        graduation_academic_year,
        sex,
        municipality_code,
        {{ basis_count_columns('bosatt', 'n_living') }},
        {{ basis_count_columns('rekryterad', 'n_recruited') }},
        {{ basis_count_columns('utelamnad', 'n_left_out') }}
    from published
    group by graduation_academic_year, sex, municipality_code

),

zero_filled as (

    select
        graduation_academic_year,
        sex,
        municipality_code,
        {{ basis_zero_filled('n_living') }},
        {{ basis_zero_filled('n_recruited') }},
        {{ basis_zero_filled('n_left_out') }}
    from pivoted

),

with_ratio as (

    select
        *,
        case
            when n_living is not null and n_recruited >= {{ var('sdc_k') }}
                then 1.0 * n_living / n_recruited
        end as relationstal
    from zero_filled

),

municipalities as (

    select
        kommun_code,
        kommun_name,
        lan_code
    from {{ ref('kommuner') }}

),

counties as (

    select
        lan_code,
        lan_name
    from {{ ref('lan') }}

)

select
    with_ratio.graduation_academic_year,
    with_ratio.sex,
    case
        when with_ratio.municipality_code in ('Utvandrad', '{{ var('total_label') }}')
            then with_ratio.municipality_code
        else coalesce(municipalities.lan_code, '{{ var('unknown_code') }}')
    end as county_code,
    case
        when with_ratio.municipality_code = 'Utvandrad' then 'Utvandrad'
        when with_ratio.municipality_code = '{{ var('total_label') }}' then '{{ var('total_label') }}'
        else coalesce(counties.lan_name, '{{ var('unknown_code') }}')
    end as county_name,
    with_ratio.municipality_code,
    case
        when with_ratio.municipality_code = 'Utvandrad' then 'Utvandrad'
        when with_ratio.municipality_code = '{{ var('total_label') }}' then '{{ var('total_label') }}'
        else coalesce(municipalities.kommun_name, with_ratio.municipality_code)
    end as municipality_name,
    with_ratio.n_living,
    with_ratio.n_living_display,
    with_ratio.n_living_is_suppressed,
    with_ratio.n_recruited,
    with_ratio.n_recruited_display,
    with_ratio.n_recruited_is_suppressed,
    with_ratio.n_left_out,
    with_ratio.n_left_out_display,
    with_ratio.n_left_out_is_suppressed,
    with_ratio.relationstal,
    -- nobody recruited (a published zero: 'Utvandrad', 'Okänt'): no ratio
    -- exists, missing ('.') rather than protected (docs block missing_denominator)
    case when with_ratio.n_recruited = 0 then '.' else coalesce(
        {{ decimal_comma('with_ratio.relationstal', 2) }},
        {%- if var('sdc_display') == 'midpoint' %}
        -- midpoint display: a primary-suppressed n_living stands for 2,5 (docs block midpoint_derived)
        case
            when with_ratio.n_recruited >= {{ var('sdc_k') }}
                then {{ decimal_comma(
                    midpoint_value('with_ratio.n_living_display') ~ ' / with_ratio.n_recruited', 2
                ) }}
        end,
        {%- endif %}
        '..'
    ) end as relationstal_display,
    with_ratio.relationstal is null
    and not coalesce(with_ratio.n_recruited = 0, false) as relationstal_is_suppressed
from with_ratio
left join municipalities
    on with_ratio.municipality_code = municipalities.kommun_code
left join counties
    on municipalities.lan_code = counties.lan_code
