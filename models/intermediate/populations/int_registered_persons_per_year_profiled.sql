{#
    Population fact model: persons registered at any institution in a complete
    academic year (int_students_registered_per_year), one row per person and
    academic year, with every attribute the yearly recruitment marts group by
    and the person's record key - joined once, here. Populations
    registered_per_year (all rows) and registered_18_25_per_year
    (is_transition_age) in sdc/linked_tables.yml.
#}
{%- set unknown = var('unknown_code') -%}

with registered as (

    select * from {{ ref('int_students_registered_per_year') }}

),

foreign_backgrounds as (

    select * from {{ ref('int_persons_foreign_background_classified') }}

),

parents as (

    select * from {{ ref('int_students_parents_education_as_of_entry') }}

),

record_keys as (

    select * from {{ ref('int_person_record_keys') }}

),

-- institution choice (analysis 4) pools an institution chosen by fewer than
-- var institution_choice_min_persons transition-age persons of a municipality
-- and year into 'Övriga', before counting, so the parts still add up
choice_sizes as (

    select
        *,
        count(*) over (
            partition by
                is_transition_age,
                academic_year,
                recruitment_municipality_code,
                main_institution_code
        ) as n_persons_same_choice
    from registered

),

profiled as (

    select
        choice_sizes.person_id,
        choice_sizes.academic_year,
        choice_sizes.age_at_population_year_end,
        choice_sizes.is_transition_age,
        choice_sizes.sex,
        choice_sizes.born_abroad,
        choice_sizes.recruitment_county_code,
        choice_sizes.recruitment_municipality_code,
        choice_sizes.recruitment_municipality_code = '{{ unknown }}'
        or choice_sizes.recruitment_county_code = '{{ unknown }}' as is_recruitment_unknown,
        coalesce(foreign_backgrounds.foreign_background_code, '{{ unknown }}')
            as foreign_background_code,
        coalesce(parents.parents_sun_level, '{{ unknown }}') as parents_sun_level,
        choice_sizes.main_institution_code,
        -- transition ages only; NULL without a main institution (not in analysis 4)
        case
            when not choice_sizes.is_transition_age or choice_sizes.main_institution_code is null
                then null
            when choice_sizes.n_persons_same_choice < {{ var('institution_choice_min_persons') }}
                then '{{ institution_choice_other_label() }}'
            else choice_sizes.main_institution_code
        end as institution_choice_code,
        -- a person without a key adds 0 to a cell key (as sdc_count_cells did)
        coalesce(record_keys.record_key, 0) as record_key
    from choice_sizes
    left join foreign_backgrounds
        on choice_sizes.person_id = foreign_backgrounds.person_id
    left join parents
        on choice_sizes.person_id = parents.person_id
    left join record_keys
        on choice_sizes.person_id = record_keys.person_id

)

select * from profiled
