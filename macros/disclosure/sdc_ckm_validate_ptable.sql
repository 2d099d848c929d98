{#
    Validates a user-supplied perturbation table before it is used: the file
    exists; it has the columns pcv, ckey, pvalue; it has exactly the
    750 x 256 = 192 000 rows pcv 1..750 x ckey 0..255, each once, with a
    pvalue; and no perturbation makes a count negative (pcv + pvalue >= 0).
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
    {%- set stats = run_query(
        "select count(*), count(distinct (pcv, ckey)),"
        ~ " count(*) filter (where pcv is null or ckey is null or pvalue is null),"
        ~ " count(*) filter (where pcv not between 1 and 750 or ckey not between 0 and 255),"
        ~ " count(*) filter (where pvalue <> round(pvalue)),"
        ~ " count(*) filter (where pcv + pvalue < 0)"
        ~ " from " ~ relation
    ).rows[0] -%}
    {%- if stats[0] != 192000 or stats[1] != 192000 or stats[2] != 0 or stats[3] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": expected exactly 750 x 256 = 192000 rows, one per pcv 1..750 and ckey 0..255, with no NULLs; found " ~ stats[0] ~ " rows, " ~ stats[1] ~ " distinct (pcv, ckey), " ~ stats[2] ~ " rows with a NULL, " ~ stats[3] ~ " rows with pcv or ckey out of range.") }}
    {%- endif -%}
    {%- if stats[4] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": pvalue must be a whole number; " ~ stats[4] ~ " rows are not.") }}
    {%- endif -%}
    {%- if stats[5] != 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": " ~ stats[5] ~ " rows would make a count negative (pcv + pvalue < 0).") }}
    {%- endif -%}
{% endmacro %}
