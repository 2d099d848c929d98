{#
    UKÄ's headline indicators for entrants: share with highly educated parents
    (at least one parent at SUN level 6-7) and share with utländsk bakgrund
    (born abroad, or born in Sweden with two parents born abroad), per
    institution and programme and entry window. Populations and parts as in
    agg_recruitment_by_county (analysis 1): programme rows count programme
    entrants, '{{ no_programme_label() }}' the institution entrants who started
    without a programme, the institution row (programme_code 'Totalt') counts
    institution entrants. Only counted entrants (is_counted_entrant). Each
    person is counted once per indicator (indicator is not additive), so
    each indicator's total is analysis 1's total: population
    entrants_per_window, rolled up from its one pass
    (int_entrants_cells_counted, institution row included).

    indicator_group is 'ja' or 'nej_okant'; indicator_value splits
    'nej_okant' into 'nej' and 'Okänt'. The two levels keep the headline 'ja'
    cell out of the relation with the (often small) 'Okänt' cell, so secondary
    suppression of an 'Okänt' count falls on 'nej', not on the headline.
#}
with cells as (

    select * from {{ ref('int_entrants_cells_counted') }}

),

by_indicator as (

    select
        institution_code,
        programme_code,
        window_start_year,
        'hogutbildade_foraldrar' as indicator,
        sex,
        case when has_highly_educated_parents = 'ja' then 'ja' else 'nej_okant' end
            as indicator_group,
        has_highly_educated_parents as indicator_value,
        n_persons,
        record_key_sum
    from cells

    union all

    select
        institution_code,
        programme_code,
        window_start_year,
        'utlandsk_bakgrund' as indicator,
        sex,
        case when has_foreign_background = 'ja' then 'ja' else 'nej_okant' end
            as indicator_group,
        has_foreign_background as indicator_value,
        n_persons,
        record_key_sum
    from cells

),

counted as (

    {{ sdc_sum_cells(
        from='by_indicator',
        dims=['institution_code', 'programme_code', 'window_start_year', 'indicator'],
        hierarchies=[['sex'], ['indicator_group', 'indicator_value']],
    ) }}

)

select * from counted
