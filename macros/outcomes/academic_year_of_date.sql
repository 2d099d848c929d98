{#
    Academic year of a date, reported as its first calendar year: the
    academic year T/T+1 runs 1 July T - 30 June T+1 (UKÄ's convention for
    degrees), so 2014-12-31 and 2015-06-30 are 2014 and 2015-07-01 is 2015.
#}
{% macro academic_year_of_date(date_expression) -%}
    (
        extract(year from {{ date_expression }})
        - case when extract(month from {{ date_expression }}) < 7 then 1 else 0 end
    )
{%- endmacro %}
