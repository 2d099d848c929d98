{#
    Analysis 2: unique persons registered at an institution in a window.
    Population registered_per_window, rolled up from its one pass.
#}
with cells as (

    {{ sdc_sum_cells(
        from=ref('int_window_students_cells_counted'),
        dims=['institution_code', 'window_start_year'],
        hierarchies=[['sex'], ['recruitment_county_code', 'recruitment_municipality_code']],
    ) }}

)

select * from cells
