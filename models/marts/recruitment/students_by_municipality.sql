{#
    Analysis 2: unique persons registered at an institution in a window, by
    recruitment municipality within recruitment county.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_students_by_municipality'),
        dims=[
            'institution_code',
            'window_start_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ],
        additive_dims=['sex', 'recruitment_county_code', 'recruitment_municipality_code'],
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

),

counties as (

    select * from {{ ref('lan') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

named as (

    select
        published.institution_code,
        published.window_start_year,
        published.sex,
        published.recruitment_county_code,
        published.recruitment_municipality_code,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        coalesce(institutions.larosate_name, published.institution_code) as institution_name,
        {{ window_label('published.window_start_year') }} as window_label,
        coalesce(counties.lan_name, published.recruitment_county_code) as recruitment_county_name,
        coalesce(
            municipalities.kommun_name, published.recruitment_municipality_code
        ) as recruitment_municipality_name
    from published
    left join institutions
        on published.institution_code = institutions.larosate_code
    left join counties
        on published.recruitment_county_code = counties.lan_code
    left join municipalities
        on published.recruitment_municipality_code = municipalities.kommun_code

)

select * from named
