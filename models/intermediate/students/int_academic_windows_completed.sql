{#
    The one home of 'complete entry and registration windows': a window of
    academic years is published only when every academic year in it is
    complete (both terms delivered, int_academic_years_completed), by the
    same macro as every other window (docs block complete_windows). Until its
    last year is in, an open window would gain an entry year's persons in
    each release; a window that starts before the delivery would carry a
    label naming years it lacks. An entrant window must also start at or
    after the first entry year that is not left-censored (docs block
    hogskolenyborjare): entrants of the first delivered year are not counted.
#}
with completed_years as (

    select academic_year from {{ ref('int_academic_years_completed') }}

),

delivered as (

    select
        min(academic_year) as first_complete_academic_year,
        max(academic_year) as last_complete_academic_year,
        {{ first_trusted_entry_year() }} as first_trusted_entry_year
    from completed_years

),

windows as (

    select distinct {{ window_start_year('academic_year') }} as window_start_year
    from completed_years

)

select
    windows.window_start_year,
    {{ window_end_year('windows.window_start_year') }} as window_end_year,
    delivered.first_complete_academic_year,
    delivered.last_complete_academic_year,
    delivered.first_trusted_entry_year,
    {{ window_is_complete(
        'windows.window_start_year',
        'delivered.last_complete_academic_year',
        'delivered.first_trusted_entry_year',
    ) }} as is_complete_for_entrants
from windows
cross join delivered
where
    {{ window_is_complete(
        'windows.window_start_year',
        'delivered.last_complete_academic_year',
        'delivered.first_complete_academic_year',
    ) }}
