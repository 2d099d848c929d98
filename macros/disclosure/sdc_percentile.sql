{# Continuous percentile of a numeric expression (engines spell it differently). #}
{% macro sdc_percentile(expression, fraction) %}
    {{ return(adapter.dispatch('sdc_percentile', 'studentflow')(expression, fraction)) }}
{% endmacro %}

{% macro default__sdc_percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__sdc_percentile(expression, fraction) -%}
    quantile_cont(cast({{ expression }} as double), {{ fraction }})
{%- endmacro %}
