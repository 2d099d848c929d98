{#
    Year whose 31 December residence is the recruitment region of an entry in
    the given calendar year (rekryteringskommun: the year before the entry
    term's calendar year, for spring and autumn entrants alike).
#}
{% macro recruitment_reference_year(calendar_year) -%}
    ({{ calendar_year }} - 1)
{%- endmacro %}
