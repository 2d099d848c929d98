{# A share or rate as a percentage with one decimal and a decimal comma ('45,3'), '..' when suppressed. #}
{% macro sdc_display_share(value_expression) -%}
    coalesce(
        replace(cast(round(100.0 * ({{ value_expression }}), 1) as {{ dbt.type_string() }}), '.', ','),
        '..'
    )
{%- endmacro %}
