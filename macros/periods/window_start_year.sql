{#
    First year of the non-overlapping window a year falls in. Windows have
    var('window_length') years and are aligned to var('window_anchor_year'),
    so two published windows never overlap (disclosure rule 6).
#}
{% macro window_start_year(year_expression) -%}
    ({{ var('window_anchor_year') }} + cast(floor(({{ year_expression }} - {{ var('window_anchor_year') }}) / {{ var('window_length') }}.0) as integer) * {{ var('window_length') }})
{%- endmacro %}
