{#
    SCB's four foreign-background groups. Unknown parent (no link or unknown
    birth country): taken as born in Sweden for a person born in Sweden. A
    person born abroad is utrikes född whatever the parents, so the only
    'Okänt' is a person whose own birth country is unknown.
#}
with persons as (

    select * from {{ ref('int_persons_labelled') }}

),

with_parents as (

    select
        persons.person_id,
        persons.is_born_abroad,
        coalesce(mothers.is_born_abroad, false) as is_mother_born_abroad,
        coalesce(fathers.is_born_abroad, false) as is_father_born_abroad
    from persons
    left join persons as mothers
        on persons.mother_id = mothers.person_id
    left join persons as fathers
        on persons.father_id = fathers.person_id

),

classified as (

    select
        person_id,
        is_born_abroad,
        is_mother_born_abroad,
        is_father_born_abroad,
        case
            when is_born_abroad is null then '{{ var("unknown_code") }}'
            when is_born_abroad then 'utrikes_fodd'
            when is_mother_born_abroad and is_father_born_abroad
                then 'inrikes_tva_utrikes_foraldrar'
            when is_mother_born_abroad or is_father_born_abroad
                then 'inrikes_en_utrikes_foralder'
            else 'inrikes_tva_inrikes_foraldrar'
        end as foreign_background_code
    from with_parents

),

flagged as (

    select
        *,
        foreign_background_code in ('utrikes_fodd', 'inrikes_tva_utrikes_foraldrar')
            as has_foreign_background
    from classified

)

select * from flagged
