{#
    Sort key that puts the unknown code after every known one in a tie-break:
    'Okänt' sorts before lowercase codes and after digits, so a plain code
    order would let an unknown institution or level win a tie.
#}
{% macro unknown_last(code_column) -%}
    case when {{ code_column }} = '{{ var("unknown_code") }}' then 1 else 0 end
{%- endmacro %}
