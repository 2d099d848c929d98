{% macro alumni_aggregate(alumni_category) %}
{%- set split_by_sex = alumni_split_by_sex(alumni_category) -%}
with facts as (

    select
        person_id,
        institution_code,
        group_code,
        degree_code,
        window_start_year,
        years_after_graduation,
        variable,
        {%- if split_by_sex %}
        sex,
        {%- else %}
        '{{ var('total_label') }}' as sex,
        {%- endif %}
        category_code,
        income_sek
    from {{ ref('int_alumni_outcomes_unpivoted') }}
    where alumni_category = {{ alumni_category }}

)

{#- persons_unique: the facts' grain test (unique_combination on
    int_alumni_outcomes_unpivoted) allows one row per person and cell dims
    within a category -#}
{{ sdc_count_cells(
    from='facts',
    dims=alumni_cell_dims() + ([] if split_by_sex else ['sex']),
    hierarchies=([['sex']] if split_by_sex else []) + [['category_code']],
    measures=['income_sek'],
    persons_unique=true,
) }}
{% endmacro %}
