{#
    Display names of the outcome and alumni variables and categories, as the
    marts publish them. The list is made once in int_outcome_categories_listed;
    it is handed on here because a published mart reads only aggregates and
    seeds (tests_py/test_project_structure.py).
#}
with categories as (

    select
        variable,
        variable_name,
        category_code,
        category_name
    from {{ ref('int_outcome_categories_listed') }}

)

select * from categories
