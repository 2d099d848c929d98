{# Analysis 2: unique persons registered at an institution in a window. #}
with registered as (

    select distinct
        person_id,
        institution_code,
        window_start_year,
        sex,
        recruitment_county_code,
        recruitment_municipality_code
    from {{ ref('int_students_registered_per_window') }}

),

cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['institution_code', 'window_start_year'],
        hierarchies=[['sex'], ['recruitment_county_code', 'recruitment_municipality_code']],
    ) }}

)

select * from cells
