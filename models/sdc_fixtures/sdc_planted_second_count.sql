{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Planted violations (rules 1 and 4) in the second count of a mart with two,
    for the one-test-per-mart forms of the sdc tests (sdc_no_small_counts
    with `columns`, sdc_no_single_suppressed_part with `suppressed_columns`):
    n_living is clean; n_recruited has a 3 (county 01) and a lone suppressed
    category beside a published total (county 02: Kvinnor = 15 - 9). A test
    that checked only the first count would pass; both must fail.
#}
select *
from (
    values
        ('01', 'Män', 20, false, 3, false),
        ('01', 'Kvinnor', 30, false, 12, false),
        ('01', 'Totalt', 50, false, 15, false),
        ('02', 'Män', 20, false, 9, false),
        ('02', 'Kvinnor', 30, false, cast(null as integer), true),
        ('02', 'Totalt', 50, false, 15, false)
) as planted (
    county_code, sex_label, n_living, n_living_is_suppressed, n_recruited, n_recruited_is_suppressed
)
