{# Display label of a window, e.g. '2013–2018'. #}
{% macro window_label(start_year_expression) -%}
    cast({{ start_year_expression }} as {{ dbt.type_string() }}) || '–' || cast({{ start_year_expression }} + {{ var('window_length') }} - 1 as {{ dbt.type_string() }})
{%- endmacro %}
