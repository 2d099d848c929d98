{#
    The model has as many rows as another relation (optionally both filtered):
    used to prove that a join or a reshaping kept every row.
#}
{% test equal_row_count(model, compare_model, where_model='1 = 1', where_compare='1 = 1') %}

with model_rows as (
    select count(*) as n_rows from {{ model }} where {{ where_model }}
),

compare_rows as (
    select count(*) as n_rows from {{ compare_model }} where {{ where_compare }}
)

select
    model_rows.n_rows as model_row_count,
    compare_rows.n_rows as compare_row_count
from model_rows
cross join compare_rows
where model_rows.n_rows <> compare_rows.n_rows

{% endtest %}
