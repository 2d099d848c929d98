{#
    Display text of a protected count: the number, or for a suppressed cell
    '..' (SCB/UKÄ style, var sdc_display = 'dots') or, in the statistics
    system's midpoint style, '2,5' for primary-suppressed cells and '..' for
    secondary ones (midpoint is only safe together with rules 2 and 4).
#}
{% macro sdc_display_count(value_column, suppressed_column, primary_column) -%}
    case
        {%- if var('sdc_display') == 'midpoint' %}
        when {{ primary_column }} then '2,5'
        {%- endif %}
        when {{ suppressed_column }} then '..'
        else cast({{ value_column }} as {{ dbt.type_string() }})
    end
{%- endmacro %}
