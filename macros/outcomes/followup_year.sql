{#
    Calendar year in which a degree of academic year T is followed up
    'n years after graduation': T + n + 1 (1 -> T+2, 3 -> T+4, 5 -> T+6).
#}
{% macro followup_year(academic_year_expression, years_after) -%}
    ({{ academic_year_expression }} + {{ years_after }} + 1)
{%- endmacro %}
