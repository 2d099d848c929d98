{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{# Planted violation (rule 5): a person identifier column. sdc_no_identifier_columns must fail. #}
select *
from (
    values
        (cast(1001 as bigint), '01', 1),
        (cast(1002 as bigint), '01', 1)
) as planted (person_id, county_code, n)
