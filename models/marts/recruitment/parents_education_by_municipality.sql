{#
    Analysis 5 per municipality: registered persons of any age per academic
    year by parents' highest education (7 SUN levels + Okänt), with shares.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_parents_education_by_municipality'),
        dims=[
            'academic_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'parents_sun_level',
        ],
        additive_dims=[
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'parents_sun_level',
        ],
        share_dim='parents_sun_level',
    ) }}

),

counties as (

    select * from {{ ref('lan') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

sun_levels as (

    select * from {{ ref('sun2020_niva') }}

),

named as (

    select
        published.academic_year,
        published.sex,
        published.recruitment_county_code,
        published.recruitment_municipality_code,
        published.parents_sun_level,
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
        coalesce(sun_levels.sun_level_name, published.parents_sun_level) as parents_sun_level_name
    from published
    left join counties
        on published.recruitment_county_code = counties.lan_code
    left join municipalities
        on published.recruitment_municipality_code = municipalities.kommun_code
    left join sun_levels
        on published.parents_sun_level = sun_levels.sun_level

)

select * from named
