{#
    Every delivered code that staging could not find in its code list and
    mapped to 'Okänt', counted per extract, column and delivered value, so no
    row is lost silently. NULL deliveries are counted too (delivered_value NULL).
#}
{%- set checks = [
    ('folkbokforing', 'Kommun', 'stg_scb__residences', 'municipality_code'),
    ('utbildningsniva', 'SUN2020Niva', 'stg_scb__education_levels', 'sun_level'),
    ('gymnasieexamina', 'SkolKommun', 'stg_scb__upper_secondary_degrees', 'school_municipality_code'),
    ('sysselsattning', 'SyssStat', 'stg_scb__employment', 'employment_status'),
    ('sysselsattning', 'AstSektor', 'stg_scb__employment', 'sector_code'),
    ('sysselsattning', 'SSYK2012', 'stg_scb__employment', 'ssyk_code'),
    ('sysselsattning', 'Matchning', 'stg_scb__employment', 'matching_code'),
    ('befolkning_kommun', 'Kommun', 'stg_scb__population', 'municipality_code'),
    ('program', 'Examenskod', 'stg_ladok__programmes', 'degree_code'),
    ('registreringar', 'Larosate', 'stg_ladok__registrations', 'institution_code'),
    ('registreringar', 'Huvudomrade', 'stg_ladok__registrations', 'main_field_code'),
    ('registreringar', 'Niva', 'stg_ladok__registrations', 'study_level'),
    ('examina', 'Larosate', 'stg_ladok__degrees', 'institution_code'),
    ('examina', 'Examenskod', 'stg_ladok__degrees', 'degree_code'),
    ('examina', 'Huvudomrade', 'stg_ladok__degrees', 'main_field_code'),
    ('forskarexamina', 'Larosate', 'stg_ladok__doctoral_degrees', 'institution_code'),
    ('forskarexamina', 'Forskningsamne', 'stg_ladok__doctoral_degrees', 'research_subject_code'),
    ('forskarexamina', 'Examen', 'stg_ladok__doctoral_degrees', 'doctoral_degree_type'),
] -%}

with unmapped as (

    {% for extract, raw_column, model, column in checks %}
        select
            '{{ extract }}' as extract_name,
            '{{ raw_column }}' as raw_column_name,
            '{{ model }}' as staging_model,
            {{ column }}_delivered as delivered_value,
            count(*) as n_rows
        from {{ ref(model) }}
        where {{ column }} = '{{ var('unknown_code') }}'
        group by {{ column }}_delivered
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    extract_name,
    raw_column_name,
    staging_model,
    delivered_value,
    n_rows,
    delivered_value is null as is_missing
from unmapped
