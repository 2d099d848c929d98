{#
    Normalises a delivered code to text of fixed width with leading zeros
    ('580' -> '0580'); empty text becomes NULL so that it is treated as unknown.
#}
{% macro zero_pad(column_name, width) -%}
    lpad(nullif(trim(cast({{ column_name }} as {{ dbt.type_string() }})), ''), {{ width }}, '0')
{%- endmacro %}
