{% macro income_band_name(code_expression) -%}
    case {{ code_expression }}
        when '0' then 'Ingen arbetsinkomst'
        when '1-99' then '1-99 tkr'
        when '100-199' then '100-199 tkr'
        when '200-299' then '200-299 tkr'
        when '300-399' then '300-399 tkr'
        when '400-499' then '400-499 tkr'
        when '500-' then '500 tkr eller mer'
        else '{{ var('unknown_code') }}'
    end
{%- endmacro %}
