{#
    Population fact model: counted entrants at an institution (nybörjare vid
    lärosätet, is_counted_entrant; docs: hogskolenyborjare), one row per person
    and institution, with the entry window, every attribute the entrant marts
    group by (sex, recruitment county, UKÄ's two background indicators) and
    the person's record key. The institution rows of population
    entrants_per_window. Only complete
    entry windows (int_academic_windows_completed).
#}
{%- set unknown = var('unknown_code') -%}

with entrants as (

    select * from {{ ref('int_students_entered_institution') }}
    where
        is_counted_entrant
        and {{ in_complete_academic_window('entry_academic_year', for_entrants=true) }}

),

indicators as (

    select * from {{ ref('int_persons_background_indicators') }}

),

record_keys as (

    select * from {{ ref('int_person_record_keys') }}

),

profiled as (

    select
        entrants.person_id,
        entrants.institution_code,
        entrants.entry_academic_year,
        {{ window_start_year('entrants.entry_academic_year') }} as window_start_year,
        entrants.entered_on_programme,
        entrants.sex,
        entrants.recruitment_county_code,
        coalesce(indicators.has_highly_educated_parents, '{{ unknown }}')
            as has_highly_educated_parents,
        coalesce(indicators.has_foreign_background, '{{ unknown }}') as has_foreign_background,
        -- a person without a key adds 0 to a cell key (as sdc_count_cells did)
        coalesce(record_keys.record_key, 0) as record_key
    from entrants
    left join indicators
        on entrants.person_id = indicators.person_id
    left join record_keys
        on entrants.person_id = record_keys.person_id

)

select * from profiled
