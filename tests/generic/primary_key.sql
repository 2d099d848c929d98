{#
    The primary key of a model in one query: the combination of `columns` is
    unique and none of them (nor any of `not_null_columns`) is NULL. Replaces
    unique_combination plus one not_null test per column, which read the
    relation once per column. Returns the duplicated keys and the NULL
    columns (macro key_violations).
#}
{% test primary_key(model, columns, not_null_columns=[]) %}
{{ key_violations(model, columns, columns + not_null_columns) }}
{% endtest %}
