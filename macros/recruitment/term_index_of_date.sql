{#
    The term a date falls in, as a term_index: January-June is the spring
    term (VT), July-December the autumn term (HT), so a date compares with
    the registrations' terms (e.g. a degree dated before a person's first
    registered term).
#}
{% macro term_index_of_date(date_expression) -%}
    {{ term_index(
        'extract(year from ' ~ date_expression ~ ')',
        "case when extract(month from " ~ date_expression ~ ") >= 7 then 'HT' else 'VT' end"
    ) }}
{%- endmacro %}
