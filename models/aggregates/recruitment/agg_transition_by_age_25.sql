{#
    Analysis 3. Count cells of registered persons in the transition ages by
    recruitment municipality, joined to the same cells of the public
    population table paired with the academic year
    (transition_population_year). Every complete academic year is published;
    a year or cell without a population figure keeps its counts and gets a
    NULL denominator (shown as missing, not as suppressed). Population cells
    without any registered person are kept as zero counts so the rate 0 is
    published too.

    A rate's numerator and denominator describe the same population: the
    population table only holds residents of Swedish municipalities, so the
    county and national 'Totalt' rows count only persons with a known
    recruitment municipality. Persons with recruitment municipality Okänt
    (no residence in Sweden the year before their first term) form their own
    row (county and municipality Okänt), outside every 'Totalt' of the
    geography and without a rate; they still add up over sex and birth
    country. Population rows of an unmapped municipality code are left out of
    the denominator for the same reason (counted in dq_unmapped_codes).
    Population registered_18_25_per_year, rolled up from its one pass.
#}
{%- set unknown = var('unknown_code') -%}

with registered as (

    select * from {{ ref('int_registered_18_25_per_year_cells_counted') }}

),

registered_known as (

    select * from registered
    where not is_recruitment_unknown

),

registered_unknown as (

    select
        academic_year,
        sex,
        born_abroad,
        '{{ unknown }}' as recruitment_county_code,
        '{{ unknown }}' as recruitment_municipality_code,
        n_persons,
        record_key_sum
    from registered
    where is_recruitment_unknown

),

known_cells as (

    {{ sdc_sum_cells(
        from='registered_known',
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['born_abroad'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
        ],
    ) }}

),

unknown_cells as (

    {{ sdc_sum_cells(
        from='registered_unknown',
        dims=['academic_year', 'recruitment_county_code', 'recruitment_municipality_code'],
        hierarchies=[['sex'], ['born_abroad']],
    ) }}

),

registered_years as (

    select distinct
        academic_year,
        {{ transition_population_year('academic_year') }} as population_year
    from registered

),

population as (

    select
        registered_years.academic_year,
        population.sex,
        population.born_abroad,
        population.county_code,
        population.municipality_code,
        population.n_residents
    from {{ ref('int_population_summed_transition_ages') }} as population
    inner join registered_years
        on population.population_year = registered_years.population_year
    where
        population.municipality_code <> '{{ unknown }}'
        and population.county_code <> '{{ unknown }}'

),

population_cells as (

    select
        academic_year,
        {{ total_when_grouped('sex') }} as sex,
        {{ total_when_grouped('born_abroad') }} as born_abroad,
        {{ total_when_grouped('county_code') }} as recruitment_county_code,
        {{ total_when_grouped('municipality_code') }} as recruitment_municipality_code,
        sum(n_residents) as n_residents
    from population
    group by
        academic_year,
        cube(sex, born_abroad),
        rollup(county_code, municipality_code)

),

known_joined as (

    select
        population_cells.n_residents as residents_transition_ages,
        coalesce(known_cells.academic_year, population_cells.academic_year)
            as academic_year,
        coalesce(known_cells.sex, population_cells.sex) as sex,
        coalesce(known_cells.born_abroad, population_cells.born_abroad) as born_abroad,
        coalesce(
            known_cells.recruitment_county_code,
            population_cells.recruitment_county_code
        ) as recruitment_county_code,
        coalesce(
            known_cells.recruitment_municipality_code,
            population_cells.recruitment_municipality_code
        ) as recruitment_municipality_code,
        coalesce(known_cells.n_persons, 0) as n_persons,
        coalesce(known_cells.cell_key, 0) as cell_key
    from known_cells
    full outer join population_cells
        on
            known_cells.academic_year = population_cells.academic_year
            and known_cells.sex = population_cells.sex
            and known_cells.born_abroad = population_cells.born_abroad
            and known_cells.recruitment_county_code
            = population_cells.recruitment_county_code
            and known_cells.recruitment_municipality_code
            = population_cells.recruitment_municipality_code

),

all_cells as (

    select
        residents_transition_ages,
        academic_year,
        sex,
        born_abroad,
        recruitment_county_code,
        recruitment_municipality_code,
        n_persons,
        cell_key
    from known_joined

    union all

    select
        cast(null as bigint) as residents_transition_ages,
        academic_year,
        sex,
        born_abroad,
        recruitment_county_code,
        recruitment_municipality_code,
        n_persons,
        cell_key
    from unknown_cells

)

select * from all_cells
