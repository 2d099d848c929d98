{#
    Analysis 3: persons aged 18-25 registered at any institution in an
    academic year, by municipality of residence on 31 December before it,
    divided by the municipality's residents of the same ages (public
    population table); also split by born abroad.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_transition_by_age_25'),
        dims=[
            'academic_year',
            'sex',
            'born_abroad',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ],
        additive_dims=[
            'sex',
            'born_abroad',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ],
        rate_denominator='residents_transition_ages',
    ) }}

),

counties as (

    select * from {{ ref('lan') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

named as (

    select
        published.academic_year,
        published.sex,
        published.born_abroad,
        published.recruitment_county_code,
        published.recruitment_municipality_code,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        published.rate,
        published.rate_display,
        published.rate_is_suppressed,
        published.rate_denominator,
        coalesce(counties.lan_name, published.recruitment_county_code) as recruitment_county_name,
        coalesce(
            municipalities.kommun_name, published.recruitment_municipality_code
        ) as recruitment_municipality_name
    from published
    left join counties
        on published.recruitment_county_code = counties.lan_code
    left join municipalities
        on published.recruitment_municipality_code = municipalities.kommun_code

)

select * from named
