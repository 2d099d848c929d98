{#
    Keeps a code when it is a member of the code list (seed) and maps anything
    else - NULL or a code outside the list - to the list's unknown member
    var('unknown_code') ('Okänt'). Rows are never dropped; the delivered value
    is kept beside it in staging and counted in dq_unmapped_codes.
#}
{% macro map_to_code_list(code_expression, code_list, code_column) -%}
    case
        when {{ code_expression }} in (select {{ code_column }} from {{ ref(code_list) }})
            then {{ code_expression }}
        else '{{ var('unknown_code') }}'
    end
{%- endmacro %}
