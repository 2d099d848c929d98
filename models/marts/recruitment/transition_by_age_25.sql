{#
    Analysis 3 (and the foreign-born rate of analysis 6): persons aged 18-25
    registered at any institution in a complete academic year, by recruitment
    municipality, divided by the municipality's residents of the same ages
    in the paired population table; also split by born abroad. Recruitment
    municipality Okänt is its own row without a rate, outside the geography's
    'Totalt' (docs: transition_population). A rate without a public
    denominator is shown as missing, never as protected.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_transition_by_age_25'),
        dims=[
            'academic_year',
            'sex',
            'born_abroad',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ],
        additive_dims=[
            'sex',
            'born_abroad',
            'recruitment_county_code',
            'recruitment_municipality_code',
        ],
        rate_denominator='residents_transition_ages',
    ) }}

),

counties as (

    select * from {{ ref('lan') }}

),

municipalities as (

    select * from {{ ref('kommuner') }}

),

named as (

    select
        published.academic_year,
        published.sex,
        published.born_abroad,
        published.recruitment_county_code,
        published.recruitment_municipality_code,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        published.rate,
        case
            when published.rate_denominator is null then '{{ missing_denominator_display() }}'
            else published.rate_display
        end as rate_display,
        published.rate_is_suppressed and published.rate_denominator is not null
            as rate_is_suppressed,
        published.rate_denominator is null as rate_is_missing,
        published.rate_denominator,
        {{ transition_population_year('published.academic_year') }} as population_year,
        coalesce(counties.lan_name, published.recruitment_county_code) as recruitment_county_name,
        coalesce(
            municipalities.kommun_name, published.recruitment_municipality_code
        ) as recruitment_municipality_name
    from published
    left join counties
        on published.recruitment_county_code = counties.lan_code
    left join municipalities
        on published.recruitment_municipality_code = municipalities.kommun_code

)

select * from named
