{#
    The calendar year of a delivered term code (HT2014 -> 2014). The
    registrations' staging model keeps its rows per this year and checksums
    the delivery per this year, so both must read it the same way.
#}
{% macro term_code_year(column_name) -%}
    cast(substr({{ nullif_blank(column_name) }}, 3, 4) as smallint)
{%- endmacro %}
