{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='published') }}
{#
    Planted violation (CI gate): a model in the published schema that
    declares none of the sdc_* tests. assert_published_marts_declare_sdc_tests
    must fail and name it. Its figures are harmless on purpose: the point is
    that CI refuses a mart that skips the tests, whatever it contains.
#}
select *
from (
    values
        ('01', 'Totalt', 915),
        ('03', 'Totalt', 25)
) as planted (county_code, sex_label, n)
