{#
    Everyone registered at any institution in a complete academic year (both
    terms delivered), placed by their recruitment municipality - fixed per
    person, so a student who moves to the study town still counts where they
    were recruited from - with their age on 31 December of the population
    year paired with the academic year (transition_population_year), the date
    the public population table counts ages on, so residents of the same ages
    are a matching denominator (transition ages var
    transition_min_age..transition_max_age).
#}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

completed_years as (

    select * from {{ ref('int_academic_years_completed') }}

),

main_institutions as (

    select * from {{ ref('int_students_main_institution_chosen') }}

),

persons as (

    select * from {{ ref('int_persons_labelled') }}

),

recruitment as (

    select * from {{ ref('int_persons_recruitment_municipality_assigned') }}

),

registered_years as (

    select distinct
        registrations.person_id,
        registrations.academic_year,
        {{ transition_population_year('registrations.academic_year') }} as population_year
    from registrations
    inner join completed_years
        on registrations.academic_year = completed_years.academic_year

),

described as (

    select
        registered_years.person_id,
        registered_years.academic_year,
        registered_years.population_year,
        registered_years.population_year - persons.birth_year as age_at_population_year_end,
        coalesce(
            registered_years.population_year - persons.birth_year
            between {{ var('transition_min_age') }} and {{ var('transition_max_age') }},
            false
        ) as is_transition_age,
        -- every registered person has a row there; coalesce only guards the join
        coalesce(recruitment.recruitment_municipality_code, '{{ var("unknown_code") }}')
            as recruitment_municipality_code,
        coalesce(recruitment.recruitment_county_code, '{{ var("unknown_code") }}')
            as recruitment_county_code,
        coalesce(persons.sex, '{{ var("unknown_code") }}') as sex,
        coalesce(persons.born_abroad, '{{ var("unknown_code") }}') as born_abroad,
        main_institutions.main_institution_code
    from registered_years
    left join persons
        on registered_years.person_id = persons.person_id
    left join recruitment
        on registered_years.person_id = recruitment.person_id
    left join main_institutions
        on
            registered_years.person_id = main_institutions.person_id
            and registered_years.academic_year = main_institutions.academic_year

)

select * from described
