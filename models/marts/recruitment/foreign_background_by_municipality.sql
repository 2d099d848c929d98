{#
    Analysis 6 per municipality: persons of any age registered in a complete
    academic year by recruitment municipality and SCB's foreign-background
    groups, with shares. The rate foreign-born registered 18-25 / foreign-born
    residents 18-25 is in transition_by_age_25 (born_abroad = 'Utrikes född').
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_foreign_background_by_municipality'),
        dims=[
            'academic_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'foreign_background_code',
        ],
        additive_dims=[
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'foreign_background_code',
        ],
        share_dim='foreign_background_code',
    ) }}

),

counties as (

    select * from {{ ref('lan') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

groups as (

    {{ foreign_background_groups() }}

),

named as (

    select
        published.academic_year,
        published.sex,
        published.recruitment_county_code,
        published.recruitment_municipality_code,
        published.foreign_background_code,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        published.share,
        published.share_display,
        published.share_is_suppressed,
        published.share_denominator,
        coalesce(counties.lan_name, published.recruitment_county_code) as recruitment_county_name,
        coalesce(
            municipalities.kommun_name, published.recruitment_municipality_code
        ) as recruitment_municipality_name,
        coalesce(groups.foreign_background_name, published.foreign_background_code)
            as foreign_background_name
    from published
    left join counties
        on published.recruitment_county_code = counties.lan_code
    left join municipalities
        on published.recruitment_municipality_code = municipalities.kommun_code
    left join groups
        on published.foreign_background_code = groups.foreign_background_code

)

select * from named
