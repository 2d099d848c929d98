{#
    Analysis 12: graduates of a programme by SCB matching-indicator category
    in the follow-up year (emigrated left out), with the category's group
    (helt / delvis / inte matchad, utanför).
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_outcome_matching'),
        dims=[
            'institution_code', 'programme_code', 'programme_degree_code',
            'window_start_year', 'years_after_graduation', 'sex', 'category_code',
        ],
        additive_dims=['sex', 'category_code'],
        share_dim='category_code',
    ) }}

),

institutions as (

    select
        larosate_code,
        larosate_name
    from {{ ref('larosaten') }}

),

programmes as (

    select
        institution_code,
        group_code as programme_code,
        group_name as programme_name
    from {{ ref('agg_labels_outcome_groups') }}
    where alumni_category = 2

),

degree_codes as (

    select
        degree_code,
        degree_name
    from {{ ref('agg_labels_outcome_degree_codes') }}

),

matching_categories as (

    select
        matching_code,
        matching_name,
        matching_group,
        in_adjusted_population
    from {{ ref('matchning') }}

)

select
    published.institution_code,
    coalesce(institutions.larosate_name, published.institution_code) as institution_name,
    published.programme_code,
    coalesce(programmes.programme_name, published.programme_code) as programme_name,
    published.programme_degree_code,
    coalesce(degree_codes.degree_name, published.programme_degree_code)
        as programme_degree_name,
    published.window_start_year,
    {{ window_label('published.window_start_year') }} as window_label,
    published.years_after_graduation,
    published.sex,
    published.category_code as matching_code,
    case
        when published.category_code = '{{ var('total_label') }}' then '{{ var('total_label') }}'
        else coalesce(matching_categories.matching_name, published.category_code)
    end as matching_name,
    case
        when published.category_code = '{{ var('total_label') }}' then '{{ var('total_label') }}'
        else coalesce(matching_categories.matching_group, '{{ var('unknown_code') }}')
    end as matching_group,
    matching_categories.in_adjusted_population,
    published.n,
    published.n_display,
    published.n_is_suppressed,
    published.share,
    published.share_display,
    published.share_is_suppressed,
    published.share_denominator
from published
left join institutions
    on published.institution_code = institutions.larosate_code
left join programmes
    on
        published.institution_code = programmes.institution_code
        and published.programme_code = programmes.programme_code
left join degree_codes
    on published.programme_degree_code = degree_codes.degree_code
left join matching_categories
    on published.category_code = matching_categories.matching_code
