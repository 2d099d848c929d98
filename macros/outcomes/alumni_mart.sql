{% macro alumni_mart(alumni_category, aggregate_name) %}
{%- set split_by_sex = alumni_split_by_sex(alumni_category) -%}
with published as (

    {{ sdc_publish(
        aggregate=ref(aggregate_name),
        dims=alumni_cell_dims() + ['sex', 'category_code'],
        additive_dims=(['sex'] if split_by_sex else []) + ['category_code'],
        share_dim='category_code',
        measures=['income_sek'],
    ) }}

),

institutions as (

    select
        larosate_code,
        larosate_name
    from {{ ref('larosaten') }}

),

alumni_groups as (

    select
        institution_code,
        group_code,
        group_name
    from {{ ref('agg_labels_outcome_groups') }}
    where alumni_category = {{ alumni_category }}

),

degree_codes as (

    select
        degree_code,
        degree_name
    from {{ ref('agg_labels_outcome_degree_codes') }}

),

categories as (

    select
        variable,
        variable_name,
        category_code,
        category_name
    from {{ ref('agg_labels_outcome_categories') }}

)

select
    published.institution_code,
    coalesce(institutions.larosate_name, published.institution_code) as institution_name,
    {{ alumni_category }} as alumni_category,
    published.group_code,
    coalesce(alumni_groups.group_name, published.group_code) as group_name,
    published.degree_code,
    coalesce(degree_codes.degree_name, published.degree_code) as degree_name,
    published.window_start_year,
    {{ window_label('published.window_start_year') }} as window_label,
    published.years_after_graduation,
    published.sex,
    published.variable,
    coalesce(categories.variable_name, published.variable) as variable_name,
    published.category_code,
    coalesce(categories.category_name, published.category_code) as category_name,
    published.n,
    published.n_display,
    published.n_is_suppressed,
    published.share,
    published.share_display,
    published.share_is_suppressed,
    published.share_denominator,
    published.income_sek_median,
    published.income_sek_p25,
    published.income_sek_p75,
    published.income_sek_is_suppressed
from published
left join institutions
    on published.institution_code = institutions.larosate_code
left join alumni_groups
    on
        published.group_code = alumni_groups.group_code
        and (
            alumni_groups.institution_code is null
            or published.institution_code = alumni_groups.institution_code
        )
left join degree_codes
    on published.degree_code = degree_codes.degree_code
left join categories
    on
        published.variable = categories.variable
        and published.category_code = categories.category_code
{% endmacro %}
