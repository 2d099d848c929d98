{#
    Sortable term number: VT2015 -> 4030, HT2015 -> 4031, so consecutive terms
    differ by 1 and N years after a term is term_index + 2 * N.
#}
{% macro term_index(calendar_year, season) -%}
    ({{ calendar_year }} * 2 + case when {{ season }} = 'HT' then 1 else 0 end)
{%- endmacro %}
