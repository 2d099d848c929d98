{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{# Planted violation (rule 3): an income median from 4 persons. sdc_magnitude_min_persons must fail. #}
select *
from (
    values
        ('01', 4, 4, 251000.0, 230000.0, 262000.0, 248500.0),
        ('03', 25, 25, 240000.0, 215000.0, 270000.0, 243100.0)
) as planted (county_code, n, income_sek_n, income_sek_median, income_sek_p25, income_sek_p75, income_sek_mean)
