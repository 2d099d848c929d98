{#
    Rows delivered, rows in staging and rows removed as key duplicates, per
    extract: the proof that nothing is lost between the delivery and staging
    (delivered = staged + removed, tested on every build). This model reads the
    sources directly on purpose: it counts what staging may have removed.
    Duplicates are removed only with var raw_duplicate_keys: remove; by default
    the delivery check stops the build on them, and the count here is 0.
#}
{%- set extracts = [
    ('scb', 'personer', 'stg_scb__persons'),
    ('scb', 'folkbokforing', 'stg_scb__residences'),
    ('scb', 'utvandringar', 'stg_scb__emigrations'),
    ('scb', 'utbildningsniva', 'stg_scb__education_levels'),
    ('scb', 'gymnasieexamina', 'stg_scb__upper_secondary_degrees'),
    ('scb', 'sysselsattning', 'stg_scb__employment'),
    ('scb', 'befolkning_kommun', 'stg_scb__population'),
    ('ladok', 'program', 'stg_ladok__programmes'),
    ('ladok', 'registreringar', 'stg_ladok__registrations'),
    ('ladok', 'examina', 'stg_ladok__degrees'),
    ('ladok', 'forskarexamina', 'stg_ladok__doctoral_degrees'),
] -%}
{%- set remove = var('raw_duplicate_keys', 'error') == 'remove' -%}

with counts as (

    {% for source_name, table_name, model in extracts %}
        {%- set source_id = 'source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name -%}
        {%- set key = graph.sources[source_id].meta.get('key', []) if execute else [] %}
        select
            '{{ table_name }}' as extract_name,
            '{{ model }}' as staging_model,
            (select count(*) from {{ source(source_name, table_name) }}) as n_rows_delivered,
            {% if remove and key -%}
                (select count(*) from {{ source(source_name, table_name) }})
                - (
                    select count(*) from (
                        select 1 as one from {{ source(source_name, table_name) }}
                        group by {{ key | join(', ') }}
                    ) as keys
                )
            {%- else -%}
                0
            {%- endif %} as n_duplicate_rows_removed,
            (select count(*) from {{ ref(model) }}) as n_rows_staged
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from counts
