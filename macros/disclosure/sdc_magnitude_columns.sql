{#
    The magnitude statistics of sdc_count_cells per measure: <m>_n, <m>_mean,
    <m>_p25, <m>_median, <m>_p75 over the values of `alias`. Each column is
    preceded by a comma (they follow the counts).
#}
{% macro sdc_magnitude_columns(alias, measures) %}
    {%- for measure in measures %},
    count({{ alias }}.{{ measure }}) as {{ measure }}_n,
    avg(cast({{ alias }}.{{ measure }} as double)) as {{ measure }}_mean,
    {{ sdc_percentile(alias ~ '.' ~ measure, 0.25) }} as {{ measure }}_p25,
    {{ sdc_percentile(alias ~ '.' ~ measure, 0.5) }} as {{ measure }}_median,
    {{ sdc_percentile(alias ~ '.' ~ measure, 0.75) }} as {{ measure }}_p75
    {%- endfor %}
{%- endmacro %}
