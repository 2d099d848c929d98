{#
    Incoming exchange students (inresande utbytesstudenter) are not
    högskolenybörjare (UKÄ/SCB): by default an entry is looked for among the
    person's non-exchange terms first, and an entry that is an exchange term
    (the person was only ever an exchange student there) is not counted.
    var('entrants_include_exchange_students'): true keeps them.
#}
{% macro entrants_skip_exchange_terms() -%}
    {{ return(not var('entrants_include_exchange_students', false)) }}
{%- endmacro %}
