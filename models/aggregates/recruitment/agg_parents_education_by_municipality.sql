{#
    Analysis 5 per municipality: persons registered at any institution in a
    complete academic year, of any age (as per programme), by recruitment
    municipality and parents' highest level. Population registered_per_year,
    rolled up from its one pass.
#}
with cells as (

    {{ sdc_sum_cells(
        from=ref('int_registered_per_year_cells_counted'),
        dims=['academic_year'],
        hierarchies=[
            ['sex'],
            ['recruitment_county_code', 'recruitment_municipality_code'],
            ['parents_sun_level'],
        ],
    ) }}

)

select * from cells
