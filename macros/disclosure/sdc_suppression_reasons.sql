{#
    Why each suppressed cell of one published mart is suppressed, from the
    mart itself and its exact aggregate: 'primär' when the exact count is
    1..k-1 (rule 1), otherwise 'sekundär' (rule 4). Internal only: published
    next to a total, the reason gives cells away (docs/disclosure-control.md).

    mart       published mart
    aggregate  its exact aggregate (sdc_count_cells)
    cells      the mart's cell columns (its grain, as in sdc/linked_tables.yml)
    counts     {count column: {aggregate column: value}} - a mart with two
               counts in a row names the aggregate row each one comes from
    renames    {mart column: aggregate column} where the names differ
    Output: mart_name, count_column, cell ('dim=value|...'), n_exact,
    suppression_reason.
#}
{% macro sdc_suppression_reasons(mart, aggregate, cells, counts={'n': {}}, renames={}) %}
    {%- for count, extra in counts.items() %}
    select
        '{{ mart }}' as mart_name,
        '{{ count }}' as count_column,
        {% for column in cells -%}
        '{{ column }}=' || coalesce(cast(published.{{ column }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' || {% endif %}
        {%- endfor %} as cell,
        exact.n_persons as n_exact,
        case
            when exact.n_persons > 0 and exact.n_persons < {{ var('sdc_k') }} then 'primär'
            else 'sekundär'
        end as suppression_reason
    from {{ ref(mart) }} as published
    left join {{ ref(aggregate) }} as exact
        on
            {% for column in cells -%}
            published.{{ column }} = exact.{{ renames.get(column, column) }}
            {%- if not loop.last %}
            and {% endif %}
            {%- endfor %}
            {%- for column, value in extra.items() %}
            and exact.{{ column }} = '{{ value }}'
            {%- endfor %}
    where published.{{ count }}_is_suppressed
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{% endmacro %}
