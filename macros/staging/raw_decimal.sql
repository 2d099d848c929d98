{#
    Casts a delivered credit or amount to DECIMAL the way the delivery check
    tests it: a value delivered as text (every column of a text delivery, or a
    text column in Parquet) has the decimal separator var raw_csv_decimal_separator
    replaced by a point first; a typed Parquet column is cast directly so the
    national build pays for no string work. Pass the source relation so a Parquet
    column's delivered type can be looked up.
#}
{% macro raw_decimal(column_name, relation=none, precision=5, scale=1) -%}
    {%- set as_text = env_var('STUDENTFLOW_RAW_FORMAT', var('raw_format')) == 'csv' -%}
    {%- if not as_text and relation is not none and execute and flags.WHICH in ('run', 'build') -%}
        {%- set described = run_query("describe select " ~ column_name ~ " from " ~ relation) -%}
        {%- set as_text = described.columns[1].values()[0] | upper == 'VARCHAR' -%}
    {%- endif -%}
    {%- if as_text -%}
        cast(replace(trim({{ column_name }}), '{{ var('raw_csv_decimal_separator') }}', '.') as decimal({{ precision }}, {{ scale }}))
    {%- else -%}
        cast({{ column_name }} as decimal({{ precision }}, {{ scale }}))
    {%- endif -%}
{%- endmacro %}
