{#
    Analysis 11: relationstal per municipality and graduation year: graduates
    living in the municipality one year after graduation divided by graduates
    recruited from it. Both counts are published through the disclosure
    layer; the ratio follows rule 2 (published numerator, denominator at
    least k). A municipality absent from one basis has the exact count 0.
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
        max(case when basis = 'bosatt' then 1 else 0 end) = 1 as has_living_cell,
        max(case when basis = 'bosatt' then n end) as n_living,
        max(case when basis = 'bosatt' then n_display end) as n_living_display,
        coalesce(bool_or(basis = 'bosatt' and n_is_suppressed), false)
            as n_living_is_suppressed,
        max(case when basis = 'rekryterad' then 1 else 0 end) = 1 as has_recruited_cell,
        max(case when basis = 'rekryterad' then n end) as n_recruited,
        max(case when basis = 'rekryterad' then n_display end) as n_recruited_display,
        coalesce(bool_or(basis = 'rekryterad' and n_is_suppressed), false)
            as n_recruited_is_suppressed
    from published
    group by graduation_academic_year, sex, municipality_code

),

zero_filled as (

    select
        graduation_academic_year,
        sex,
        municipality_code,
        n_living_is_suppressed,
        n_recruited_is_suppressed,
        case when has_living_cell then n_living else 0 end as n_living,
        case when has_living_cell then n_living_display else '0' end as n_living_display,
        case when has_recruited_cell then n_recruited else 0 end as n_recruited,
        case when has_recruited_cell then n_recruited_display else '0' end as n_recruited_display
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
        when with_ratio.municipality_code = '{{ var('total_label') }}' then 'Riket'
        else coalesce(counties.lan_name, '{{ var('unknown_code') }}')
    end as county_name,
    with_ratio.municipality_code,
    case
        when with_ratio.municipality_code = 'Utvandrad' then 'Utvandrad'
        when with_ratio.municipality_code = '{{ var('total_label') }}' then 'Riket'
        else coalesce(municipalities.kommun_name, with_ratio.municipality_code)
    end as municipality_name,
    with_ratio.n_living,
    with_ratio.n_living_display,
    with_ratio.n_living_is_suppressed,
    with_ratio.n_recruited,
    with_ratio.n_recruited_display,
    with_ratio.n_recruited_is_suppressed,
    with_ratio.relationstal,
    coalesce(
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
    ) as relationstal_display,
    with_ratio.relationstal is null as relationstal_is_suppressed
from with_ratio
left join municipalities
    on with_ratio.municipality_code = municipalities.kommun_code
left join counties
    on municipalities.lan_code = counties.lan_code
