{#
    One pass over population registered_per_year: persons and the sum of their
    record keys per finest cell of every aggregate on it (academic year, sex,
    recruitment county and municipality, foreign background, parents'
    education). One row per person and year in the fact model, so count(*)
    counts persons; the aggregates roll their totals up from these cells
    (macro sdc_sum_cells).
#}
with persons as (

    select * from {{ ref('int_registered_persons_per_year_profiled') }}

),

cells as (

    {{ population_cells(
        from='persons',
        dims=[
            'academic_year',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'foreign_background_code',
            'parents_sun_level',
        ],
    ) }}

)

select * from cells
