{# Reads a user-supplied perturbation table (var sdc_ptable_path): CSV or Parquet. #}
{% macro sdc_ckm_read_ptable(path) -%}
    {%- set lowered = path | lower -%}
    {%- if lowered.endswith('.parquet') or lowered.endswith('.pq') -%}
        read_parquet('{{ path }}')
    {%- elif lowered.endswith('.csv') or lowered.endswith('.csv.gz') or lowered.endswith('.txt') -%}
        read_csv('{{ path }}', header = true, auto_detect = true)
    {%- else -%}
        {{ exceptions.raise_compiler_error("var sdc_ptable_path = '" ~ path ~ "': the perturbation table must be a .csv or .parquet file with columns pcv, ckey, pvalue") }}
    {%- endif -%}
{%- endmacro %}
