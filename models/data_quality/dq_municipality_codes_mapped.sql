{#
    Every delivered historical municipality code that staging translated to
    today's municipality (doc block historical_municipality_codes), counted per
    extract, column and delivered code, so the translation is visible: these
    rows would otherwise have become 'Okänt'.
#}
{%- set checks = [
    ('folkbokforing', 'Kommun', 'stg_scb__residences', 'municipality_code', 'residence_year'),
    ('gymnasieexamina', 'SkolKommun', 'stg_scb__upper_secondary_degrees', 'school_municipality_code', 'graduation_year'),
    ('sysselsattning', 'AstKommun', 'stg_scb__employment', 'workplace_municipality_code', 'employment_year'),
    ('befolkning_kommun', 'Kommun', 'stg_scb__population', 'municipality_code', 'population_year'),
] -%}

with mapped as (

    {% for extract, raw_column, model, column, year_column in checks %}
        select
            '{{ extract }}' as extract_name,
            '{{ raw_column }}' as raw_column_name,
            '{{ model }}' as staging_model,
            {{ column }}_delivered as delivered_value,
            {{ column }} as municipality_code,
            min({{ year_column }}) as first_year,
            max({{ year_column }}) as last_year,
            count(*) as n_rows
        from {{ ref(model) }}
        where
            {{ column }} <> {{ column }}_delivered
            and {{ column }} <> '{{ var('unknown_code') }}'
        group by {{ column }}_delivered, {{ column }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from mapped
