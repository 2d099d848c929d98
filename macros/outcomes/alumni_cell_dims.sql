{% macro alumni_cell_dims() -%}
    {{- return([
        'institution_code', 'group_code', 'degree_code', 'window_start_year',
        'years_after_graduation', 'variable',
    ]) -}}
{%- endmacro %}
