{#
    Analysis 4: per municipality and academic year, registered persons aged
    18-25 by institution of main registration; shares sum to 100 % with
    'Övriga' for institutions chosen by few from the municipality.
#}
with published as (

    {{ sdc_publish(
        aggregate=ref('agg_institution_choice_by_municipality'),
        dims=[
            'academic_year',
            'recruitment_county_code',
            'recruitment_municipality_code',
            'sex',
            'institution_choice_code',
        ],
        additive_dims=['sex', 'institution_choice_code'],
        share_dim='institution_choice_code',
    ) }}

),

institutions as (

    select * from {{ ref('larosaten') }}

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
        published.recruitment_county_code,
        published.recruitment_municipality_code,
        published.sex,
        published.institution_choice_code,
        published.n,
        published.n_display,
        published.n_is_suppressed,
        published.share,
        published.share_display,
        published.share_is_suppressed,
        published.share_denominator,
        coalesce(counties.lan_name, published.recruitment_county_code) as recruitment_county_name,
        coalesce(
            municipalities.kommun_name, published.recruitment_municipality_code
        ) as recruitment_municipality_name,
        case
            when published.institution_choice_code = '{{ institution_choice_other_label() }}'
                then 'Övriga lärosäten'
            else coalesce(institutions.larosate_name, published.institution_choice_code)
        end as institution_choice_name
    from published
    left join institutions
        on published.institution_choice_code = institutions.larosate_code
    left join counties
        on published.recruitment_county_code = counties.lan_code
    left join municipalities
        on published.recruitment_municipality_code = municipalities.kommun_code

)

select * from named
