{#
    The combination of `columns` is unique: the grain of a model whose key
    columns may be NULL (a NULL there is a member, e.g. freestanding courses
    without a programme). Columns that must never be NULL go in
    `not_null_columns`, checked in the same query (macro key_violations).
#}
{% test unique_combination(model, columns, not_null_columns=[]) %}
{{ key_violations(model, columns, not_null_columns) }}
{% endtest %}
