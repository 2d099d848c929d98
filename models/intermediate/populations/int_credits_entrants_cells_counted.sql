{#
    One pass over population entrants_credits_followup: persons and the sum of
    their record keys per window, start university, sex, credits band, foreign
    background and parents' education. One row per person in the fact model,
    so count(*) counts persons.
#}
with persons as (

    select * from {{ ref('int_credits_entrants_profiled') }}

),

cells as (

    {{ population_cells(
        from='persons',
        dims=[
            'window_start_year',
            'start_institution_code',
            'sex',
            'credits_band',
            'foreign_background_code',
            'parents_sun_level',
        ],
    ) }}

)

select * from cells
