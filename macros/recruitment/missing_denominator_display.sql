{#
    Display text of a rate whose public denominator does not exist (no
    population figure for the cell: recruitment municipality or birth country
    Okänt, or the population table of that year not delivered). SCB's '.'
    ('uppgift kan inte förekomma'), kept apart from '..' so a missing figure
    is never read as a protected one.
#}
{% macro missing_denominator_display() -%}
    .
{%- endmacro %}
