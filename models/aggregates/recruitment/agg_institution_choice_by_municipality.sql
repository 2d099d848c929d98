{#
    Analysis 4. An institution chosen by fewer than
    var('institution_choice_min_persons') persons from a municipality in a
    year is pooled into 'Övriga' for that municipality and year (before
    counting, so the parts still sum to the municipality total; the pooling
    is in int_registered_persons_per_year_profiled). Population
    registered_18_25_per_year, rolled up from its one pass.
#}
with choices as (

    select * from {{ ref('int_registered_18_25_per_year_cells_counted') }}
    -- a person without a main institution has no choice (NULL) to count
    where institution_choice_code is not null

),

cells as (

    {{ sdc_sum_cells(
        from='choices',
        dims=['academic_year', 'recruitment_county_code', 'recruitment_municipality_code'],
        hierarchies=[['sex'], ['institution_choice_code']],
    ) }}

)

select * from cells
