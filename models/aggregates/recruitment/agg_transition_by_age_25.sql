{#
    Analysis 3. Count cells of registered persons in the transition ages,
    joined to the same cells of the public population (31 Dec before the
    academic year). Only academic years whose population year is delivered
    are published, and population cells without any registered person are
    kept as zero counts so the rate 0 is published too.
#}
with population as (

    select
        sex,
        born_abroad,
        county_code,
        municipality_code,
        n_residents,
        -- residents on 31 Dec of year T - 1 are the denominator of academic year T
        population_year + 1 as academic_year
    from {{ ref('int_population_summed_transition_ages') }}

),

population_years as (

    select distinct academic_year from population

),

registered_all_years as (

    select
        person_id,
        academic_year,
        sex,
        born_abroad,
        recruitment_county_code,
        recruitment_municipality_code
    from {{ ref('int_students_registered_per_year') }}
    where is_transition_age

),

registered as (

    select registered_all_years.*
    from registered_all_years
    inner join population_years
        on registered_all_years.academic_year = population_years.academic_year

),

registered_cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['born_abroad'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
        ],
    ) }}

),

registered_years as (

    select distinct academic_year from registered

),

population_in_registered_years as (

    select population.*
    from population
    inner join registered_years
        on population.academic_year = registered_years.academic_year

),

population_cells as (

    select
        academic_year,
        {{ total_when_grouped('sex') }} as sex,
        {{ total_when_grouped('born_abroad') }} as born_abroad,
        {{ total_when_grouped('county_code') }} as recruitment_county_code,
        {{ total_when_grouped('municipality_code') }} as recruitment_municipality_code,
        sum(n_residents) as n_residents
    from population_in_registered_years
    group by
        academic_year,
        cube(sex, born_abroad),
        rollup(county_code, municipality_code)

),

joined as (

    select
        population_cells.n_residents as residents_transition_ages,
        coalesce(registered_cells.academic_year, population_cells.academic_year)
            as academic_year,
        coalesce(registered_cells.sex, population_cells.sex) as sex,
        coalesce(registered_cells.born_abroad, population_cells.born_abroad) as born_abroad,
        coalesce(
            registered_cells.recruitment_county_code,
            population_cells.recruitment_county_code
        ) as recruitment_county_code,
        coalesce(
            registered_cells.recruitment_municipality_code,
            population_cells.recruitment_municipality_code
        ) as recruitment_municipality_code,
        coalesce(registered_cells.n_persons, 0) as n_persons,
        coalesce(registered_cells.cell_key, 0) as cell_key
    from registered_cells
    full outer join population_cells
        on
            registered_cells.academic_year = population_cells.academic_year
            and registered_cells.sex = population_cells.sex
            and registered_cells.born_abroad = population_cells.born_abroad
            and registered_cells.recruitment_county_code
            = population_cells.recruitment_county_code
            and registered_cells.recruitment_municipality_code
            = population_cells.recruitment_municipality_code

)

select * from joined
