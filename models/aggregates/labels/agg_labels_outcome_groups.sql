{#
    Display names of the groups of the alumni and outcome marts per alumni
    category. Made once in int_outcome_groups_listed; handed on here because a
    published mart reads only aggregates and seeds.
#}
with outcome_groups as (

    select
        alumni_category,
        institution_code,
        group_code,
        group_name
    from {{ ref('int_outcome_groups_listed') }}

)

select * from outcome_groups
