{#
    Every person the recruitment models can meet: the SCB person register
    plus anyone registered in Ladok without a person row, so downstream models
    may inner join and still never drop a student (their labels are 'Okänt').
#}
with persons as (

    select * from {{ ref('stg_scb__persons') }}

),

registered_persons as (

    select distinct person_id from {{ ref('stg_ladok__registrations') }}

),

universe as (

    select person_id from persons
    union
    select person_id from registered_persons

),

labelled as (

    select
        universe.person_id,
        case persons.sex
            when 2 then 'Kvinnor'
            when 1 then 'Män'
            else '{{ var("unknown_code") }}'
        end as sex,
        persons.birth_year,
        persons.is_born_abroad,
        case
            when persons.is_born_abroad then 'Utrikes född'
            when not persons.is_born_abroad then 'Inrikes född'
            else '{{ var("unknown_code") }}'
        end as born_abroad,
        persons.mother_id,
        persons.father_id,
        persons.person_id is not null as is_in_person_register
    from universe
    left join persons
        on universe.person_id = persons.person_id

)

select * from labelled
