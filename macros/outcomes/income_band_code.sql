{#
    Income band of a yearly earned income (SEK). The bands are the project's
    (no national standard exists): 100 000 kr steps up to 500 000 kr, which
    brackets UKÄ's establishment threshold (about 250 000 kr around 2020).
    NULL income (no labour-market record) is the unknown member.
#}
{% macro income_band_code(income_expression) -%}
    case
        when {{ income_expression }} is null then '{{ var('unknown_code') }}'
        when {{ income_expression }} <= 0 then '0'
        when {{ income_expression }} < 100000 then '1-99'
        when {{ income_expression }} < 200000 then '100-199'
        when {{ income_expression }} < 300000 then '200-299'
        when {{ income_expression }} < 400000 then '300-399'
        when {{ income_expression }} < 500000 then '400-499'
        else '500-'
    end
{%- endmacro %}
