{#
    Analysis 7: högskolenybörjare per start university and entry window by
    foreign background and by parents' education, share with completed
    credits <120, 120-240 and >240 hp within var('credits_within_years')
    years of entry (entrants whose follow-up is complete).
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_credits_by_background'),
        dims=[
            'background_variable',
            'window_start_year',
            'start_institution_code',
            'sex',
            'background_code',
            'credits_band',
        ],
        additive_dims=['start_institution_code', 'sex', 'background_code', 'credits_band'],
        share_dim='credits_band',
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

),

groups as (

    {{ foreign_background_groups() }}

),

sun_levels as (

    select * from {{ ref('sun2020_niva') }}

),

named as (

    select
        published.background_variable,
        published.window_start_year,
        published.start_institution_code,
        published.sex,
        published.background_code,
        published.credits_band,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        published.share,
        published.share_display,
        published.share_is_suppressed,
        published.share_denominator,
        {{ window_label('published.window_start_year') }} as window_label,
        {{ var('credits_within_years') }} as credits_within_years,
        coalesce(institutions.larosate_name, published.start_institution_code)
            as start_institution_name,
        case
            when published.background_variable = 'foreign_background'
                then coalesce(groups.foreign_background_name, published.background_code)
            else coalesce(sun_levels.sun_level_name, published.background_code)
        end as background_name
    from published
    left join institutions
        on published.start_institution_code = institutions.larosate_code
    left join groups
        on published.background_code = groups.foreign_background_code
    left join sun_levels
        on published.background_code = sun_levels.sun_level

)

select * from named
