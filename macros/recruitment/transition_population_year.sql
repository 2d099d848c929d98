{#
    Year of the public population table (31 December) paired with academic
    year T in the transition figures (analyses 3 and 6), and the date the
    ages are measured on. var('transition_population_pairing'):
      same_year_label (default) - T: the reference tables print 'registered
                      up to 25, 2021' beside '18-25-year-olds in the
                      municipality, 2021', and SCB/UKÄ count age at
                      31 December of the autumn term's year;
      year_before   - T - 1: the residents on 31 December before the
                      academic year starts (the project's earlier choice).
#}
{% macro transition_population_year(academic_year) -%}
    {%- set pairing = var('transition_population_pairing') -%}
    {%- if pairing == 'same_year_label' -%}
        ({{ academic_year }})
    {%- elif pairing == 'year_before' -%}
        ({{ academic_year }} - 1)
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var transition_population_pairing must be 'same_year_label' or 'year_before', got '"
            ~ pairing ~ "'"
        ) }}
    {%- endif -%}
{%- endmacro %}
