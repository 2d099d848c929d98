{#
    One pass over the programme rows of population
    programme_students_per_window: persons and the sum of their record keys
    per institution, window, programme, sex, foreign background and parents'
    education. One row per person and programme in the fact model, so count(*)
    counts persons; the institution row is counted from the window students
    (int_window_students_cells_counted), where each person is one row.
#}
with persons as (

    select * from {{ ref('int_programme_students_profiled') }}

),

cells as (

    {{ population_cells(
        from='persons',
        dims=[
            'institution_code',
            'window_start_year',
            'programme_code',
            'sex',
            'foreign_background_code',
            'parents_sun_level',
        ],
    ) }}

)

select * from cells
