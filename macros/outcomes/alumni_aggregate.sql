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

),

counted as (

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

),

-- the lowest of UKÄ's thresholds in the follow-up years a window's graduates
-- have at a follow-up: public (the seed), and every etablerad graduate earns
-- at least it, so the disclosure control reads etablerad within the income
-- bands from there up (threshold_bands in sdc/linked_tables.yml)
window_thresholds as (

    select
        followups.window_start_year,
        followups.years_after_graduation,
        min(thresholds.income_threshold_sek) as etablering_threshold_sek
    from (
        select distinct
            window_start_year,
            years_after_graduation
        from counted
    ) as followups
    inner join {{ ref('etablering_inkomstgrans') }} as thresholds
        on
            thresholds.year >= {{ followup_year(
                'followups.window_start_year', 'followups.years_after_graduation'
            ) }}
            and thresholds.year <= {{ followup_year(
                window_end_year('followups.window_start_year'),
                'followups.years_after_graduation',
            ) }}
    group by followups.window_start_year, followups.years_after_graduation

)

select
    counted.*,
    window_thresholds.etablering_threshold_sek
from counted
left join window_thresholds
    on
        counted.window_start_year = window_thresholds.window_start_year
        and counted.years_after_graduation = window_thresholds.years_after_graduation
{% endmacro %}
