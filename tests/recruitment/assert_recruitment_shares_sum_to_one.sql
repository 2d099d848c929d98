{#
    Shares within a group sum to 100 % before suppression: in every exact
    aggregate behind a mart with shares, the parts of the share dimension
    (Okänt and Övriga included) add up to the 'Totalt' row with every other
    dimension fixed. Returns the groups that do not.
#}
{%- set total = var('total_label') -%}
{%- set checks = [
    ('agg_recruitment_by_county', 'recruitment_county_code',
        ['institution_code', 'programme_code', 'window_start_year', 'sex']),
    ('agg_institution_choice_by_municipality', 'institution_choice_code',
        ['academic_year', 'recruitment_county_code', 'recruitment_municipality_code', 'sex']),
    ('agg_parents_education_by_municipality', 'parents_sun_level',
        ['academic_year', 'sex', 'recruitment_county_code', 'recruitment_municipality_code']),
    ('agg_parents_education_by_programme', 'parents_sun_level',
        ['institution_code', 'programme_code', 'window_start_year', 'sex']),
    ('agg_foreign_background_by_municipality', 'foreign_background_code',
        ['academic_year', 'sex', 'recruitment_county_code', 'recruitment_municipality_code']),
    ('agg_foreign_background_by_programme', 'foreign_background_code',
        ['institution_code', 'programme_code', 'window_start_year', 'sex']),
    ('agg_credits_by_background', 'credits_band',
        ['background_variable', 'window_start_year', 'start_institution_code', 'sex',
         'background_code']),
] -%}

with share_sums as (

    {% for model, share_dim, others in checks %}
        select
            '{{ model }}' as aggregate_name,
            concat_ws('|', {{ others | join(', ') }}) as group_key,
            sum(case when {{ share_dim }} <> '{{ total }}' then n_persons else 0 end) as n_parts,
            max(case when {{ share_dim }} = '{{ total }}' then n_persons end) as n_total
        from {{ ref(model) }}
        group by {{ others | join(', ') }}
        {% if not loop.last %}
            union all
        {% endif %}
    {% endfor %}

)

select * from share_sums
where n_total is null or n_total = 0 or n_parts <> n_total
