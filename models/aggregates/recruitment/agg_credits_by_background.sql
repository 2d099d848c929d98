{#
    Analysis 7: högskolenybörjare per start university and complete entry
    window (the follow-up of var('credits_within_years') years has arrived for
    every entry year of the window), by credits
    band, once by foreign background and once by parents' education
    (background_variable tells which; each person is in both).
#}
with entrants as (

    select
        first_terms.person_id,
        first_terms.start_institution_code,
        {{ window_start_year('first_terms.first_academic_year') }} as window_start_year,
        first_terms.sex,
        credits.credits_band
    from {{ ref('int_students_first_term') }} as first_terms
    inner join {{ ref('int_students_credits_summed_within_years') }} as credits
        on first_terms.person_id = credits.person_id
    -- complete windows only (docs block complete_windows): every entry year's
    -- follow-up of var credits_within_years years has arrived
    where
        {{ window_is_complete(
            window_start_year('first_terms.first_academic_year'),
            'credits.last_complete_entry_year',
        ) }}
        and first_terms.is_counted_entrant

),

by_background as (

    select
        entrants.*,
        'foreign_background' as background_variable,
        coalesce(
            backgrounds.foreign_background_code, '{{ var("unknown_code") }}'
        ) as background_code
    from entrants
    left join {{ ref('int_persons_foreign_background_classified') }} as backgrounds
        on entrants.person_id = backgrounds.person_id

    union all

    select
        entrants.*,
        'parents_education' as background_variable,
        coalesce(parents.parents_sun_level, '{{ var("unknown_code") }}') as background_code
    from entrants
    left join {{ ref('int_students_parents_education_as_of_entry') }} as parents
        on entrants.person_id = parents.person_id

),

cells as (

    {{ sdc_count_cells(
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

select * from cells
