{#
    The primary key of a model in one query: the combination of `columns` is
    unique and none of them (nor any of `not_null_columns`) is NULL. Replaces
    unique_combination plus one not_null test per key column, which read the
    relation once per column. Returns the duplicated keys and the rows with a
    NULL, naming the column.
#}
{% test primary_key(model, columns, not_null_columns=[]) %}
{%- set string = dbt.type_string() -%}

with duplicated_keys as (

    select
        'duplicate key' as violation,
        cast(count(*) as {{ string }}) as detail
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

),

null_counts as (

    select
        {%- for column in columns + not_null_columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

null_columns as (

    {%- for column in columns + not_null_columns %}
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

{% endtest %}
