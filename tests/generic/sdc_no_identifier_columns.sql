{#
    Disclosure rule 5: a published mart has no row-level identifier or
    re-identifying column (person keys, personnummer, exact dates of birth or
    degree). Checks the built relation's columns, so a column added in SQL but
    not documented is caught too. A suppression reason is refused as well:
    reasons stay inside (two 'primär' cells beside a published total of 8
    are both 4); they live in agg_sdc_suppression_reasons.
#}
{% test sdc_no_identifier_columns(model) %}
{%- set forbidden = ['lopnr', 'person_id', 'personnummer', 'pnr', 'mother_id', 'father_id',
                     'lopnrmor', 'lopnrfar', 'birth_date', 'fodelsedatum', 'degree_date',
                     'examensdatum', 'emigration_date', 'utvandringdatum', 'record_key', 'cell_key'] -%}
{%- set found = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- set name = column.name | lower -%}
        {%- if name in forbidden or name.endswith('_date') or name.endswith('_suppression_reason') -%}
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
