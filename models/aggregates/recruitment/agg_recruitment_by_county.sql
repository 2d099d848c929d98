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
    entries; docs: hogskolenyborjare).
#}
with programme_entrants as (

    select
        person_id,
        institution_code,
        programme_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        sex,
        recruitment_county_code
    from {{ ref('int_students_entered_programme') }}
    where is_counted_entrant

    union all

    select
        person_id,
        institution_code,
        '{{ no_programme_label() }}' as programme_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        sex,
        recruitment_county_code
    from {{ ref('int_students_entered_institution') }}
    where is_counted_entrant and not entered_on_programme

),

institution_entrants as (

    select
        person_id,
        institution_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        sex,
        recruitment_county_code
    from {{ ref('int_students_entered_institution') }}
    where is_counted_entrant

),

programme_cells as (

    {{ sdc_count_cells(
        from='programme_entrants',
        dims=['institution_code', 'programme_code', 'window_start_year'],
        hierarchies=[['sex'], ['recruitment_county_code']],
    ) }}

),

institution_cells as (

    {{ sdc_count_cells(
        from='institution_entrants',
        dims=['institution_code', 'window_start_year'],
        hierarchies=[['sex'], ['recruitment_county_code']],
    ) }}

),

all_cells as (

    select
        institution_code,
        programme_code,
        window_start_year,
        sex,
        recruitment_county_code,
        n_persons,
        cell_key
    from programme_cells

    union all

    select
        institution_code,
        '{{ var("total_label") }}' as programme_code,
        window_start_year,
        sex,
        recruitment_county_code,
        n_persons,
        cell_key
    from institution_cells

)

select * from all_cells
