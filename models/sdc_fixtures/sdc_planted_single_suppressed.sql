{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Planted violation (rule 4): one suppressed category beside a published
    total (Män = Totalt - Kvinnor = 3). sdc_no_single_suppressed_part must fail.
#}
select *
from (
    values
        ('01', 'Män', cast(null as integer), '..', true),
        ('01', 'Kvinnor', 12, '12', false),
        ('01', 'Totalt', 15, '15', false)
) as planted (county_code, sex_label, n, n_display, n_is_suppressed)
