{#
    One row per degree (all cycles) and follow-up (var followup_years: 1, 3,
    5 years after graduation): the calendar year of the follow-up, whether
    its register data has arrived and whether every graduation year of the
    degree's window has arrived for that follow-up and is in the degree
    extracts whole. Rules: docs blocks
    followup_year, followup_arrival and complete_windows.
#}
with degrees as (

    select
        degree_key,
        person_id,
        graduation_academic_year,
        window_start_year
    from {{ ref('int_degrees_dated') }}
    union all
    select
        degree_key,
        person_id,
        graduation_academic_year,
        window_start_year
    from {{ ref('int_doctoral_degrees_dated') }}

),

followups as (

    select followup_list.years_after_graduation
    from (
        values ({{ var('followup_years') | join('), (') }})
    ) as followup_list (years_after_graduation)

),

-- var last_data_year NULL means: the latest year the employment extract holds
last_data_year as (

    select
        coalesce(
            {{ var('last_data_year') if var('last_data_year') is not none else 'null' }},
            max(employment_year)
        ) as last_data_year
    from {{ ref('stg_scb__employment') }}

),

-- the earliest graduation academic year in the degree extracts may be
-- partial (an extract need not start on 1 July), so the first whole year is
-- the next one unless var degrees_first_complete_year names it
{%- set first_year_var = var('degrees_first_complete_year') %}
first_complete_year as (

    select
        coalesce(
            {{ first_year_var | int if first_year_var is not none else 'null' }},
            min(graduation_academic_year) + 1
        ) as first_complete_graduation_year
    from degrees

),

scheduled as (

    select
        degrees.degree_key,
        degrees.person_id,
        degrees.graduation_academic_year,
        degrees.window_start_year,
        followups.years_after_graduation,
        {{ followup_year('degrees.graduation_academic_year', 'followups.years_after_graduation') }}
            as followup_year,
        last_data_year.last_data_year - {{ var('data_lag_years') }}
            as last_arrived_followup_year,
        first_complete_year.first_complete_graduation_year
    from degrees
    cross join followups
    cross join last_data_year
    cross join first_complete_year

),

with_last_year as (

    select
        *,
        -- the last graduation year whose follow-up of this length has arrived
        last_arrived_followup_year - years_after_graduation - 1 as last_arrived_graduation_year
    from scheduled

)

select
    degree_key,
    person_id,
    graduation_academic_year,
    window_start_year,
    years_after_graduation,
    followup_year,
    last_arrived_followup_year,
    last_arrived_graduation_year,
    first_complete_graduation_year,
    coalesce(followup_year <= last_arrived_followup_year, false) as has_arrived,
    -- the per-year analysis (11) publishes whole graduation years only
    coalesce(graduation_academic_year >= first_complete_graduation_year, false)
        as is_graduation_year_complete,
    {{ window_is_complete(
        'window_start_year',
        'last_arrived_graduation_year',
        'first_complete_graduation_year',
    ) }} as is_window_complete
from with_last_year
