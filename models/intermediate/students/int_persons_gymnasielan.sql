{#
    Gymnasielän: county of the school municipality of the person's upper
    secondary completion. With several completions the latest counts (ties in
    one year: a known municipality before 'Okänt', then the lowest code), so
    a person has exactly one gymnasielän.
#}
with completions as (

    select * from {{ ref('stg_scb__upper_secondary_degrees') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

ranked_completions as (

    select
        completions.person_id,
        completions.graduation_year,
        completions.school_municipality_code,
        row_number() over (
            partition by completions.person_id
            order by
                completions.graduation_year desc nulls last,
                {{ unknown_last('completions.school_municipality_code') }} asc,
                completions.school_municipality_code
        ) as completion_rank,
        count(*) over (partition by completions.person_id) as n_completions
    from completions

),

latest_completions as (

    select
        ranked_completions.person_id,
        ranked_completions.graduation_year as gymnasie_graduation_year,
        ranked_completions.school_municipality_code as gymnasie_municipality_code,
        coalesce(municipalities.lan_code, '{{ var("unknown_code") }}') as gymnasielan_code,
        ranked_completions.n_completions
    from ranked_completions
    left join municipalities
        on ranked_completions.school_municipality_code = municipalities.kommun_code
    where ranked_completions.completion_rank = 1

)

select * from latest_completions
