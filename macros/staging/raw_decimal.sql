{#
    Casts a delivered credit or amount to DECIMAL. Text deliveries may use a
    decimal comma (var raw_csv_decimal_separator); Parquet arrives typed and
    is cast directly so the national build pays for no string work.
#}
{% macro raw_decimal(column_name, precision=5, scale=1) -%}
    {%- if env_var('STUDENTFLOW_RAW_FORMAT', var('raw_format')) == 'csv' -%}
        cast(replace(trim({{ column_name }}), '{{ var('raw_csv_decimal_separator') }}', '.') as decimal({{ precision }}, {{ scale }}))
    {%- else -%}
        cast({{ column_name }} as decimal({{ precision }}, {{ scale }}))
    {%- endif -%}
{%- endmacro %}
