{# Member of the institution-choice variable that pools small institutions (analysis 4). #}
{% macro institution_choice_other_label() -%}
    Övriga
{%- endmacro %}
