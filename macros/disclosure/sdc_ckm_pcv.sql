{#
    Cell key method (CKM): helpers for the perturbation table.
    The layout and the lookup rules follow ONS's open-source
    cell-key-perturbation package (create_perturbed_table), so a table made
    for that package works here and gives the same perturbed counts:
      - record keys 0..R-1, cell key = sum of the cell's record keys mod R
        (R = var sdc_ckey_range, 256 by default, 4096 in ONS's current tables;
        sdc_count_cells computes it);
      - the table has rows pcv 1..750 x ckey 0..R-1 with a perturbation pvalue;
      - a count n is looked up at pcv = n for n <= 750, and counts above 750
        reuse the rows 501..750 cyclically: pcv = ((n - 1) mod 250) + 501
        (751, 1001, 1251 -> 501; 1000, 1250 -> 750);
      - a cell with no row in the table (count 0) gets pvalue 0, so zeros
        stay zero.
    See docs/disclosure-control.md, section "Cell key method".
#}

{# The perturbation cell value (pcv) under which a count is looked up. #}
{% macro sdc_ckm_pcv(count_expression) -%}
    case
        when ({{ count_expression }}) <= 750 then ({{ count_expression }})
        else (({{ count_expression }}) - 1) % 250 + 501
    end
{%- endmacro %}
