{#
    Analysis 5 per programme: persons registered on a programme in a window by
    parents' highest level; the institution row (programme_code = 'Totalt')
    counts each programme student once.
#}
with registered as (

    select distinct
        registered.person_id,
        registered.institution_code,
        registered.programme_code,
        registered.window_start_year,
        registered.sex,
        coalesce(parents.parents_sun_level, '{{ var("unknown_code") }}') as parents_sun_level
    from {{ ref('int_students_registered_per_window') }} as registered
    left join {{ ref('int_students_parents_education_as_of_entry') }} as parents
        on registered.person_id = parents.person_id
    where registered.programme_code is not null

),

cells as (

    {{ sdc_count_cells(
        from='registered',
        dims=['institution_code', 'window_start_year'],
        hierarchies=[['programme_code'], ['sex'], ['parents_sun_level']],
    ) }}

)

select * from cells
