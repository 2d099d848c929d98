{#
    Display names and types of the degree codes the outcome and alumni marts
    publish. Made once in int_outcome_degree_codes_listed; handed on here
    because a published mart reads only aggregates and seeds.
#}
with degree_codes as (

    select
        degree_code,
        degree_name,
        degree_type
    from {{ ref('int_outcome_degree_codes_listed') }}

)

select * from degree_codes
