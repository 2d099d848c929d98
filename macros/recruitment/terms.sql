{#
    Sortable term number: VT2015 -> 4030, HT2015 -> 4031, so consecutive terms
    differ by 1 and N years after a term is term_index + 2 * N.
#}
{% macro term_index(calendar_year, season) -%}
    ({{ calendar_year }} * 2 + case when {{ season }} = 'HT' then 1 else 0 end)
{%- endmacro %}

{# Academic year reported as its autumn year: HT2014 and VT2015 -> 2014. #}
{% macro academic_year(calendar_year, season) -%}
    ({{ calendar_year }} - case when {{ season }} = 'VT' then 1 else 0 end)
{%- endmacro %}

{#
    Year whose 31 December residence is the recruitment region of an entry in
    the given calendar year (rekryteringskommun: the year before the entry
    term's calendar year, for spring and autumn entrants alike).
#}
{% macro recruitment_reference_year(calendar_year) -%}
    ({{ calendar_year }} - 1)
{%- endmacro %}
