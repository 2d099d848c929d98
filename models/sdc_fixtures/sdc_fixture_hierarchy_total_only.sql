{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Clean fixture (regression): a county > municipality hierarchy whose
    national row is suppressed together with the counties. In the partition
    'county = Totalt' of the municipality dimension the national row is alone
    (a total without parts: no equation), so sdc_no_single_suppressed_part
    must pass.
#}
select *
from (
    values
        ('01', '0114', cast(null as integer), true),
        ('01', '0115', cast(null as integer), true),
        ('01', 'Totalt', cast(null as integer), true),
        ('03', '0305', cast(null as integer), true),
        ('03', '0319', cast(null as integer), true),
        ('03', 'Totalt', cast(null as integer), true),
        ('Totalt', 'Totalt', cast(null as integer), true)
) as fixture (county_code, municipality_code, n, n_is_suppressed)
