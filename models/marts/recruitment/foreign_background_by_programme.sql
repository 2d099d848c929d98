{#
    Analysis 6 per programme: persons registered on a programme at an
    institution in a window by SCB's foreign-background groups, with shares;
    the programme 'Totalt' row is all programme students of the institution.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_foreign_background_by_programme'),
        dims=[
            'institution_code',
            'programme_code',
            'window_start_year',
            'sex',
            'foreign_background_code',
        ],
        additive_dims=['programme_code', 'sex', 'foreign_background_code'],
        share_dim='foreign_background_code',
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

),

programmes as (

    select * from {{ ref('agg_labels_programmes') }}

),

groups as (

    {{ foreign_background_groups() }}

),

named as (

    select
        published.institution_code,
        published.programme_code,
        published.window_start_year,
        published.sex,
        published.foreign_background_code,
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
        coalesce(groups.foreign_background_name, published.foreign_background_code)
            as foreign_background_name
    from published
    left join institutions
        on published.institution_code = institutions.larosate_code
    left join programmes
        on
            published.institution_code = programmes.institution_code
            and published.programme_code = programmes.programme_code
    left join groups
        on published.foreign_background_code = groups.foreign_background_code

)

select * from named
