{#
    Disclosure rule 1: no published count in 1..k-1. With the cell key method
    small perturbed counts are the method itself, so the test then checks
    nothing but negative counts. A mart with several count columns names them
    all in `columns` (one query for all; default: column_name, i.e. n).
#}
{% test sdc_no_small_counts(model, column_name='n', k=none, columns=none) %}
{%- set k = k or var('sdc_k') -%}
{%- set columns = columns or [column_name] -%}

{% for column in columns %}
select
    '{{ column }}' as count_column,
    {{ column }} as small_count
from {{ model }}
where
    {%- if var('sdc_method') == 'cell_key' %}
    {{ column }} < 0
    {%- else %}
    {{ column }} > 0 and {{ column }} < {{ k }}
    {%- endif %}
{% if not loop.last %}union all{% endif %}
{% endfor %}

{% endtest %}
