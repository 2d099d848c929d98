{#
    Cell key method (CKM): helpers for the perturbation table.
    The layout and the lookup rules follow ONS's open-source
    cell-key-perturbation package (create_perturbed_table), so a table made
    for that package works here and gives the same perturbed counts:
      - record keys 0..255, cell key = sum of the cell's record keys mod 256
        (sdc_count_cells computes it);
      - the table has rows pcv 1..750 x ckey 0..255 with a perturbation pvalue;
      - a count n is looked up at pcv = n for n <= 750, and counts above 750
        reuse the rows 501..750 cyclically: pcv = ((n - 1) mod 250) + 501
        (751, 1001, 1251 -> 501; 1000, 1250 -> 750);
      - a cell with no row in the table (count 0) gets pvalue 0, so zeros
        stay zero.
    See docs/disclosure-control.md, section "Cell key method".
#}

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
