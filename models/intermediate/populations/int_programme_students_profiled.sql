{#
    Population fact model: persons registered on a programme at an institution
    in a window (population programme_students_per_window, programme rows),
    one row per person, institution, window and programme, with the attributes
    of the person's window row at the institution (int_window_students_profiled:
    sex, foreign background, parents' education, record key), so a person has
    the same background in every programme and in the institution row.
#}
with registered as (

    select distinct
        person_id,
        institution_code,
        window_start_year,
        programme_code
    from {{ ref('int_students_registered_per_window') }}
    where programme_code is not null

),

window_students as (

    select * from {{ ref('int_window_students_profiled') }}

),

profiled as (

    select
        registered.person_id,
        registered.institution_code,
        registered.window_start_year,
        registered.programme_code,
        window_students.sex,
        window_students.foreign_background_code,
        window_students.parents_sun_level,
        window_students.record_key
    from registered
    inner join window_students
        on
            registered.person_id = window_students.person_id
            and registered.institution_code = window_students.institution_code
            and registered.window_start_year = window_students.window_start_year

)

select * from profiled
