{#
    Population fact model: the parts of the entrant marts' institution rows,
    one row per person, institution and programme: counted programme entrants
    (programnybörjare, is_counted_entrant) in their own entry window, and the
    institution entrants whose entry term had no programme registration as
    programme '{{ no_programme_label() }}' in the institution entry window, so
    every institution entrant is in some part. Attributes (sex, recruitment
    county, background indicators, record key) are the person's, as in
    int_institution_entrants_profiled, and so are the complete entry windows
    (int_academic_windows_completed).
#}
{%- set unknown = var('unknown_code') -%}

with programme_entrants as (

    select
        person_id,
        institution_code,
        programme_code,
        entry_academic_year,
        sex,
        recruitment_county_code
    from {{ ref('int_students_entered_programme') }}
    where
        is_counted_entrant
        and {{ in_complete_academic_window('entry_academic_year', for_entrants=true) }}

),

institution_entrants as (

    select * from {{ ref('int_institution_entrants_profiled') }}

),

indicators as (

    select * from {{ ref('int_persons_background_indicators') }}

),

record_keys as (

    select * from {{ ref('int_person_record_keys') }}

),

programme_parts as (

    select
        programme_entrants.person_id,
        programme_entrants.institution_code,
        programme_entrants.programme_code,
        programme_entrants.entry_academic_year,
        {{ window_start_year('programme_entrants.entry_academic_year') }} as window_start_year,
        programme_entrants.sex,
        programme_entrants.recruitment_county_code,
        coalesce(indicators.has_highly_educated_parents, '{{ unknown }}')
            as has_highly_educated_parents,
        coalesce(indicators.has_foreign_background, '{{ unknown }}') as has_foreign_background,
        -- a person without a key adds 0 to a cell key (as sdc_count_cells did)
        coalesce(record_keys.record_key, 0) as record_key
    from programme_entrants
    left join indicators
        on programme_entrants.person_id = indicators.person_id
    left join record_keys
        on programme_entrants.person_id = record_keys.person_id

),

no_programme_parts as (

    select
        person_id,
        institution_code,
        '{{ no_programme_label() }}' as programme_code,
        entry_academic_year,
        window_start_year,
        sex,
        recruitment_county_code,
        has_highly_educated_parents,
        has_foreign_background,
        record_key
    from institution_entrants
    where not entered_on_programme

),

parts as (

    select * from programme_parts
    union all
    select * from no_programme_parts

)

select * from parts
