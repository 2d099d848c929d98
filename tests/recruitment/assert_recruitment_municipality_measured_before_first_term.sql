{#
    The recruitment municipality is measured once, before the person's first
    term in higher education: every högskolenybörjare's recruitment
    reference year is the year before their first term (as
    int_students_first_term defines it), and the institution entrants,
    programme entrants and registered persons per year all carry the
    person's one municipality from int_persons_recruitment_municipality_assigned.
    Returns the persons that break it.
#}
with recruitment as (

    select * from {{ ref('int_persons_recruitment_municipality_assigned') }}

),

carried as (

    select
        'int_students_first_term' as model_name,
        person_id,
        recruitment_municipality_code,
        recruitment_reference_year,
        {{ recruitment_reference_year('first_term_calendar_year') }} as expected_reference_year
    from {{ ref('int_students_first_term') }}

    union all

    select
        'int_students_entered_institution' as model_name,
        person_id,
        recruitment_municipality_code,
        recruitment_reference_year,
        recruitment_reference_year as expected_reference_year
    from {{ ref('int_students_entered_institution') }}

    union all

    select
        'int_students_entered_programme' as model_name,
        person_id,
        recruitment_municipality_code,
        recruitment_reference_year,
        recruitment_reference_year as expected_reference_year
    from {{ ref('int_students_entered_programme') }}

    union all

    select
        'int_students_registered_per_year' as model_name,
        registered.person_id,
        registered.recruitment_municipality_code,
        recruitment.recruitment_reference_year,
        recruitment.recruitment_reference_year as expected_reference_year
    from {{ ref('int_students_registered_per_year') }} as registered
    left join recruitment
        on registered.person_id = recruitment.person_id

),

compared as (

    select
        carried.model_name,
        carried.person_id,
        carried.recruitment_municipality_code,
        recruitment.recruitment_municipality_code as person_recruitment_municipality_code,
        carried.recruitment_reference_year,
        carried.expected_reference_year,
        recruitment.recruitment_reference_year as person_recruitment_reference_year
    from carried
    left join recruitment
        on carried.person_id = recruitment.person_id

)

select * from compared
where
    person_recruitment_municipality_code is null
    or recruitment_municipality_code <> person_recruitment_municipality_code
    or recruitment_reference_year <> person_recruitment_reference_year
    or recruitment_reference_year <> expected_reference_year
