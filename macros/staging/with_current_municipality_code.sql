{#
    Selects every column of relation plus column_name: the code of today's
    municipality for a municipality code as a register of year_expression
    carries it (seed kommunkod_andringar), so old residences, schools and
    workplaces are grouped with today's municipality instead of becoming
    'Okänt'. Registers since 1993 carry the code valid in their year; an old
    code is only translated for years when it was valid, so a code that is
    reused later is never mistaken for the old one. Codes that did not change
    are returned as they are.

    A left join, not a correlated subquery per row: nationally the subquery
    cost a third of stg_scb__employment's time (40.7 M rows: 45.8 s -> 30.2 s,
    the same rows). At most one row matches because old_kommun_code is the
    seed's primary key (`dbt build` runs its test before any staging model).
    code_expression and year_expression name the relation's columns
    unqualified: a name the seed shares would be ambiguous, an error rather
    than a wrong join.
#}
{% macro with_current_municipality_code(relation, code_expression, year_expression, column_name) -%}
    select
        {{ relation }}.*,
        coalesce(code_changes.kommun_code, {{ code_expression }}) as {{ column_name }}
    from {{ relation }}
    left join {{ ref('kommunkod_andringar') }} as code_changes
        on
            code_changes.old_kommun_code = {{ code_expression }}
            and {{ year_expression }} <= code_changes.last_year_valid
{%- endmacro %}
