{#
    Validates a user-supplied perturbation table before it is used: the file
    exists; it has the columns pcv, ckey, pvalue; its cell keys run 0..R-1 with
    R the project's key range (var sdc_ckey_range) - a table made for another
    range (ONS's current tables: 0..4095) is refused naming the var to set,
    because record keys and cell keys must share one range; it has exactly
    750 x R rows pcv 1..750 x ckey 0..R-1, each once, with a pvalue; and no
    perturbation makes a count negative (pcv + pvalue >= 0).
    Raises a compiler error naming the file and the problem. Runs only when
    dbt executes (run/build), so parse and compile never need the file.
#}
{% macro sdc_ckm_validate_ptable(path) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set what = "Perturbation table '" ~ path ~ "' (var sdc_ptable_path)" -%}
    {%- set relation = sdc_ckm_read_ptable(path) -%}
    {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": file not found (paths are relative to the dbt project root).") }}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ relation) -%}
    {%- set columns = described.columns[0].values() | map('lower') | list -%}
    {%- set missing = ['pcv', 'ckey', 'pvalue'] | reject('in', columns) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(what ~ ": required column(s) missing: " ~ missing | join(', ') ~ ". Columns found: " ~ columns | join(', ') ~ ". Expected the long layout (pcv, ckey, pvalue) used by ONS's cell-key-perturbation package.") }}
    {%- endif -%}
    {%- set key_range = sdc_ckm_key_range() -%}
    {#- a table built for another key range: every ckey 0..R'-1 present, R' != R -#}
    {%- set table_range = run_query("select min(ckey), max(ckey) + 1, count(distinct ckey) from " ~ relation).rows[0] -%}
    {%- if table_range[0] == 0 and table_range[1] == table_range[2] and table_range[1] >= 16 and table_range[1] != key_range -%}
        {{ exceptions.raise_compiler_error(what ~ ": its cell keys run 0.." ~ (table_range[1] - 1) ~ " but the project's record keys run 0.." ~ (key_range - 1) ~ " (var sdc_ckey_range = " ~ key_range ~ "). Record keys and cell keys must share one range, or cell keys would miss rows of the table: set --vars '{sdc_ckey_range: " ~ table_range[1] ~ "}', or supply a table for " ~ key_range ~ " keys.") }}
    {%- endif -%}
    {%- set expected_rows = 750 * key_range -%}
    {%- set stats = run_query(
        "select count(*), count(distinct (pcv, ckey)),"
        ~ " count(*) filter (where pcv is null or ckey is null or pvalue is null),"
        ~ " count(*) filter (where pcv not between 1 and 750 or ckey not between 0 and " ~ (key_range - 1) ~ "),"
        ~ " count(*) filter (where pvalue <> round(pvalue)),"
        ~ " count(*) filter (where pcv + pvalue < 0)"
        ~ " from " ~ relation
    ).rows[0] -%}
    {%- if stats[0] != expected_rows or stats[1] != expected_rows or stats[2] != 0 or stats[3] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": expected exactly 750 x " ~ key_range ~ " = " ~ expected_rows ~ " rows, one per pcv 1..750 and ckey 0.." ~ (key_range - 1) ~ ", with no NULLs; found " ~ stats[0] ~ " rows, " ~ stats[1] ~ " distinct (pcv, ckey), " ~ stats[2] ~ " rows with a NULL, " ~ stats[3] ~ " rows with pcv or ckey out of range.") }}
    {%- endif -%}
    {%- if stats[4] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": pvalue must be a whole number; " ~ stats[4] ~ " rows are not.") }}
    {%- endif -%}
    {%- if stats[5] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": " ~ stats[5] ~ " rows would make a count negative (pcv + pvalue < 0).") }}
    {%- endif -%}
{% endmacro %}
