{#
    Disclosure rule 5: a published mart has no row-level identifier or
    re-identifying column (person keys, personnummer, exact dates of birth or
    degree). Checks the built relation's columns, so a column added in SQL but
    not documented is caught too.
#}
{% test sdc_no_identifier_columns(model) %}
{%- set forbidden = ['lopnr', 'person_id', 'personnummer', 'pnr', 'mother_id', 'father_id',
                     'lopnrmor', 'lopnrfar', 'birth_date', 'fodelsedatum', 'degree_date',
                     'examensdatum', 'emigration_date', 'utvandringdatum', 'record_key', 'cell_key'] -%}
{%- set found = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- if column.name | lower in forbidden or (column.name | lower).endswith('_date') -%}
            {%- do found.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

{% if found %}
{% for name in found %}
select '{{ name }}' as identifier_column
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% else %}
select cast(null as {{ dbt.type_string() }}) as identifier_column
where 1 = 0
{% endif %}

{% endtest %}
