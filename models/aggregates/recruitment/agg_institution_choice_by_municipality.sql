{#
    Analysis 4. An institution chosen by fewer than
    var('institution_choice_min_persons') persons from a municipality in a
    year is pooled into 'Övriga' for that municipality and year (before
    counting, so the parts still sum to the municipality total).
#}
with registered as (

    select
        person_id,
        academic_year,
        recruitment_county_code,
        recruitment_municipality_code,
        sex,
        main_institution_code
    from {{ ref('int_students_registered_per_year') }}
    where is_transition_age

),

institution_sizes as (

    select
        academic_year,
        recruitment_municipality_code,
        main_institution_code,
        count(*) as n_persons_all_sexes
    from registered
    group by academic_year, recruitment_municipality_code, main_institution_code

),

choices as (

    select
        registered.person_id,
        registered.academic_year,
        registered.recruitment_county_code,
        registered.recruitment_municipality_code,
        registered.sex,
        case
            when
                institution_sizes.n_persons_all_sexes
                < {{ var('institution_choice_min_persons') }}
                then '{{ institution_choice_other_label() }}'
            else registered.main_institution_code
        end as institution_choice_code
    from registered
    inner join institution_sizes
        on
            registered.academic_year = institution_sizes.academic_year
            and registered.recruitment_municipality_code
            = institution_sizes.recruitment_municipality_code
            and registered.main_institution_code = institution_sizes.main_institution_code

),

cells as (

    {{ sdc_count_cells(
        from='choices',
        dims=['academic_year', 'recruitment_county_code', 'recruitment_municipality_code'],
        hierarchies=[['sex'], ['institution_choice_code']],
    ) }}

)

select * from cells
