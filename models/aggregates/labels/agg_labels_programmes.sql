{#
    Display names of the programmes per institution for the recruitment marts:
    the programme members of int_outcome_groups_listed (alumni category 2, one
    row per institution and programme of the programme extract, the name or
    else the code), so programme names have one home and a published mart
    never reads staging.
#}
with programmes as (

    select
        institution_code,
        group_code as programme_code,
        group_name as programme_name
    from {{ ref('int_outcome_groups_listed') }}
    where alumni_category = 2

)

select * from programmes
