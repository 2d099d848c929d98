{#
    Order-independent checksum of a set of rows: the sum of a hash of the
    given columns over the rows (NULL-safe; 0 for no rows). Any changed,
    added or removed row changes it (up to hash collisions). DuckDB's hash()
    is used because dbt.hash() returns text, which cannot be summed; on
    another adapter replace this one macro.
#}
{% macro rows_checksum(columns) -%}
    coalesce(sum(cast(hash({{ columns | join(', ') }}) as hugeint)), 0)
{%- endmacro %}
