{#
    Disclosure rule 2: a published share, rate or ratio has a published
    numerator and a denominator of at least k.
#}
{% test sdc_derived_follows_inputs(model, value_column, numerator_column, denominator_column, k=none) %}
{%- set k = k or var('sdc_k') -%}

select
    {{ value_column }} as derived_value,
    {{ numerator_column }} as numerator_value,
    {{ denominator_column }} as denominator_value
from {{ model }}
where
    {{ value_column }} is not null
    and (
        {{ numerator_column }} is null
        or {{ denominator_column }} is null
        or {{ denominator_column }} < {{ k }}
    )

{% endtest %}
