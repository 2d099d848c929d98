{#
    Persons in an extract who are not in personer, per extract. They are kept
    (sex and municipality 'Okänt', no age) but drop out of age-limited marts, so
    they are counted here; more than var raw_orphan_persons_tolerated per extract
    stops the build (the delivery check says so first, the test below again).
#}
{%- set extracts = [
    ('folkbokforing', 'stg_scb__residences'),
    ('utvandringar', 'stg_scb__emigrations'),
    ('utbildningsniva', 'stg_scb__education_levels'),
    ('gymnasieexamina', 'stg_scb__upper_secondary_degrees'),
    ('sysselsattning', 'stg_scb__employment'),
    ('registreringar', 'stg_ladok__registrations'),
    ('examina', 'stg_ladok__degrees'),
    ('forskarexamina', 'stg_ladok__doctoral_degrees'),
] -%}

with persons as (

    select person_id from {{ ref('stg_scb__persons') }}

),

orphans as (

    {% for extract, model in extracts %}
        select
            '{{ extract }}' as extract_name,
            '{{ model }}' as staging_model,
            count(*) as n_rows,
            count(*) filter (where persons.person_id is null) as n_orphan_rows,
            count(distinct rows_.person_id) filter (
                where persons.person_id is null
            ) as n_orphan_persons
        from {{ ref(model) }} as rows_
        left join persons on rows_.person_id = persons.person_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from orphans
