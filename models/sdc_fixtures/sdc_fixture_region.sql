{{ config(enabled=var('sdc_planted_fixtures', false), materialized='table', schema='published') }}
{# Clean planted fixture: a published mart made the only allowed way (sdc_count_cells + sdc_publish). #}
{{ sdc_publish(
    aggregate=ref('sdc_fixture_agg_region'),
    dims=['sex_label', 'county_code', 'municipality_code'],
    additive_dims=['sex_label', 'county_code', 'municipality_code'],
    share_dim='sex_label',
    measures=['income_sek'],
    secondary='per_mart'
) }}
