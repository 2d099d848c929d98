{#
    Analysis 6 per municipality: persons registered at any institution in a
    complete academic year, of any age, by recruitment municipality and
    foreign background - the same population as the per-programme table,
    which has no age limit either. The foreign-born rate against residents
    aged 18-25 needs the transition population in its numerator, so it is
    published in transition_by_age_25 (born_abroad = 'Utrikes född').
#}
with registered as (

    select
        registered.person_id,
        registered.academic_year,
        registered.sex,
        registered.recruitment_county_code,
        registered.recruitment_municipality_code,
        coalesce(
            backgrounds.foreign_background_code, '{{ var("unknown_code") }}'
        ) as foreign_background_code
    from {{ ref('int_students_registered_per_year') }} as registered
    left join {{ ref('int_persons_foreign_background_classified') }} as backgrounds
        on registered.person_id = backgrounds.person_id

),

cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
            ['foreign_background_code'],
        ],
    ) }}

)

select * from cells
