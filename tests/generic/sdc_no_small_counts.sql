{#
    Disclosure rule 1: no published count in 1..k-1. With the cell key method
    small perturbed counts are the method itself, so the test then checks
    nothing but negative counts.
#}
{% test sdc_no_small_counts(model, column_name='n', k=none) %}
{%- set k = k or var('sdc_k') -%}

select {{ column_name }} as small_count
from {{ model }}
where
    {%- if var('sdc_method') == 'cell_key' %}
    {{ column_name }} < 0
    {%- else %}
    {{ column_name }} > 0 and {{ column_name }} < {{ k }}
    {%- endif %}

{% endtest %}
