{# The perturbation cell value (pcv) under which a count is looked up. #}
{% macro sdc_ckm_pcv(count_expression) -%}
    case
        when ({{ count_expression }}) <= 750 then ({{ count_expression }})
        else (({{ count_expression }}) - 1) % 250 + 501
    end
{%- endmacro %}
