{#
    Analysis 6 per programme: persons registered on a programme in a window by
    foreign background; the institution row (programme_code = 'Totalt')
    counts each programme student once.
#}
with registered as (

    select distinct
        registered.person_id,
        registered.institution_code,
        registered.programme_code,
        registered.window_start_year,
        registered.sex,
        coalesce(
            backgrounds.foreign_background_code, '{{ var("unknown_code") }}'
        ) as foreign_background_code
    from {{ ref('int_students_registered_per_window') }} as registered
    left join {{ ref('int_persons_foreign_background_classified') }} as backgrounds
        on registered.person_id = backgrounds.person_id
    where registered.programme_code is not null

),

cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['institution_code', 'window_start_year'],
        hierarchies=[['programme_code'], ['sex'], ['foreign_background_code']],
    ) }}

)

select * from cells
