{#
    The body of the key tests (primary_key, unique_combination): one read of
    `model` for the duplicated combinations of `columns` and one for the NULLs
    of every column in `not_null_columns`. One row per violation:
    ('duplicate key', the key's values and how many rows share it) or
    ('null <column>', how many rows have it NULL).
#}
{% macro key_violations(model, columns, not_null_columns) -%}
{%- set string = dbt.type_string() -%}
{%- set key_values = [] -%}
{%- for column in columns -%}
    {%- do key_values.append("coalesce(cast(" ~ column ~ " as " ~ string ~ "), 'NULL')") -%}
    {%- if not loop.last %}{% do key_values.append("', '") %}{% endif -%}
{%- endfor -%}
with duplicated_keys as (

    select
        'duplicate key' as violation,
        {{ dbt.concat(key_values + ["' ('", "cast(count(*) as " ~ string ~ ")", "' rows)'"]) }} as detail
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

)
{%- if not_null_columns %},

null_counts as (

    select
        {%- for column in not_null_columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

null_columns as (

    {%- for column in not_null_columns %}
    select
        'null {{ column }}' as violation,
        cast({{ column }} as {{ string }}) as detail
    from null_counts
    where {{ column }} > 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}

)

select * from duplicated_keys
union all
select * from null_columns
{%- else %}

select * from duplicated_keys
{%- endif %}
{%- endmacro %}
