{#
    Analysis 9: graduates with a degree code at an institution (and in the
    whole country) by occupation, SSYK 2012 major group, in the follow-up
    year, with the categories utvandrad, studerande, övrigt and Okänt.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_outcome_occupation'),
        dims=[
            'degree_code', 'window_start_year', 'years_after_graduation',
            'institution_code', 'sex', 'category_code',
        ],
        additive_dims=['institution_code', 'sex', 'category_code'],
        share_dim='category_code',
    ) }}

),

institutions as (

    select
        larosate_code,
        larosate_name
    from {{ ref('larosaten') }}

),

degree_codes as (

    select
        degree_code,
        degree_name,
        degree_type
    from {{ ref('agg_labels_outcome_degree_codes') }}

),

categories as (

    select
        category_code,
        category_name
    from {{ ref('agg_labels_outcome_categories') }}
    where variable = 'yrke'

)

select
    published.degree_code,
    coalesce(degree_codes.degree_name, published.degree_code) as degree_name,
    degree_codes.degree_type,
    published.window_start_year,
    {{ window_label('published.window_start_year') }} as window_label,
    published.years_after_graduation,
    published.institution_code,
    case
        when published.institution_code = '{{ var('total_label') }}' then 'Riket'
        else coalesce(institutions.larosate_name, published.institution_code)
    end as institution_name,
    published.sex,
    published.category_code,
    coalesce(categories.category_name, published.category_code) as category_name,
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
left join degree_codes
    on published.degree_code = degree_codes.degree_code
left join categories
    on published.category_code = categories.category_code
