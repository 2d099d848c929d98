{#
    One pass over population registered_18_25_per_year (transition ages):
    persons and the sum of their record keys per finest cell of
    agg_transition_by_age_25 and agg_institution_choice_by_municipality
    (academic year, sex, born abroad, recruitment county and municipality,
    institution choice). One row per person and year in the fact model, so
    count(*) counts persons.
#}
with persons as (

    select * from {{ ref('int_registered_persons_per_year_profiled') }}
    where is_transition_age

),

cells as (

    {{ population_cells(
        from='persons',
        dims=[
            'academic_year',
            'sex',
            'born_abroad',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'is_recruitment_unknown',
            'institution_choice_code',
        ],
    ) }}

)

select * from cells
