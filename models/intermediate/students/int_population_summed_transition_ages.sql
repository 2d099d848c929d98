{#
    Public residents aged var('transition_min_age')..var('transition_max_age')
    on 31 December, per municipality, sex and birth country: the denominator
    of the transition and foreign-born rates (analyses 3 and 6).
#}
with population as (

    select * from {{ ref('stg_scb__population') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

summed as (

    select
        population.population_year,
        population.municipality_code,
        coalesce(municipalities.lan_code, '{{ var("unknown_code") }}') as county_code,
        case population.sex
            when 2 then 'Kvinnor'
            when 1 then 'Män'
            else '{{ var("unknown_code") }}'
        end as sex,
        case
            when population.is_born_abroad then 'Utrikes född'
            when not population.is_born_abroad then 'Inrikes född'
            else '{{ var("unknown_code") }}'
        end as born_abroad,
        sum(population.n_persons) as n_residents
    from population
    left join municipalities
        on population.municipality_code = municipalities.kommun_code
    where
        population.age between {{ var('transition_min_age') }}
        and {{ var('transition_max_age') }}
    group by
        population.population_year,
        population.municipality_code,
        municipalities.lan_code,
        population.sex,
        population.is_born_abroad

)

select * from summed
