{#
    The published count of one basis of a pivoted outcome mart (analyses 10
    and 11 publish one aggregate with a `basis` dim and show each basis as a
    count column): per row of the group by, whether the basis has a cell,
    its count, display and suppression flag, as columns named after
    `column` (has_<column>_cell, <column>, <column>_display,
    <column>_is_suppressed). basis_zero_filled turns a missing cell into
    the published zero.
#}
{% macro basis_count_columns(basis, column) -%}
    max(case when basis = '{{ basis }}' then 1 else 0 end) = 1 as has_{{ column }}_cell,
    max(case when basis = '{{ basis }}' then n end) as {{ column }},
    max(case when basis = '{{ basis }}' then n_display end) as {{ column }}_display,
    coalesce(bool_or(basis = '{{ basis }}' and n_is_suppressed), false)
        as {{ column }}_is_suppressed
{%- endmacro %}
