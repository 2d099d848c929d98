{#
    One pass over the window students (populations registered_per_window and,
    with is_programme_student, the institution rows of
    programme_students_per_window): persons and the sum of their record keys
    per finest cell (institution, window, programme student or not, sex,
    recruitment county and municipality, foreign background, parents'
    education). One row per person, institution and window in the fact model,
    so count(*) counts persons.
#}
with persons as (

    select * from {{ ref('int_window_students_profiled') }}

),

cells as (

    {{ population_cells(
        from='persons',
        dims=[
            'institution_code',
            'window_start_year',
            'is_programme_student',
            'sex',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'foreign_background_code',
            'parents_sun_level',
        ],
    ) }}

)

select * from cells
