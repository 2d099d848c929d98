{#
    Every row satisfies a boolean SQL expression (optionally only rows that
    match `where`). Returns the rows that break it.
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
