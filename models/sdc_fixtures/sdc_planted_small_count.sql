{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{# Planted violation (rule 1): a published count of 3. sdc_no_small_counts must fail. #}
select *
from (
    values
        ('01', 'Män', 3, '3', false),
        ('01', 'Kvinnor', 12, '12', false),
        ('01', 'Totalt', 15, '15', false)
) as planted (county_code, sex_label, n, n_display, n_is_suppressed)
