{#
    Display names of the groups the alumni and outcome marts are cut by: per
    alumni category the group code (degree code, programme, main field or
    research subject) and the degree code of the cell. Programmes are named
    per institution; the other groups are national code lists
    (institution_code NULL).
#}
with degree_codes as (

    select
        degree_code,
        degree_name
    from {{ ref('examenskoder') }}

),

programmes as (

    select
        institution_code,
        programme_code,
        programme_name
    from {{ ref('stg_ladok__programmes') }}

),

groups as (

    select
        1 as alumni_category,
        cast(null as {{ dbt.type_string() }}) as institution_code,
        degree_code as group_code,
        degree_name as group_name
    from degree_codes
    union all
    select
        2 as alumni_category,
        institution_code,
        programme_code as group_code,
        coalesce(programme_name, programme_code) as group_name
    from programmes
    union all
    select
        3 as alumni_category,
        cast(null as {{ dbt.type_string() }}) as institution_code,
        main_field_code as group_code,
        main_field_name as group_name
    from {{ ref('huvudomraden') }}
    union all
    select
        4 as alumni_category,
        cast(null as {{ dbt.type_string() }}) as institution_code,
        research_subject_code as group_code,
        research_subject_name as group_name
    from {{ ref('forskningsamnen') }}

)

select
    alumni_category,
    institution_code,
    group_code,
    group_name
from groups
