-- Foreign background per municipality of one county, all ages, with the foreign-born 18-25 rate (analysis 6)
{# vars: example_county (default '05'), example_year (default: the latest year in the mart). #}
{%- set county = var('example_county', '05') -%}

with county_rows as (

    select * from {{ ref('foreign_background_by_municipality') }}
    where recruitment_county_code = '{{ county }}' and sex = 'Totalt'

),

-- the rate foreign-born registered 18-25 / foreign-born residents 18-25 lives
-- on the transition population (transition_by_age_25), not on all ages
foreign_born_rates as (

    select
        academic_year,
        recruitment_municipality_code,
        rate_display
    from {{ ref('transition_by_age_25') }}
    where
        recruitment_county_code = '{{ county }}'
        and sex = 'Totalt'
        and born_abroad = 'Utrikes född'

),

chosen_year as (

    select {{ var('example_year', 'max(academic_year)') }} as academic_year
    from county_rows

)

select
    county_rows.academic_year,
    county_rows.recruitment_municipality_name,
    county_rows.foreign_background_name,
    county_rows.n_display as registered,
    county_rows.share_display as share_percent,
    case
        when county_rows.foreign_background_code = 'utrikes_fodd' then foreign_born_rates.rate_display
    end as foreign_born_transition_percent
from county_rows
inner join chosen_year
    on county_rows.academic_year = chosen_year.academic_year
left join foreign_born_rates
    on
        county_rows.academic_year = foreign_born_rates.academic_year
        and county_rows.recruitment_municipality_code = foreign_born_rates.recruitment_municipality_code
order by
    county_rows.recruitment_municipality_code = 'Totalt',
    county_rows.recruitment_municipality_name,
    county_rows.foreign_background_code
