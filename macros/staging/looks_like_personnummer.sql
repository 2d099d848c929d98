{#
    True when a text value has the shape of a Swedish personnummer or
    samordningsnummer: 10 or 12 digits (separators - and + allowed), a month
    01-12, a day 01-31 (or 61-91 for samordningsnummer) and a valid Luhn
    check digit over the last ten digits.
#}
{% macro looks_like_personnummer(text_expression) %}
    {%- set digits = "regexp_replace(coalesce(" ~ text_expression ~ ", ''), '[-+ ]', '', 'g')" -%}
    {%- set ten = "right(" ~ digits ~ ", 10)" -%}
    coalesce(
        length({{ digits }}) in (10, 12)
        and regexp_full_match({{ digits }}, '[0-9]+')
        and try_cast(substr({{ ten }}, 3, 2) as integer) between 1 and 12
        and (try_cast(substr({{ ten }}, 5, 2) as integer) between 1 and 31
             or try_cast(substr({{ ten }}, 5, 2) as integer) between 61 and 91)
        and (
            {%- for position in range(1, 10) %}
            {%- set weight = 2 if position % 2 == 1 else 1 %}
            (try_cast(substr({{ ten }}, {{ position }}, 1) as integer) * {{ weight }}) // 10
            + (try_cast(substr({{ ten }}, {{ position }}, 1) as integer) * {{ weight }}) % 10 +
            {%- endfor %}
            try_cast(substr({{ ten }}, 10, 1) as integer)
        ) % 10 = 0,
        false
    )
{%- endmacro %}
