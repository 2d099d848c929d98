{#
    Left-censoring of entrants. Registrations before the first delivered
    academic year are unknown, so a person registered in the first delivered
    year may have studied before: they are not counted as new entrants.
    var('entrants_first_trusted_year') names the first entry (academic) year
    to trust; null (default) = the first delivered academic year + 1.
    Must be called from a model that refs int_registrations_summed_by_term.
#}
{% macro first_trusted_entry_year() -%}
    {%- if var('entrants_first_trusted_year', none) is not none -%}
        {{ var('entrants_first_trusted_year') | int }}
    {%- else -%}
        (
            select min(delivered_terms.academic_year) + 1
            from {{ ref('int_registrations_summed_by_term') }} as delivered_terms
        )
    {%- endif -%}
{%- endmacro %}
