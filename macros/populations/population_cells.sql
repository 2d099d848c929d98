{#
    The one pass over a population: persons and the sum of their record keys
    per finest cell of `dims`. `from` is a fact model (or CTE) of
    models/intermediate/populations with one row per person and unit, so
    count(*) counts persons and the record-key sum of any total is the sum over
    its finest cells (macro sdc_sum_cells rolls them up).
#}
{% macro population_cells(from, dims) %}
    select
        {%- for dim in dims %}
        {{ dim }},
        {%- endfor %}
        count(*) as n_persons,
        sum(record_key) as record_key_sum
    from {{ from }}
    group by
        {%- for dim in dims %}
        {{ dim }}{{ "," if not loop.last }}
        {%- endfor %}
{% endmacro %}
