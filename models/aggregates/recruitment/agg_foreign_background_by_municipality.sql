{#
    Analysis 6 per municipality: registered persons up to 25 by foreign
    background; the utrikes född rows carry the foreign-born residents of the
    same ages, municipality and sex as the public rate denominator.
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
    where registered.is_transition_age

),

registered_cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
            ['foreign_background_code'],
        ],
    ) }}

),

foreign_born_residents as (

    select
        sex,
        county_code,
        municipality_code,
        n_residents,
        -- residents on 31 Dec of year T - 1 are the denominator of academic year T
        population_year + 1 as academic_year
    from {{ ref('int_population_summed_transition_ages') }}
    where born_abroad = 'Utrikes född'

),

resident_cells as (

    select
        academic_year,
        {{ total_when_grouped('sex') }} as sex,
        {{ total_when_grouped('county_code') }} as recruitment_county_code,
        {{ total_when_grouped('municipality_code') }} as recruitment_municipality_code,
        sum(n_residents) as n_residents
    from foreign_born_residents
    group by
        academic_year,
        cube(sex),
        rollup(county_code, municipality_code)

),

joined as (

    select
        registered_cells.*,
        case
            when registered_cells.foreign_background_code = 'utrikes_fodd'
                then resident_cells.n_residents
        end as residents_born_abroad
    from registered_cells
    left join resident_cells
        on
            registered_cells.academic_year = resident_cells.academic_year
            and registered_cells.sex = resident_cells.sex
            and registered_cells.recruitment_county_code
            = resident_cells.recruitment_county_code
            and registered_cells.recruitment_municipality_code
            = resident_cells.recruitment_municipality_code

)

select * from joined
