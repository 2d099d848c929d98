{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='sdc_fixtures') }}
{#
    Planted violation of the primary key, for the primary_key test that
    replaced unique_combination plus one not_null test per key column on the
    published marts: the key (county_code, sex_label) is unique, but one key
    column is NULL in the last row. unique_combination alone passes here;
    primary_key must fail.
#}
select *
from (
    values
        ('01', 'Män', 20),
        ('01', 'Kvinnor', 30),
        ('01', 'Totalt', 50),
        ('02', cast(null as {{ dbt.type_string() }}), 50)
) as planted (county_code, sex_label, n)
