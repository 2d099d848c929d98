{#
    UKÄ's headline indicators for entrants: share with highly educated parents
    (at least one parent at SUN level 6-7) and share with utländsk bakgrund
    (born abroad, or born in Sweden with two parents born abroad), per
    institution and programme and entry window. Populations and parts as in
    agg_recruitment_by_county (analysis 1): programme rows count programme
    entrants, '{{ no_programme_label() }}' the institution entrants who started
    without a programme, the institution row (programme_code 'Totalt') counts
    institution entrants. Only counted entrants (is_counted_entrant). Each
    person is counted once per indicator (indicator is not additive).

    indicator_group is 'ja' or 'nej_okant'; indicator_value splits
    'nej_okant' into 'nej' and 'Okänt'. The two levels keep the headline 'ja'
    cell out of the relation with the (often small) 'Okänt' cell, so secondary
    suppression of an 'Okänt' count falls on 'nej', not on the headline.
#}
with backgrounds as (

    select * from {{ ref('int_persons_background_indicators') }}

),

programme_entrants as (

    select
        person_id,
        institution_code,
        programme_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        sex
    from {{ ref('int_students_entered_programme') }}
    where is_counted_entrant

    union all

    select
        person_id,
        institution_code,
        '{{ no_programme_label() }}' as programme_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        sex
    from {{ ref('int_students_entered_institution') }}
    where is_counted_entrant and not entered_on_programme

),

institution_entrants as (

    select
        person_id,
        institution_code,
        {{ window_start_year('entry_academic_year') }} as window_start_year,
        sex
    from {{ ref('int_students_entered_institution') }}
    where is_counted_entrant

),

programme_facts as (

    select
        programme_entrants.*,
        'hogutbildade_foraldrar' as indicator,
        case
            when backgrounds.has_highly_educated_parents = 'ja' then 'ja'
            else 'nej_okant'
        end as indicator_group,
        coalesce(backgrounds.has_highly_educated_parents, '{{ var("unknown_code") }}') as indicator_value
    from programme_entrants
    left join backgrounds
        on programme_entrants.person_id = backgrounds.person_id

    union all

    select
        programme_entrants.*,
        'utlandsk_bakgrund' as indicator,
        case
            when backgrounds.has_foreign_background = 'ja' then 'ja'
            else 'nej_okant'
        end as indicator_group,
        coalesce(backgrounds.has_foreign_background, '{{ var("unknown_code") }}') as indicator_value
    from programme_entrants
    left join backgrounds
        on programme_entrants.person_id = backgrounds.person_id

),

institution_facts as (

    select
        institution_entrants.*,
        'hogutbildade_foraldrar' as indicator,
        case
            when backgrounds.has_highly_educated_parents = 'ja' then 'ja'
            else 'nej_okant'
        end as indicator_group,
        coalesce(backgrounds.has_highly_educated_parents, '{{ var("unknown_code") }}') as indicator_value
    from institution_entrants
    left join backgrounds
        on institution_entrants.person_id = backgrounds.person_id

    union all

    select
        institution_entrants.*,
        'utlandsk_bakgrund' as indicator,
        case
            when backgrounds.has_foreign_background = 'ja' then 'ja'
            else 'nej_okant'
        end as indicator_group,
        coalesce(backgrounds.has_foreign_background, '{{ var("unknown_code") }}') as indicator_value
    from institution_entrants
    left join backgrounds
        on institution_entrants.person_id = backgrounds.person_id

),

programme_cells as (

    {{ sdc_count_cells(
        from='programme_facts',
        dims=['institution_code', 'programme_code', 'window_start_year', 'indicator'],
        hierarchies=[['sex'], ['indicator_group', 'indicator_value']],
    ) }}

),

institution_cells as (

    {{ sdc_count_cells(
        from='institution_facts',
        dims=['institution_code', 'window_start_year', 'indicator'],
        hierarchies=[['sex'], ['indicator_group', 'indicator_value']],
    ) }}

),

all_cells as (

    select
        institution_code,
        programme_code,
        window_start_year,
        indicator,
        sex,
        indicator_group,
        indicator_value,
        n_persons,
        cell_key
    from programme_cells

    union all

    select
        institution_code,
        '{{ var("total_label") }}' as programme_code,
        window_start_year,
        indicator,
        sex,
        indicator_group,
        indicator_value,
        n_persons,
        cell_key
    from institution_cells

)

select * from all_cells
