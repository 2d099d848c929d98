{#
    The relation a staging model reads for an extract: the source itself, or with
    var raw_duplicate_keys: remove one row per key of the extract (meta.key in the
    source YAML), the first in the order of the declared required columns
    (optional ones may be missing from the file) so the choice is reproducible.
    The delivery check has counted the duplicates by then and dq_raw_row_counts
    counts the removed rows, so nothing is dropped silently; by default (error)
    duplicates stop the build before staging is read.
#}
{% macro raw_source(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {#- a unit test's graph has no sources: its input rows replace the source anyway -#}
    {%- if var('raw_duplicate_keys', 'error') == 'remove' and execute and graph.sources is defined -%}
        {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
        {%- set key = node.meta.get('key', []) -%}
        {#- optional columns may be missing from the file: order by the required ones -#}
        {%- set ordered = [] -%}
        {%- for name, column in node.columns.items() -%}
            {%- if not column.meta.get('optional', false) -%}{%- do ordered.append(name) -%}{%- endif -%}
        {%- endfor -%}
        {%- if key -%}
            (
                select * from {{ relation }}
                qualify row_number() over (
                    partition by {{ key | join(', ') }}
                    order by {{ ordered | join(', ') }}
                ) = 1
            )
        {%- else -%}
            {{ relation }}
        {%- endif -%}
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{% endmacro %}
