{#
    UKÄ's headline indicators for entrants per institution and programme and
    entry window: share with highly educated parents and share with utländsk
    bakgrund. The headline share is on the row indicator_group = 'ja',
    indicator_value = 'Totalt' (share of all entrants of the row); the group
    'nej_okant' is split into 'nej' and 'Okänt' rows, so every entrant is in a
    part and the unknowns stay visible.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_entrant_background_indicators'),
        dims=[
            'institution_code',
            'programme_code',
            'window_start_year',
            'indicator',
            'sex',
            'indicator_group',
            'indicator_value',
        ],
        additive_dims=['programme_code', 'sex', 'indicator_group', 'indicator_value'],
        share_dim='indicator_group',
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

),

programmes as (

    select * from {{ ref('agg_labels_programmes') }}

),

named as (

    select
        published.institution_code,
        published.programme_code,
        published.window_start_year,
        published.indicator,
        published.sex,
        published.indicator_group,
        published.indicator_value,
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
                then 'Alla nybörjare vid lärosätet'
            when published.programme_code = '{{ no_programme_label() }}'
                then 'Nybörjare på fristående kurser (utan program)'
            else coalesce(programmes.programme_name, published.programme_code)
        end as programme_name,
        {{ window_label('published.window_start_year') }} as window_label,
        case published.indicator
            when 'hogutbildade_foraldrar'
                then 'Högutbildade föräldrar (minst en förälder med eftergymnasial utbildning 3 år eller mer)'
            when 'utlandsk_bakgrund'
                then 'Utländsk bakgrund (utrikes född eller inrikes född med två utrikes födda föräldrar)'
        end as indicator_name
    from published
    left join institutions
        on published.institution_code = institutions.larosate_code
    left join programmes
        on
            published.institution_code = programmes.institution_code
            and published.programme_code = programmes.programme_code

)

select * from named
