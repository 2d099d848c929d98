{#
    Analysis 5 per programme: persons registered on a programme in a window by
    parents' highest level; the institution row (programme_code = 'Totalt')
    counts each programme student once (counted from the window students, one
    row per person and institution). Population programme_students_per_window,
    rolled up from its one pass.
#}
with programme_cells as (

    {{ sdc_sum_cells(
        from=ref('int_programme_students_cells_counted'),
        dims=['institution_code', 'window_start_year', 'programme_code'],
        hierarchies=[['sex'], ['parents_sun_level']],
    ) }}

),

programme_students as (

    select * from {{ ref('int_window_students_cells_counted') }}
    where is_programme_student

),

institution_cells as (

    {{ sdc_sum_cells(
        from='programme_students',
        dims=['institution_code', 'window_start_year'],
        hierarchies=[['sex'], ['parents_sun_level']],
    ) }}

),

all_cells as (

    select
        institution_code,
        window_start_year,
        programme_code,
        sex,
        parents_sun_level,
        n_persons,
        cell_key
    from programme_cells

    union all

    select
        institution_code,
        window_start_year,
        '{{ var("total_label") }}' as programme_code,
        sex,
        parents_sun_level,
        n_persons,
        cell_key
    from institution_cells

)

select * from all_cells
