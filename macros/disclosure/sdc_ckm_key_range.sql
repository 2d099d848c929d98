{#
    R, the number of record keys and cell keys (var sdc_ckey_range): record keys
    are 0..R-1, a cell key is the sum of its persons' record keys mod R, and the
    perturbation table has rows ckey 0..R-1 for every pcv. ONS's earlier tables
    use 256, its current ones 4096; any R from 16 to 65536 works the same way.
    Record keys and the table must share R, or a cell key would miss rows.
#}
{% macro sdc_ckm_key_range() %}
    {%- set key_range = var('sdc_ckey_range', 256) -%}
    {%- if key_range is not number or key_range != key_range | int or key_range < 16 or key_range > 65536 -%}
        {{ exceptions.raise_compiler_error("var sdc_ckey_range must be a whole number from 16 to 65536 (ONS uses 256 or 4096): the number of record keys and cell keys, got " ~ key_range) }}
    {%- endif -%}
    {{ return(key_range | int) }}
{% endmacro %}
