{#
    Population fact model: persons registered at an institution in a window
    (int_students_registered_per_window), one row per person, institution and
    window - made distinct once, here, over the person's programmes and
    freestanding courses - with every attribute the per-window recruitment
    marts group by and the person's record key. is_programme_student marks
    the persons of population programme_students_per_window at the
    institution (registered on some programme there in the window): they are
    the institution row of the per-programme marts, each counted once however
    many programmes they took. Population registered_per_window: all rows.
#}
{%- set unknown = var('unknown_code') -%}

with registered as (

    select * from {{ ref('int_students_registered_per_window') }}

),

foreign_backgrounds as (

    select * from {{ ref('int_persons_foreign_background_classified') }}

),

parents as (

    select * from {{ ref('int_students_parents_education_as_of_entry') }}

),

record_keys as (

    select * from {{ ref('int_person_record_keys') }}

),

-- sex and recruitment region are per person (region: before the first term in higher education)
window_students as (

    select
        person_id,
        institution_code,
        window_start_year,
        sex,
        recruitment_county_code,
        recruitment_municipality_code,
        max(case when programme_code is not null then 1 else 0 end) = 1 as is_programme_student
    from registered
    group by
        person_id,
        institution_code,
        window_start_year,
        sex,
        recruitment_county_code,
        recruitment_municipality_code

),

profiled as (

    select
        window_students.person_id,
        window_students.institution_code,
        window_students.window_start_year,
        window_students.is_programme_student,
        window_students.sex,
        window_students.recruitment_county_code,
        window_students.recruitment_municipality_code,
        coalesce(foreign_backgrounds.foreign_background_code, '{{ unknown }}')
            as foreign_background_code,
        coalesce(parents.parents_sun_level, '{{ unknown }}') as parents_sun_level,
        -- a person without a key adds 0 to a cell key (as sdc_count_cells did)
        coalesce(record_keys.record_key, 0) as record_key
    from window_students
    left join foreign_backgrounds
        on window_students.person_id = foreign_backgrounds.person_id
    left join parents
        on window_students.person_id = parents.person_id
    left join record_keys
        on window_students.person_id = record_keys.person_id

)

select * from profiled
