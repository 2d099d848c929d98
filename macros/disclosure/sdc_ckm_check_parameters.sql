{# Checks the parameters D (var sdc_ckm_max_deviation) and V (var sdc_ckm_variance) of the generated table. #}
{% macro sdc_ckm_check_parameters(max_deviation, variance) %}
    {%- if max_deviation < 1 or max_deviation > 50 -%}
        {{ exceptions.raise_compiler_error("var sdc_ckm_max_deviation (D) must be a whole number from 1 to 50, got " ~ max_deviation) }}
    {%- endif -%}
    {%- set uniform_variance = max_deviation * (max_deviation + 1) / 3 -%}
    {%- if variance <= 0 or variance >= uniform_variance -%}
        {{ exceptions.raise_compiler_error("var sdc_ckm_variance (V) must be above 0 and below D(D+1)/3 = " ~ uniform_variance ~ " (the variance of a uniform perturbation on -D..D) for D = " ~ max_deviation ~ ", got " ~ variance) }}
    {%- endif -%}
{% endmacro %}
