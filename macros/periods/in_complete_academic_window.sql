{#
    True when the academic year falls in a complete window of academic years
    (int_academic_windows_completed, docs block complete_windows); with
    for_entrants, a window complete for entrants too (it starts at or after
    the first trusted entry year). The one filter the entrant and
    registered-per-window populations apply.
#}
{% macro in_complete_academic_window(academic_year_expression, for_entrants=false) -%}
    {{ window_start_year(academic_year_expression) }} in (
        select completed_windows.window_start_year
        from {{ ref('int_academic_windows_completed') }} as completed_windows
        {%- if for_entrants %}
        where completed_windows.is_complete_for_entrants
        {%- endif %}
    )
{%- endmacro %}
