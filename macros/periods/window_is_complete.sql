{#
    The one rule for publishing a pooled window (docs block complete_windows):
    a window is complete when every year in it has arrived for the question
    asked: its LAST year is at most the last year whose data is complete for
    that follow-up and, where the delivery has a first year, its FIRST year
    is at least the first complete one. Incomplete windows are not published
    at all, so a published window never changes between releases (disclosure
    rule 6) and holds every year its label names.
    last_complete_year_expression is per question: for an outcome follow-up
    of n years the last graduation year whose follow-up year has arrived; for
    analysis 7 the last entry year whose credits follow-up is complete.
    first_complete_year_expression (optional): the first graduation year the
    degree extracts hold whole, the first entry year not left-censored, the
    first complete academic year.
#}
{% macro window_is_complete(
    window_start_year_expression,
    last_complete_year_expression,
    first_complete_year_expression=none
) -%}
    coalesce(
        {{ window_end_year(window_start_year_expression) }} <= {{ last_complete_year_expression }}
        {%- if first_complete_year_expression is not none %}
        and {{ window_start_year_expression }} >= {{ first_complete_year_expression }}
        {%- endif %},
        false
    )
{%- endmacro %}
