{#
    The value a published count display stands for, for figures derived
    from displays under var sdc_display = 'midpoint': '2,5' (a primary
    suppressed count shown as the midpoint of 1..4) is 2.5, a number is
    itself, '..' (secondary suppression) is NULL. Used for net migration and
    relationstal, which are shown with the midpoint like their counts (docs
    block midpoint_derived); their numeric columns stay NULL when suppressed.
#}
{% macro midpoint_value(display_expression) -%}
    case
        when {{ display_expression }} = '2,5' then 2.5
        when {{ display_expression }} = '..' then null
        else cast({{ display_expression }} as double)
    end
{%- endmacro %}
