{# Trimmed text, with empty strings (how text deliveries spell NULL) as NULL. #}
{% macro nullif_blank(column_name) -%}
    nullif(trim(cast({{ column_name }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
