{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{# Fixture: the pcv that macro sdc_ckm_pcv gives counts 0..5000, compared with ONS's rule in pytest. #}
select
    cast(range as integer) as n,
    {{ sdc_ckm_pcv('cast(range as integer)') }} as pcv
from range(0, 5001)
