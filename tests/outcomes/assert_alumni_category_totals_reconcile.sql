{#
    Invariant: the exact population of every alumni cell (variable
    'utvandring', all categories, both sexes) equals the distinct persons of
    the categorised degrees in the intermediate layer whose follow-up has
    arrived in a complete window, cell by cell, in all four categories; and every degree of the
    intermediate layer is categorised or has an exclusion reason.
#}
with expected as (

    select
        degrees.alumni_category,
        degrees.institution_code,
        degrees.group_code,
        degrees.cell_degree_code as degree_code,
        degrees.window_start_year,
        followups.years_after_graduation,
        count(distinct degrees.person_id) as n_persons
    from {{ ref('int_degrees_categorised') }} as degrees
    inner join {{ ref('int_degree_followups_scheduled') }} as followups
        on degrees.degree_key = followups.degree_key
    where
        degrees.alumni_category is not null
        and followups.has_arrived
        and followups.is_window_complete
    group by
        degrees.alumni_category,
        degrees.institution_code,
        degrees.group_code,
        degrees.cell_degree_code,
        degrees.window_start_year,
        followups.years_after_graduation

),

aggregated as (

    select
        1 as alumni_category,
        institution_code,
        group_code,
        degree_code,
        window_start_year,
        years_after_graduation,
        n_persons
    from {{ ref('agg_alumni_cat1_yrkesexamen') }}
    where
        variable = 'utvandring'
        and sex = '{{ var('total_label') }}'
        and category_code = '{{ var('total_label') }}'
    union all
    select
        2 as alumni_category,
        institution_code,
        group_code,
        degree_code,
        window_start_year,
        years_after_graduation,
        n_persons
    from {{ ref('agg_alumni_cat2_program') }}
    where
        variable = 'utvandring'
        and sex = '{{ var('total_label') }}'
        and category_code = '{{ var('total_label') }}'
    union all
    select
        3 as alumni_category,
        institution_code,
        group_code,
        degree_code,
        window_start_year,
        years_after_graduation,
        n_persons
    from {{ ref('agg_alumni_cat3_huvudomrade') }}
    where
        variable = 'utvandring'
        and sex = '{{ var('total_label') }}'
        and category_code = '{{ var('total_label') }}'
    union all
    select
        4 as alumni_category,
        institution_code,
        group_code,
        degree_code,
        window_start_year,
        years_after_graduation,
        n_persons
    from {{ ref('agg_alumni_cat4_forskarutbildning') }}
    where
        variable = 'utvandring'
        and sex = '{{ var('total_label') }}'
        and category_code = '{{ var('total_label') }}'

),

cell_mismatches as (

    select
        'cell population differs' as violation,
        coalesce(expected.alumni_category, aggregated.alumni_category) as alumni_category,
        coalesce(expected.institution_code, aggregated.institution_code) as institution_code,
        coalesce(expected.group_code, aggregated.group_code) as group_code,
        expected.n_persons as expected_persons,
        aggregated.n_persons as aggregated_persons
    from expected
    full outer join aggregated
        on
            expected.alumni_category = aggregated.alumni_category
            and expected.institution_code = aggregated.institution_code
            and expected.group_code = aggregated.group_code
            and expected.degree_code = aggregated.degree_code
            and expected.window_start_year = aggregated.window_start_year
            and expected.years_after_graduation = aggregated.years_after_graduation
    where expected.n_persons is distinct from aggregated.n_persons

),

degree_counts as (

    select
        (select count(*) from {{ ref('int_degrees_dated') }})
        + (select count(*) from {{ ref('int_doctoral_degrees_dated') }}) as n_source_degrees,
        (
            select count(*) from {{ ref('int_degrees_categorised') }}
            where alumni_category is not null or exclusion_reason is not null
        ) as n_accounted_degrees

),

lost_degrees as (

    select
        'degrees not accounted for' as violation,
        cast(null as integer) as alumni_category,
        cast(null as {{ dbt.type_string() }}) as institution_code,
        cast(null as {{ dbt.type_string() }}) as group_code,
        n_source_degrees as expected_persons,
        n_accounted_degrees as aggregated_persons
    from degree_counts
    where n_source_degrees <> n_accounted_degrees

)

select * from cell_mismatches
union all
select * from lost_degrees
