{#
    One row per graduate and arrived follow-up year: where the person was
    registered on 31 December and whether the person counts as emigrated
    (docs block emigrated).
#}
with followup_years as (

    select distinct
        person_id,
        followup_year
    from {{ ref('int_degree_followups_scheduled') }}
    where has_arrived

),

residences as (

    -- one registration per person and year: the primary key of
    -- stg_scb__residences, tested before this model runs
    select
        person_id,
        residence_year,
        municipality_code
    from {{ ref('stg_scb__residences') }}

),

emigrations as (

    select
        person_id,
        emigration_date
    from {{ ref('stg_scb__emigrations') }}

),

latest_emigration as (

    select
        followup_years.person_id,
        followup_years.followup_year,
        max(emigrations.emigration_date) as last_emigration_date
    from followup_years
    inner join emigrations
        on
            followup_years.person_id = emigrations.person_id
            and extract(year from emigrations.emigration_date) <= followup_years.followup_year
    group by followup_years.person_id, followup_years.followup_year

),

resolved as (

    select
        followup_years.person_id,
        followup_years.followup_year,
        residences.person_id is not null as has_residence,
        latest_emigration.last_emigration_date is not null as has_emigrated_before,
        residences.person_id is null
        and latest_emigration.last_emigration_date is not null as is_emigrated,
        coalesce(residences.municipality_code, '{{ var('unknown_code') }}')
            as residence_municipality_code,
        {{ county_of_municipality('residences.municipality_code') }} as residence_county_code
    from followup_years
    left join residences
        on
            followup_years.person_id = residences.person_id
            and followup_years.followup_year = residences.residence_year
    left join latest_emigration
        on
            followup_years.person_id = latest_emigration.person_id
            and followup_years.followup_year = latest_emigration.followup_year

)

select
    person_id,
    followup_year,
    has_residence,
    has_emigrated_before,
    is_emigrated,
    residence_municipality_code,
    residence_county_code
from resolved
