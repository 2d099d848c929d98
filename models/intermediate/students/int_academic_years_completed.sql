{#
    The one home of 'complete academic years': an academic year is published
    only when both its terms (HT of year T and VT of T + 1) are in the
    registrations extract. The first delivered year usually holds only a
    spring term and the latest only an autumn term; counting them as whole
    years would publish half a year's registered persons under a full label.
#}
with registrations as (

    select * from {{ ref('int_registrations_summed_by_term') }}

),

delivered_terms as (

    select distinct
        academic_year,
        term_season,
        term_code
    from registrations

),

completed as (

    select
        academic_year,
        max(case when term_season = 'HT' then term_code end) as autumn_term_code,
        max(case when term_season = 'VT' then term_code end) as spring_term_code
    from delivered_terms
    group by academic_year
    having
        sum(case when term_season = 'HT' then 1 else 0 end) > 0
        and sum(case when term_season = 'VT' then 1 else 0 end) > 0

)

select * from completed
