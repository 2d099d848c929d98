{#
    Parents' highest education for each högskolenybörjare, measured in the
    year before the first term ever (one reference year per person, so a
    person has the same background in every table). A parent's level is the
    latest change-history row valid from that year or earlier (as-of join);
    an unknown parent gives way to the other parent's level. Two rows valid
    from the same year: a known level before Okänt, then the higher.
#}
with students as (

    select
        person_id,
        recruitment_reference_year as parents_reference_year
    from {{ ref('int_students_first_term') }}

),

persons as (

    select * from {{ ref('int_persons_labelled') }}

),

education_levels as (

    select * from {{ ref('stg_scb__education_levels') }}

),

parents as (

    select
        students.person_id,
        students.parents_reference_year,
        'mother' as parent_role,
        persons.mother_id as parent_id
    from students
    left join persons
        on students.person_id = persons.person_id

    union all

    select
        students.person_id,
        students.parents_reference_year,
        'father' as parent_role,
        persons.father_id as parent_id
    from students
    left join persons
        on students.person_id = persons.person_id

),

levels_as_of as (

    select
        parents.person_id,
        parents.parents_reference_year,
        parents.parent_role,
        education_levels.sun_level,
        row_number() over (
            partition by parents.person_id, parents.parent_role
            order by
                education_levels.valid_from_year desc,
                {{ unknown_last('education_levels.sun_level') }} asc,
                education_levels.sun_level desc
        ) as level_rank
    from parents
    left join education_levels
        on
            parents.parent_id = education_levels.person_id
            and parents.parents_reference_year >= education_levels.valid_from_year

),

parent_levels as (

    select
        person_id,
        parents_reference_year,
        coalesce(
            max(case when parent_role = 'mother' then sun_level end),
            '{{ var("unknown_code") }}'
        ) as mother_sun_level,
        coalesce(
            max(case when parent_role = 'father' then sun_level end),
            '{{ var("unknown_code") }}'
        ) as father_sun_level
    from levels_as_of
    where level_rank = 1
    group by person_id, parents_reference_year

),

highest_level as (

    select
        person_id,
        parents_reference_year,
        mother_sun_level,
        father_sun_level,
        -- levels are the one-digit codes '1'..'7', so text order is level order
        case
            when mother_sun_level = '{{ var("unknown_code") }}' then father_sun_level
            when father_sun_level = '{{ var("unknown_code") }}' then mother_sun_level
            else greatest(mother_sun_level, father_sun_level)
        end as parents_sun_level
    from parent_levels

),

-- UKÄ's parental-education tables merge the two förgymnasial levels (var)
grouped_level as (

    select
        person_id,
        parents_reference_year,
        mother_sun_level,
        father_sun_level,
        case
            when
                {{ 'true' if var('parents_education_merge_forgymnasial', false) else 'false' }}
                and parents_sun_level in ('1', '2')
                then '1-2'
            else parents_sun_level
        end as parents_sun_level
    from highest_level

),

flagged as (

    select
        grouped_level.*,
        coalesce(sun_levels.is_higher_education, false) as has_highly_educated_parent
    from grouped_level
    left join {{ ref('sun2020_niva') }} as sun_levels
        on grouped_level.parents_sun_level = sun_levels.sun_level

)

select * from flagged
