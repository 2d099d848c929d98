{#
    Use the custom schema name as it is (staging, intermediate, aggregates,
    published, code_lists) instead of dbt's default '<target schema>_<custom>',
    so analysts and the disclosure-control tests can rely on 'published'.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
