{#
    The cell columns of a ROLLUP query in sdc_count_cells: the dims as they
    are and each hierarchy column as var('total_label') on the rows where it
    is rolled up. One trailing comma per column (the counts follow).
#}
{% macro sdc_rollup_columns(alias, dims, hierarchy_columns) %}
    {%- for dim in dims %}
    {{ alias }}.{{ dim }},
    {%- endfor %}
    {%- for column in hierarchy_columns %}
    case when grouping({{ alias }}.{{ column }}) = 1 then '{{ var('total_label') }}' else {{ alias }}.{{ column }} end as {{ column }},
    {%- endfor %}
{%- endmacro %}
