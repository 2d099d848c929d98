{#
    Disclosure rule 3: a published magnitude (median, quartiles, mean of a
    measure) comes from at least k_mag persons: the cell's published count
    must be at least k_mag wherever one of its magnitudes is shown.
#}
{% test sdc_magnitude_min_persons(model, measure, count_column='n', k_magnitude=none) %}
{%- set k_magnitude = k_magnitude or var('sdc_k_magnitude') -%}

select
    {{ count_column }} as n_persons,
    {{ measure }}_median as median_value
from {{ model }}
where
    (
        {{ measure }}_median is not null
        or {{ measure }}_p25 is not null
        or {{ measure }}_p75 is not null
        or {{ measure }}_mean is not null
    )
    and ({{ count_column }} is null or {{ count_column }} < {{ k_magnitude }})

{% endtest %}
