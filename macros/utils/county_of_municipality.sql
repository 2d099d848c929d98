{#
    The county (län) of a municipality code by the code list kommuner, or
    var('unknown_code') ('Okänt') for NULL or a code outside the list. The one
    home of the municipality-to-county mapping: the recruitment county and the
    follow-up residence county both take it from here. A scalar subquery, so
    maps only the rows a model keeps: a model that mapped every residence
    year (53 M rows nationally) cost the build about 20 s with its key test.
#}
{% macro county_of_municipality(municipality_code) -%}
    coalesce(
        (
            select kommuner.lan_code
            from {{ ref('kommuner') }} as kommuner
            where kommuner.kommun_code = {{ municipality_code }}
        ),
        '{{ var("unknown_code") }}'
    )
{%- endmacro %}
