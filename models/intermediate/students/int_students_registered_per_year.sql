{#
    Everyone registered at any institution in an academic year, placed where
    they lived on 31 December before the academic year starts, with their age
    on that date - the same date, place and age the public population table
    uses, so population counts are a matching denominator (transition ages
    var transition_min_age..transition_max_age).
#}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

main_institutions as (

    select * from {{ ref('int_students_main_institution_chosen') }}

),

persons as (

    select * from {{ ref('int_persons_labelled') }}

),

residences as (

    select * from {{ ref('int_residences_mapped_to_county') }}

),

registered_years as (

    select distinct
        person_id,
        academic_year,
        {{ recruitment_reference_year('academic_year') }} as residence_reference_year
    from registrations

),

described as (

    select
        registered_years.person_id,
        registered_years.academic_year,
        registered_years.residence_reference_year,
        registered_years.residence_reference_year - persons.birth_year as age_at_reference,
        coalesce(
            registered_years.residence_reference_year - persons.birth_year
            between {{ var('transition_min_age') }} and {{ var('transition_max_age') }},
            false
        ) as is_transition_age,
        coalesce(residences.municipality_code, '{{ var("unknown_code") }}')
            as recruitment_municipality_code,
        coalesce(residences.county_code, '{{ var("unknown_code") }}')
            as recruitment_county_code,
        coalesce(persons.sex, '{{ var("unknown_code") }}') as sex,
        coalesce(persons.born_abroad, '{{ var("unknown_code") }}') as born_abroad,
        main_institutions.main_institution_code
    from registered_years
    left join persons
        on registered_years.person_id = persons.person_id
    left join residences
        on
            registered_years.person_id = residences.person_id
            and registered_years.residence_reference_year = residences.residence_year
    left join main_institutions
        on
            registered_years.person_id = main_institutions.person_id
            and registered_years.academic_year = main_institutions.academic_year

)

select * from described
