{#
    One pass over population entrants_per_window (analysis 1 and the
    headline indicators): persons and the sum of their record keys
    per finest cell (institution, programme - '{{ var("total_label") }}' for
    the institution row, counted from the institution entrants - window, sex,
    recruitment county, the two background indicators). Each fact model has
    one row per person and unit (programme, or institution), so count(*)
    counts persons.
#}
with programme_entrants as (

    select * from {{ ref('int_programme_entrants_profiled') }}

),

institution_entrants as (

    select * from {{ ref('int_institution_entrants_profiled') }}

),

programme_cells as (

    {{ population_cells(
        from='programme_entrants',
        dims=[
            'institution_code',
            'programme_code',
            'window_start_year',
            'sex',
            'recruitment_county_code',
            'has_highly_educated_parents',
            'has_foreign_background',
        ],
    ) }}

),

institution_cells as (

    {{ population_cells(
        from='institution_entrants',
        dims=[
            'institution_code',
            'window_start_year',
            'sex',
            'recruitment_county_code',
            'has_highly_educated_parents',
            'has_foreign_background',
        ],
    ) }}

),

cells as (

    select * from programme_cells

    union all

    select
        institution_code,
        '{{ var("total_label") }}' as programme_code,
        window_start_year,
        sex,
        recruitment_county_code,
        has_highly_educated_parents,
        has_foreign_background,
        n_persons,
        record_key_sum
    from institution_cells

)

select * from cells
