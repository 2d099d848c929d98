{#
    The four alumni follow-up categories share one aggregate and one mart
    shape, so every mart has the same columns (docs: alumni_marts). Category
    4 is split by sex only when var('alumni_cat4_split_by_sex') is true;
    otherwise its sex column holds the total member only.
#}
{% macro alumni_split_by_sex(alumni_category) -%}
    {{- return(alumni_category != 4 or var('alumni_cat4_split_by_sex')) -}}
{%- endmacro %}
