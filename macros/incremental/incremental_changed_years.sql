{#
    The years an incremental model must rebuild (docs block incremental_revisions).
    checksums_relation holds one row per year with the checksum of every
    input that year's rows depend on (macro rows_checksum); the model stores
    that checksum on each of its rows (column input_checksum). On an
    incremental run the years whose checksum differs from the stored one, or
    that are not built yet, are rebuilt (delete+insert on the year); on a full
    refresh or the first run every year is. So a delivery that revises old
    years (a degree re-delivered with an earlier date, credits that arrive
    later for old terms) rebuilds exactly those years, and the result equals
    a full refresh. Years no longer in the inputs are removed by the model's
    post_hook.
#}
{% macro incremental_changed_years(checksums_relation, year_column) -%}
    select checksums.{{ year_column }}
    from {{ checksums_relation }} as checksums
    {#- unit tests render the model without a target relation (this is None);
        a table built before the checksums existed (no input_checksum column:
        a warehouse from an older release) is rebuilt in full once, and
        on_schema_change='append_new_columns' adds the column -#}
    {%- set built_columns = [] -%}
    {%- if execute and this is not none and is_incremental() -%}
        {%- set built_columns = adapter.get_columns_in_relation(this)
            | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
    {%- if 'input_checksum' in built_columns %}
    left join (
        select distinct
            {{ year_column }},
            input_checksum
        from {{ this }}
    ) as built
        on
            checksums.{{ year_column }} = built.{{ year_column }}
            and checksums.input_checksum = built.input_checksum
    where built.{{ year_column }} is null
    {%- endif %}
{%- endmacro %}
