{#
    Analysis 7: högskolenybörjare per start university and complete entry
    window (the follow-up of var('credits_within_years') years has arrived for
    every entry year of the window), by credits band, once by foreign
    background and once by parents' education (background_variable tells
    which; each person is in both). Population entrants_credits_followup
    (int_credits_entrants_profiled), rolled up from its one pass.
#}
with cells as (

    select * from {{ ref('int_credits_entrants_cells_counted') }}

),

by_background as (

    select
        'foreign_background' as background_variable,
        window_start_year,
        start_institution_code,
        sex,
        foreign_background_code as background_code,
        credits_band,
        n_persons,
        record_key_sum
    from cells

    union all

    select
        'parents_education' as background_variable,
        window_start_year,
        start_institution_code,
        sex,
        parents_sun_level as background_code,
        credits_band,
        n_persons,
        record_key_sum
    from cells

),

counted as (

    {{ sdc_sum_cells(
        from='by_background',
        dims=['background_variable', 'window_start_year'],
        hierarchies=[
            ['start_institution_code'],
            ['sex'],
            ['background_code'],
            ['credits_band'],
        ],
    ) }}

)

select * from counted
