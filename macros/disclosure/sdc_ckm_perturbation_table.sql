{#
    The body of int_sdc_perturbation_table: the user's table (var
    sdc_ptable_path, validated first) or the generated one.
#}
{% macro sdc_ckm_perturbation_table() %}
    {%- set ptable_path = var('sdc_ptable_path', none) -%}
    {%- if ptable_path -%}
        {{- sdc_ckm_validate_ptable(ptable_path) }}
    select
        cast(pcv as integer) as pcv,
        cast(ckey as integer) as ckey,
        cast(pvalue as integer) as pvalue
    from {{ sdc_ckm_read_ptable(ptable_path) }}
    {%- else %}
    {{ sdc_ckm_generated_ptable(var('sdc_ckm_max_deviation') | int, var('sdc_ckm_variance') | float) }}
    {%- endif %}
{% endmacro %}
