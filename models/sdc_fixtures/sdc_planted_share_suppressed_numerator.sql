{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Planted violation (rule 2): a share shown although its numerator is
    suppressed (3 / 15 = 0.2 gives the 3 away). sdc_derived_follows_inputs must fail.
#}
select *
from (
    values
        ('01', 'Män', cast(null as integer), true, 0.2, 15),
        ('01', 'Kvinnor', cast(null as integer), true, cast(null as double), 15),
        ('01', 'Totalt', 15, false, 1.0, 15)
) as planted (county_code, sex_label, n, n_is_suppressed, share, share_denominator)
