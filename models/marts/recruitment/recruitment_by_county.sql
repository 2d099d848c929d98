{#
    Analysis 1: entrants per programme and per institution by recruitment
    county, count and share of the row's entrants, per entry window.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_recruitment_by_county'),
        dims=[
            'institution_code',
            'programme_code',
            'window_start_year',
            'sex',
            'recruitment_county_code',
        ],
        additive_dims=['programme_code', 'sex', 'recruitment_county_code'],
        share_dim='recruitment_county_code',
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

),

programmes as (

    select * from {{ ref('agg_labels_programmes') }}

),

counties as (

    select * from {{ ref('lan') }}

),

named as (

    select
        published.institution_code,
        published.programme_code,
        published.window_start_year,
        published.sex,
        published.recruitment_county_code,
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
        coalesce(counties.lan_name, published.recruitment_county_code) as recruitment_county_name
    from published
    left join institutions
        on published.institution_code = institutions.larosate_code
    left join programmes
        on
            published.institution_code = programmes.institution_code
            and published.programme_code = programmes.programme_code
    left join counties
        on published.recruitment_county_code = counties.lan_code

)

select * from named
