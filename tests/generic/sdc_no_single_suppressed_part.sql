{#
    Disclosure rule 4: in every published additive relation (a 'Totalt' row
    and its parts; one relation per additive dimension, all other dims fixed)
    the number of suppressed cells is never exactly one. total = sum of parts
    is one equation, so a lone suppressed part beside a published total - or a
    lone suppressed total beside published parts - is recoverable.
    A total with no parts in the partition is no relation (no equation): in a
    hierarchy the national row sits alone in the partition 'county = Totalt'
    of the municipality dimension, so it is skipped.
    A mart with several counts names all their flags in `suppressed_columns`
    (one test for all; default: suppressed_column, i.e. n_is_suppressed).
#}
{% test sdc_no_single_suppressed_part(model, dims, additive_dims, suppressed_column='n_is_suppressed', suppressed_columns=none) %}
{%- set suppressed_columns = suppressed_columns or [suppressed_column] -%}
{%- set total = var('total_label') -%}

{% for suppressed_column in suppressed_columns %}
{%- set outer_loop = loop %}
{% for dim in additive_dims %}
{%- set others = dims | reject('equalto', dim) | list %}
select
    '{{ suppressed_column }}' as suppressed_column,
    '{{ dim }}' as additive_dim,
    {% for other in others %}cast({{ other }} as {{ dbt.type_string() }}) || '|' || {% endfor %}'' as relation_key,
    sum(case when {{ suppressed_column }} then 1 else 0 end) as n_suppressed_cells
from {{ model }}
group by {{ others | join(', ') if others else "'all'" }}
having
    max(case when {{ dim }} = '{{ total }}' then 1 else 0 end) = 1
    and max(case when {{ dim }} <> '{{ total }}' then 1 else 0 end) = 1
    and sum(case when {{ suppressed_column }} then 1 else 0 end) = 1
{% if not (loop.last and outer_loop.last) %}union all{% endif %}
{% endfor %}
{% endfor %}

{% endtest %}
