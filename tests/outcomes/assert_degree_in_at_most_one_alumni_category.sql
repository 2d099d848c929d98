{#
    Invariant: each degree is in at most one alumni category, and nobody with
    a yrkesexamen in a window is published in category 2 or 3 for that window.
    Returns the offending degrees / persons.
#}
with categories_per_degree as (

    select
        degree_key,
        window_start_year,
        count(distinct alumni_category) as n_categories,
        count(*) as n_rows
    from {{ ref('int_degrees_categorised') }}
    where alumni_category is not null
    group by degree_key, window_start_year

),

degrees_in_several_categories as (

    select
        'degree in several categories' as violation,
        degree_key as offender,
        window_start_year
    from categories_per_degree
    where n_categories > 1 or n_rows > 1

),

published_categories as (

    select distinct
        person_id,
        window_start_year,
        alumni_category
    from {{ ref('int_alumni_outcomes_unpivoted') }}

),

professional_in_general_categories as (

    select
        'yrkesexamen person in category ' || cast(general.alumni_category as {{ dbt.type_string() }})
            as violation,
        cast(general.person_id as {{ dbt.type_string() }}) as offender,
        general.window_start_year
    from published_categories as general
    inner join published_categories as professional
        on
            general.person_id = professional.person_id
            and general.window_start_year = professional.window_start_year
    where general.alumni_category in (2, 3) and professional.alumni_category = 1

)

select * from degrees_in_several_categories
union all
select * from professional_in_general_categories
