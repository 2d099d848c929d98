-- Where do the entrants of three programmes at one institution come from? County shares (analysis 1)
{#
    dbt compile --select county_shares_for_three_programmes
        --vars '{example_institution: liu, example_programmes: [6CMEN, 6CDDD, 6KGDK]}'
    Without example_programmes the institution's three largest programmes are shown.
#}
{%- set institution = var('example_institution', 'liu') -%}
{%- set programmes = var('example_programmes', []) -%}

with recruitment as (

    select * from {{ ref('recruitment_by_county') }}
    where institution_code = '{{ institution }}' and sex = 'Totalt'

),

programme_sizes as (

    select
        programme_code,
        sum(coalesce(n, 0)) as n_entrants
    from recruitment
    where
        programme_code not in ('Totalt', '{{ no_programme_label() }}')
        and recruitment_county_code = 'Totalt'
    group by programme_code

),

ranked_programmes as (

    select
        programme_code,
        row_number() over (order by n_entrants desc, programme_code asc) as size_rank
    from programme_sizes

),

chosen_programmes as (

    select programme_code
    from ranked_programmes
    where
        {% if programmes %}
            programme_code in ('{{ programmes | join("', '") }}')
        {% else %}
            size_rank <= 3
        {% endif %}

)

select
    recruitment.programme_name,
    recruitment.window_label,
    recruitment.recruitment_county_name,
    recruitment.n_display as entrants,
    recruitment.share_display as share_percent
from recruitment
inner join chosen_programmes
    on recruitment.programme_code = chosen_programmes.programme_code
order by
    recruitment.programme_name asc,
    recruitment.window_start_year asc,
    recruitment.recruitment_county_code = 'Totalt' asc,
    recruitment.n desc nulls last
