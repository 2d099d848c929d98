{#
    First year of the non-overlapping window a year falls in. Windows have
    var('window_length') years and are aligned to var('window_anchor_year'),
    so two published windows never overlap (disclosure rule 6).
#}
{% macro window_start_year(year_expression) -%}
    ({{ var('window_anchor_year') }} + cast(floor(({{ year_expression }} - {{ var('window_anchor_year') }}) / {{ var('window_length') }}.0) as integer) * {{ var('window_length') }})
{%- endmacro %}

{# Display label of a window, e.g. '2013–2018'. #}
{% macro window_label(start_year_expression) -%}
    cast({{ start_year_expression }} as {{ dbt.type_string() }}) || '–' || cast({{ start_year_expression }} + {{ var('window_length') }} - 1 as {{ dbt.type_string() }})
{%- endmacro %}
