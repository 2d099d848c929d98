{#
    Analysis 5 per programme: persons registered on a programme at an
    institution in a window by parents' highest education, with shares; the
    programme 'Totalt' row is all programme students of the institution.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_parents_education_by_programme'),
        dims=[
            'institution_code',
            'programme_code',
            'window_start_year',
            'sex',
            'parents_sun_level',
        ],
        additive_dims=['programme_code', 'sex', 'parents_sun_level'],
        share_dim='parents_sun_level',
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

),

programmes as (

    select * from {{ ref('agg_labels_programmes') }}

),

sun_levels as (

    select * from {{ ref('sun2020_niva') }}

),

named as (

    select
        published.institution_code,
        published.programme_code,
        published.window_start_year,
        published.sex,
        published.parents_sun_level,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        published.share,
        published.share_display,
        published.share_is_suppressed,
        published.share_denominator,
        coalesce(institutions.larosate_name, published.institution_code) as institution_name,
        case
            when published.programme_code = '{{ var("total_label") }}'
                then 'Alla program vid lärosätet'
            else coalesce(programmes.programme_name, published.programme_code)
        end as programme_name,
        {{ window_label('published.window_start_year') }} as window_label,
        coalesce(sun_levels.sun_level_name, published.parents_sun_level) as parents_sun_level_name
    from published
    left join institutions
        on published.institution_code = institutions.larosate_code
    left join programmes
        on
            published.institution_code = programmes.institution_code
            and published.programme_code = programmes.programme_code
    left join sun_levels
        on published.parents_sun_level = sun_levels.sun_level

)

select * from named
