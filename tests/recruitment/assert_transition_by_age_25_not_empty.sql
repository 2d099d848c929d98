{#
    The transition mart is never silently empty: it fails when the mart has
    no rows at all, and names every complete academic year with registered
    persons in the transition ages that has no national row in the mart
    (e.g. a population pairing that matches no delivered year used to drop
    every year without a single failing test).
#}
{%- set total = var('total_label') -%}

with mart_years as (

    select distinct academic_year
    from {{ ref('transition_by_age_25') }}
    where
        sex = '{{ total }}'
        and born_abroad = '{{ total }}'
        and recruitment_municipality_code = '{{ total }}'
        and recruitment_county_code = '{{ total }}'

),

expected_years as (

    select distinct academic_year
    from {{ ref('int_students_registered_per_year') }}
    where is_transition_age

),

missing_years as (

    select
        expected_years.academic_year,
        'complete academic year with registered persons 18-25 missing from the mart' as problem
    from expected_years
    left join mart_years
        on expected_years.academic_year = mart_years.academic_year
    where mart_years.academic_year is null

),

empty_mart as (

    select
        cast(null as integer) as academic_year,
        'transition_by_age_25 has no rows' as problem
    where not exists (select 1 from {{ ref('transition_by_age_25') }})

),

problems as (

    select * from missing_years
    union all
    select * from empty_mart

)

select * from problems
