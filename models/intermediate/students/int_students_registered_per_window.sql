{#
    Persons registered at an institution (and on a programme there, NULL for
    freestanding courses only) at least once in a window of academic years,
    with their recruitment region (fixed per person: residence before their
    first term in higher education, docs block rekryteringskommun). Only
    complete windows (int_academic_windows_completed): an open window would
    grow by a year's registered persons in each release, and one that starts
    before the delivery would name years it does not hold.
#}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

institution_entries as (

    select * from {{ ref('int_students_entered_institution') }}

),

registered_in_window as (

    select distinct
        person_id,
        institution_code,
        programme_code,
        {{ window_start_year('academic_year') }} as window_start_year
    from registrations
    where {{ in_complete_academic_window('academic_year') }}

),

with_region as (

    select
        registered_in_window.person_id,
        registered_in_window.institution_code,
        registered_in_window.programme_code,
        registered_in_window.window_start_year,
        institution_entries.recruitment_municipality_code,
        institution_entries.recruitment_county_code,
        institution_entries.sex
    from registered_in_window
    inner join institution_entries
        on
            registered_in_window.person_id = institution_entries.person_id
            and registered_in_window.institution_code = institution_entries.institution_code

)

select * from with_region
