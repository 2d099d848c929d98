{# Last year of the window that starts in the given year (start + var('window_length') - 1). #}
{% macro window_end_year(start_year_expression) -%}
    ({{ start_year_expression }} + {{ var('window_length') }} - 1)
{%- endmacro %}
