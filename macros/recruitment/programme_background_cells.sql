{#
    Exact cells of persons registered on a programme in a window by sex and one
    background column (analyses 5 and 6 per programme). Programme rows are
    summed from the programme students; the institution row
    (programme_code = var('total_label')) from the window students who study
    on a programme, where each person is one row, so a person on two
    programmes is counted once there.
#}
{% macro programme_background_cells(background_column) %}
with programme_cells as (

    {{ sdc_sum_cells(
        from=ref('int_programme_students_cells_counted'),
        dims=['institution_code', 'window_start_year', 'programme_code'],
        hierarchies=[['sex'], [background_column]],
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
        hierarchies=[['sex'], [background_column]],
    ) }}

),

all_cells as (

    select
        institution_code,
        window_start_year,
        programme_code,
        sex,
        {{ background_column }},
        n_persons,
        cell_key
    from programme_cells

    union all

    select
        institution_code,
        window_start_year,
        '{{ var("total_label") }}' as programme_code,
        sex,
        {{ background_column }},
        n_persons,
        cell_key
    from institution_cells

)

select * from all_cells
{% endmacro %}
