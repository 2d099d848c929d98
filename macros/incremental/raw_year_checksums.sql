{#
    The per-year checksums (macro rows_checksum) of an incremental staging
    model, for macro incremental_changed_years: one row per year of the
    extract with the checksum of the delivered columns the model reads plus
    that of every code list it maps them to (code_lists: seed name -> its
    columns). The extract is read here on its own, not through the model's
    CTE: DuckDB materialises a CTE that is read twice, which cost 10 s on the
    national sysselsattning.
    year_expression: SQL for the year over the alias delivered when it is not
    a column (a term code's year); it must be the model's own expression.
    columns=none checksums the whole delivered row: for an extract with
    optional columns, which a list could name only when they are delivered.
#}
{% macro raw_year_checksums(
    source_name, table_name, year_column, year_alias, columns=none, code_lists={},
    year_expression=none
) -%}
    {%- set year = year_expression or ('delivered.' ~ year_column) -%}
    {%- set qualified = [] -%}
    {%- for column in columns or [] -%}
        {%- do qualified.append('delivered.' ~ column) -%}
    {%- endfor %}
    select
        cast({{ year }} as smallint) as {{ year_alias }},
        {{ rows_checksum(qualified or ['delivered']) }}
        + min(code_lists.code_list_checksum) as input_checksum
    from {{ raw_source(source_name, table_name) }} as delivered
    cross join (
        select
        {%- for seed, seed_columns in code_lists.items() %}
            {% if not loop.first %}+ {% endif %}(
                select {{ rows_checksum(seed_columns) }}
                from {{ ref(seed) }}
            )
        {%- else %}
            0
        {%- endfor %} as code_list_checksum
    ) as code_lists
    group by cast({{ year }} as smallint)
{%- endmacro %}
