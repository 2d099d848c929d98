{#
    Analysis 1. Programme rows count programme entrants, the institution row
    (programme_code = 'Totalt') counts institution entrants - each by its own
    definition and entry window - and the publication layer treats the
    programme rows as parts of the institution row, so a suppressed programme
    cell can never be recovered from the institution total. Institution
    entrants whose entry term has no programme registration form the part
    '{{ no_programme_label() }}', so every institution entrant is in some part
    of their own institution row (same window and county). Only counted
    entrants (is_counted_entrant: no exchange students, no left-censored
    entries; docs: hogskolenyborjare). Population entrants_per_window, rolled
    up from its one pass (int_entrants_cells_counted, institution row included).
#}
with cells as (

    select * from {{ ref('int_entrants_cells_counted') }}

),

counted as (

    {{ sdc_sum_cells(
        from='cells',
        dims=['institution_code', 'programme_code', 'window_start_year'],
        hierarchies=[['sex'], ['recruitment_county_code']],
    ) }}

)

select * from counted
