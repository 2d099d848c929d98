{#
    The combination of `columns` is unique: the composite primary key of a
    model whose grain is more than one column. Returns the duplicated keys.
#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
