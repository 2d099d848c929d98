{#
    A number as display text with a decimal comma and exactly `digits`
    decimals ('-7,5', '1,70'): cast to a fixed-point decimal first, since a
    double drops trailing zeros ('1,7' for a relationstal of 1,70).
#}
{% macro decimal_comma(number_expression, digits) -%}
    replace(
        cast(
            cast(round({{ number_expression }}, {{ digits }}) as decimal(18, {{ digits }}))
            as {{ dbt.type_string() }}
        ),
        '.',
        ','
    )
{%- endmacro %}
