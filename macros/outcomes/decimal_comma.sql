{# A number as display text with a decimal comma, rounded to `digits` decimals ('-7,5'). #}
{% macro decimal_comma(number_expression, digits) -%}
    replace(
        cast(round({{ number_expression }}, {{ digits }}) as {{ dbt.type_string() }}), '.', ','
    )
{%- endmacro %}
