{#
    True when two rows agree on every column in `columns`, NULLs counting as
    equal (the partition a window over those columns would form):
    `left.c is not distinct from right.c and ...`.
#}
{% macro same_values(left, right, columns) -%}
{%- for column in columns -%}
{{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}
{{- ' and ' if not loop.last }}
{%- endfor -%}
{%- endmacro %}
