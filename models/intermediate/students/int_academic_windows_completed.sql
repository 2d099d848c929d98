{#
    The one home of 'complete entry and registration windows': a window of
    academic years is published only when its last academic year is complete
    (both terms delivered, int_academic_years_completed), by the same macro
    as every other window (docs block complete_windows). Until then an open
    window would gain an entry year's persons in each release, and two
    releases of it would differ by exactly those persons.
#}
with completed_years as (

    select academic_year from {{ ref('int_academic_years_completed') }}

),

last_completed as (

    select max(academic_year) as last_complete_academic_year
    from completed_years

),

windows as (

    select distinct {{ window_start_year('academic_year') }} as window_start_year
    from completed_years

)

select
    windows.window_start_year,
    {{ window_end_year('windows.window_start_year') }} as window_end_year,
    last_completed.last_complete_academic_year
from windows
cross join last_completed
where
    {{ window_is_complete(
        'windows.window_start_year',
        'last_completed.last_complete_academic_year',
    ) }}
