{#
    Translates a municipality code as a register of year_expression carries it
    into the code of today's municipality (seed kommunkod_andringar), so old
    residences, schools and workplaces are grouped with today's municipality
    instead of becoming 'Okänt'. Registers since 1993 carry the code valid in
    their year; an old code is only translated for years when it was valid, so
    a code that is reused later is never mistaken for the old one. Codes that
    did not change are returned as they are.
#}
{% macro current_municipality_code(code_expression, year_expression) -%}
    coalesce(
        (
            select code_changes.kommun_code
            from {{ ref('kommunkod_andringar') }} as code_changes
            where
                code_changes.old_kommun_code = {{ code_expression }}
                and {{ year_expression }} <= code_changes.last_year_valid
        ),
        {{ code_expression }}
    )
{%- endmacro %}
