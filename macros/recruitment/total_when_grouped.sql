{#
    A column of a GROUP BY CUBE/ROLLUP as text, with var('total_label') where
    the column is rolled up, so public denominators line up with the cells of
    sdc_count_cells.
#}
{% macro total_when_grouped(column) -%}
    case
        when grouping({{ column }}) = 1 then '{{ var("total_label") }}'
        else cast({{ column }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
