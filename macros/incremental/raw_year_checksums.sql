{#
    The per-year checksums (macro rows_checksum) of an incremental staging
    model, for macro incremental_changed_years: one row per year of the
    extract with the checksum of the delivered columns the model reads plus
    that of every code list it maps them to (code_lists: seed name -> its
    columns). The extract is read here on its own, not through the model's
    CTE: DuckDB materialises a CTE that is read twice, which cost 10 s on the
    national sysselsattning.
#}
{% macro raw_year_checksums(source_name, table_name, year_column, year_alias, columns, code_lists) -%}
    {%- set qualified = [] -%}
    {%- for column in columns -%}
        {%- do qualified.append('delivered.' ~ column) -%}
    {%- endfor %}
    select
        cast(delivered.{{ year_column }} as smallint) as {{ year_alias }},
        {{ rows_checksum(qualified) }}
        + min(code_lists.code_list_checksum) as input_checksum
    from {{ raw_source(source_name, table_name) }} as delivered
    cross join (
        select
        {%- for seed, seed_columns in code_lists.items() %}
            {% if not loop.first %}+ {% endif %}(
                select {{ rows_checksum(seed_columns) }}
                from {{ ref(seed) }}
            )
        {%- endfor %} as code_list_checksum
    ) as code_lists
    group by cast(delivered.{{ year_column }} as smallint)
{%- endmacro %}
