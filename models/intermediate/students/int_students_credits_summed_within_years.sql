{#
    Credits completed at any institution within var('credits_within_years')
    years of the first term ever (that term and the next 2N - 1 terms). A
    person's follow-up is complete only when the credits have arrived for its
    last term: completed credits (HpPrest) of a term may arrive in later
    deliveries (raw-extracts.md), so the data reaches the last term with
    credits delivered less var('credits_completed_lag_terms') terms. Analysis
    7 publishes an entry window only when the follow-up of its last entry
    year is complete (docs block complete_windows), so late cohorts are not
    understated and a published window never grows.
    Bands: under 120 hp, 120 to 240 hp inclusive, over 240 hp.
#}
with first_terms as (

    select * from {{ ref('int_students_first_term') }}

),

registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

data_coverage as (

    select max(term_index) - {{ var('credits_completed_lag_terms') }} as last_term_index
    from registrations
    where credits_completed is not null

),

credits_within as (

    select
        first_terms.person_id,
        first_terms.first_term_index,
        first_terms.first_term_index + 2 * {{ var('credits_within_years') }} - 1
            as followup_last_term_index,
        coalesce(sum(registrations.credits_completed), 0) as credits_completed_within
    from first_terms
    left join registrations
        on
            first_terms.person_id = registrations.person_id
            and first_terms.first_term_index <= registrations.term_index
            and first_terms.first_term_index + 2 * {{ var('credits_within_years') }}
            > registrations.term_index
    group by first_terms.person_id, first_terms.first_term_index

),

banded as (

    select
        credits_within.person_id,
        credits_within.first_term_index,
        credits_within.followup_last_term_index,
        credits_within.credits_completed_within,
        case
            when credits_within.credits_completed_within < 120 then '<120 hp'
            when credits_within.credits_completed_within <= 240 then '120–240 hp'
            else '>240 hp'
        end as credits_band,
        credits_within.followup_last_term_index <= data_coverage.last_term_index
            as is_followup_complete,
        -- the last entry academic year E whose every entrant is followed up: its
        -- last entry term VT E+1 (index 2E + 2) plus 2N - 1 terms is covered
        cast(
            floor((data_coverage.last_term_index - 2 * {{ var('credits_within_years') }} - 1) / 2.0)
            as integer
        ) as last_complete_entry_year
    from credits_within
    cross join data_coverage

)

select * from banded
