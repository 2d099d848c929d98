{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='published') }}
{#
    Second clean planted mart: its cells (county, age 'Totalt') and the
    national total hold the same persons as cells of sdc_fixture_region, so
    the cell key method must give them the same published value.
#}
{{ sdc_publish(
    aggregate=ref('sdc_fixture_agg_age'),
    dims=['county_code', 'age_group'],
    additive_dims=['county_code', 'age_group'],
    share_dim='age_group',
    secondary='per_mart'
) }}
