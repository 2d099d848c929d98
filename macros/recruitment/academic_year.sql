{# Academic year reported as its autumn year: HT2014 and VT2015 -> 2014. #}
{% macro academic_year(calendar_year, season) -%}
    ({{ calendar_year }} - case when {{ season }} = 'VT' then 1 else 0 end)
{%- endmacro %}
