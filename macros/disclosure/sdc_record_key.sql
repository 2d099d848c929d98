{#
    Record key 0..R-1 (R = sdc_ckm_key_range()) from a keyed MD5 of the person id. MD5 (not the engine's
    own hash) so the key is the same on every engine and DuckDB version.
#}
{% macro sdc_record_key(person_expression) %}
    {{ return(adapter.dispatch('sdc_record_key', 'studentflow')(person_expression)) }}
{% endmacro %}

{% macro default__sdc_record_key(person_expression) -%}
    mod(('x' || substr(md5('{{ env_var('STUDENTFLOW_RECORD_KEY_SEED', 'studentflow-demo-seed') }}' || cast({{ person_expression }} as {{ dbt.type_string() }})), 1, 8))::bit(32)::bigint, {{ sdc_ckm_key_range() }})
{%- endmacro %}

{% macro duckdb__sdc_record_key(person_expression) -%}
    cast(cast(('0x' || substr(md5('{{ env_var('STUDENTFLOW_RECORD_KEY_SEED', 'studentflow-demo-seed') }}' || cast({{ person_expression }} as {{ dbt.type_string() }})), 1, 8)) as bigint) % {{ sdc_ckm_key_range() }} as integer)
{%- endmacro %}
