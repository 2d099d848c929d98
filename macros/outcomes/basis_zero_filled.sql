{#
    A basis count of basis_count_columns with a missing cell as its exact,
    published zero (the mart's rows are present_only: an absent row of a
    basis counts nobody): <column>, <column>_display and
    <column>_is_suppressed.
#}
{% macro basis_zero_filled(column) -%}
    {{ column }}_is_suppressed,
    case when has_{{ column }}_cell then {{ column }} else 0 end as {{ column }},
    case when has_{{ column }}_cell then {{ column }}_display else '0' end as {{ column }}_display
{%- endmacro %}
