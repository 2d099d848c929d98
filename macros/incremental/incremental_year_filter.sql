{#
    The annual update: an incremental model keyed on a year column reprocesses
    only the years from (latest year already built - var incremental_lookback_years)
    on, so a late delivery for the previous year (credits arrive later) is
    picked up too. Configure the model with incremental_strategy='delete+insert'
    and a unique_key that covers the rows reprocessed.

    new_key: the universe also grows backwards - a person who enters higher
    education this year arrives with a residence history for earlier years.
    Naming the person column keeps every row of persons not yet in the model,
    whatever the year (then use unique_key=[new_key, year_column]).
    On a full refresh, or the first run, the filter is empty.
#}
{% macro incremental_year_filter(year_column, new_key=none) -%}
    {#- unit tests render the model without a target relation (this is None) -#}
    {%- if this is not none and is_incremental() -%}
        (
            {{ year_column }} >= (
                select coalesce(max({{ year_column }}), 0) - {{ var('incremental_lookback_years') }}
                from {{ this }}
            )
            {%- if new_key %}
            or {{ new_key }} not in (select distinct {{ new_key }} from {{ this }})
            {%- endif %}
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
