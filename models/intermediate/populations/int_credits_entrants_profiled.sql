{#
    Population fact model entrants_credits_followup: högskolenybörjare
    (int_students_first_term, is_counted_entrant) in a complete entry window
    for the credits follow-up (docs block complete_windows: every entry year
    is delivered and counted, int_academic_windows_completed, and its
    follow-up of var credits_within_years years has arrived), one row per
    person, with start university, window, sex, credits band, foreign
    background, parents' education and the person's record key.
#}
{%- set unknown = var('unknown_code') -%}

with first_terms as (

    select * from {{ ref('int_students_first_term') }}
    where
        is_counted_entrant
        -- every entry year of the window delivered and not left-censored ...
        and {{ in_complete_academic_window('first_academic_year', for_entrants=true) }}

),

credits as (

    select * from {{ ref('int_students_credits_summed_within_years') }}

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

profiled as (

    select
        first_terms.person_id,
        first_terms.start_institution_code,
        first_terms.first_academic_year,
        {{ window_start_year('first_terms.first_academic_year') }} as window_start_year,
        first_terms.sex,
        credits.credits_band,
        coalesce(foreign_backgrounds.foreign_background_code, '{{ unknown }}')
            as foreign_background_code,
        coalesce(parents.parents_sun_level, '{{ unknown }}') as parents_sun_level,
        -- a person without a key adds 0 to a cell key (as sdc_count_cells did)
        coalesce(record_keys.record_key, 0) as record_key
    from first_terms
    inner join credits
        on first_terms.person_id = credits.person_id
    left join foreign_backgrounds
        on first_terms.person_id = foreign_backgrounds.person_id
    left join parents
        on first_terms.person_id = parents.person_id
    left join record_keys
        on first_terms.person_id = record_keys.person_id
    -- ... and every entry year followed up for the credits
    where
        {{ window_is_complete(
            window_start_year('first_terms.first_academic_year'),
            'credits.last_complete_entry_year',
        ) }}

)

select * from profiled
