{#
    Exact cell counts for an internal aggregate, rolled up from a population's
    counted cells (models/intermediate/populations, *_cells_counted: one row per
    finest combination of attributes with n_persons and record_key_sum).
    Same output as sdc_count_cells: dims, hierarchy columns (var('total_label')
    where rolled up), n_persons, cell_key (sum of record keys mod R).

    Exact because in a population each person is in one finest cell: counts
    and record-key sums of a total are the sums over its finest cells, so no
    count(distinct) and no record-key join is needed here. One ROLLUP per
    hierarchy, as in sdc_count_cells (sqlfluff's duckdb dialect cannot parse
    GROUPING SETS). `from` names a relation or CTE with the cells columns.
#}
{% macro sdc_sum_cells(from, dims, hierarchies=[]) %}
    {%- set hierarchy_columns = hierarchies | sum(start=[]) -%}
    {%- set group_terms = dims | list -%}
    {%- for hierarchy in hierarchies -%}
        {%- do group_terms.append('rollup(' ~ hierarchy | join(', ') ~ ')') -%}
    {%- endfor %}
    select
        {%- for dim in dims %}
        cells.{{ dim }},
        {%- endfor %}
        {%- for column in hierarchy_columns %}
        case when grouping(cells.{{ column }}) = 1 then '{{ var("total_label") }}' else cells.{{ column }} end as {{ column }},
        {%- endfor %}
        cast(sum(cells.n_persons) as bigint) as n_persons,
        cast(sum(cells.record_key_sum) % {{ sdc_ckm_key_range() }} as integer) as cell_key
    from {{ from }} as cells
    {%- if group_terms %}
    group by {{ group_terms | join(', ') }}
    {%- endif %}
{% endmacro %}
