{#
    Analysis 6 per municipality: persons registered at any institution in a
    complete academic year, of any age, by recruitment municipality and
    foreign background - the same population as the per-programme table,
    which has no age limit either. The foreign-born rate against residents
    aged 18-25 needs the transition population in its numerator, so it is
    published in transition_by_age_25 (born_abroad = 'Utrikes född').
    Population registered_per_year, rolled up from its one pass.
#}
with cells as (

    {{ sdc_sum_cells(
        from=ref('int_registered_per_year_cells_counted'),
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
            ['foreign_background_code'],
        ],
    ) }}

)

select * from cells
