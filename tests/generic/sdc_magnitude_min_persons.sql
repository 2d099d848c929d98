{#
    Disclosure rule 3: a published magnitude (median, quartiles, mean of a
    measure) comes from at least k_mag persons: the cell's published count
    must be at least k_mag wherever one of its magnitudes is shown. Only the
    statistics the mart has are checked (published marts carry no mean).
#}
{% test sdc_magnitude_min_persons(model, measure, count_column='n', k_magnitude=none) %}
{%- set k_magnitude = k_magnitude or var('sdc_k_magnitude') -%}
{%- set present = [] -%}
{%- if execute -%}
    {%- set names = adapter.get_columns_in_relation(model) | map(attribute='name') | map('lower') | list -%}
    {%- for stat in ['median', 'p25', 'p75', 'mean'] -%}
        {%- if (measure ~ '_' ~ stat) | lower in names -%}
            {%- do present.append(measure ~ '_' ~ stat) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}
{%- if not present -%}{%- do present.append(measure ~ '_median') -%}{%- endif -%}

select
    {{ count_column }} as n_persons,
    {{ measure }}_median as median_value
from {{ model }}
where
    (
        {%- for column in present %}
        {{ 'or ' if not loop.first }}{{ column }} is not null
        {%- endfor %}
    )
    and ({{ count_column }} is null or {{ count_column }} < {{ k_magnitude }})

{% endtest %}
