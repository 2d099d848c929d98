{#
    UKÄ's two headline background indicators per registered person (doc block
    entrant_background_indicators): högutbildade föräldrar (at least one
    parent at SUN level 6 or 7 in the year before the first term ever) and
    utländsk bakgrund (utrikes född, or inrikes född med två utrikes födda
    föräldrar). ja / nej, or Okänt when the parents' education or the
    background is unknown.
#}
with persons as (

    select person_id from {{ ref('int_students_first_term') }}

),

parents as (

    select * from {{ ref('int_students_parents_education_as_of_entry') }}

),

foreign_backgrounds as (

    select * from {{ ref('int_persons_foreign_background_classified') }}

),

indicators as (

    select
        persons.person_id,
        case
            when
                parents.parents_sun_level is null
                or parents.parents_sun_level = '{{ var("unknown_code") }}'
                then '{{ var("unknown_code") }}'
            when parents.has_highly_educated_parent then 'ja'
            else 'nej'
        end as has_highly_educated_parents,
        case
            when
                foreign_backgrounds.foreign_background_code is null
                or foreign_backgrounds.foreign_background_code = '{{ var("unknown_code") }}'
                then '{{ var("unknown_code") }}'
            when foreign_backgrounds.foreign_background_code in (
                'utrikes_fodd', 'inrikes_tva_utrikes_foraldrar'
            ) then 'ja'
            else 'nej'
        end as has_foreign_background
    from persons
    left join parents
        on persons.person_id = parents.person_id
    left join foreign_backgrounds
        on persons.person_id = foreign_backgrounds.person_id

)

select * from indicators
