{#
    Analysis 5 per municipality: persons registered at any institution in a
    complete academic year, of any age (as per programme), by recruitment
    municipality and parents' highest level.
#}
with registered as (

    select
        registered.person_id,
        registered.academic_year,
        registered.sex,
        registered.recruitment_county_code,
        registered.recruitment_municipality_code,
        coalesce(parents.parents_sun_level, '{{ var("unknown_code") }}') as parents_sun_level
    from {{ ref('int_students_registered_per_year') }} as registered
    left join {{ ref('int_students_parents_education_as_of_entry') }} as parents
        on registered.person_id = parents.person_id

),

cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
            ['parents_sun_level'],
        ],
    ) }}

)

select * from cells
