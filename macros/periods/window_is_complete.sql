{#
    The one rule for publishing a pooled window (docs block complete_windows):
    a window is complete when its LAST year has arrived for the question
    asked, i.e. window_end_year(start) <= the last year whose data is complete
    for that follow-up. Incomplete windows are not published at all, so a
    published window never changes between releases (disclosure rule 6).
    last_complete_year_expression is per question: for an outcome follow-up of
    n years the last graduation year whose follow-up year has arrived; for
    analysis 7 the last entry year whose credits follow-up is complete.
#}
{% macro window_is_complete(window_start_year_expression, last_complete_year_expression) -%}
    coalesce(
        {{ window_end_year(window_start_year_expression) }} <= {{ last_complete_year_expression }},
        false
    )
{%- endmacro %}
