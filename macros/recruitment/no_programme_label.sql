{#
    Programme member for institution entrants who started on freestanding
    courses only (analysis 1), so the institution row always has parts.
#}
{% macro no_programme_label() -%}
    Utan program
{%- endmacro %}
