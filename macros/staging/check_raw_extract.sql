{#
    Guards the input contract before a staging model reads a raw extract:
    the file exists, every column declared in the source YAML is present,
    text values convert to the declared type, and no column looks like
    personnummer. Each failure stops the build with a message naming the file,
    the column and an example row, instead of a cast error deep in a later model.

    Runs only when dbt executes models (run/build), so compile, docs and the
    sqlfluff templater never need the raw files. Switch off with
    var('check_raw_extracts': false).
#}
{% macro check_raw_extract(source_name, table_name) %}
    {%- if execute and var('check_raw_extracts', true) and flags.WHICH in ('run', 'build') -%}
        {{ return(adapter.dispatch('check_raw_extract', 'studentflow')(source_name, table_name)) }}
    {%- endif -%}
{% endmacro %}

{#
    Engines other than DuckDB load the extracts into tables with a typed
    loader, which already enforces presence and types.
#}
{% macro default__check_raw_extract(source_name, table_name) %}
{% endmacro %}

{% macro duckdb__check_raw_extract(source_name, table_name) %}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    {%- set location = source(source_name, table_name) | string -%}
    {%- set path_match = modules.re.search("\\('([^']+)'", location) -%}
    {%- set path = path_match.group(1) if path_match else location -%}
    {%- set what = "Raw extract '" ~ table_name ~ "' (" ~ path ~ ")" -%}

    {#- 1. the file is there -#}
    {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ exceptions.raise_compiler_error(what ~ ": file not found. Generate demo data with `make data`, or point STUDENTFLOW_RAW_DIR / var raw_dir at the delivery (format: STUDENTFLOW_RAW_FORMAT=parquet|csv).") }}
    {%- endif -%}

    {#- 2. every declared column is delivered -#}
    {%- set described = run_query("describe select * from " ~ location) -%}
    {%- set delivered = {} -%}
    {%- for row in described.rows -%}
        {%- do delivered.update({row[0] | lower: row[1] | upper}) -%}
    {%- endfor -%}
    {%- set missing = [] -%}
    {%- set columns = {} -%}
    {%- for column_name, column in node.columns.items() -%}
        {%- if column_name | lower in delivered -%}
            {%- do columns.update({column_name: column}) -%}
        {%- elif not (column.meta or {}).get('optional', false) -%}
            {#- meta optional: a column a delivery may leave out (staging gives it NULL) -#}
            {%- do missing.append(column_name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(what ~ ": required column(s) missing: " ~ missing | join(', ') ~ ". Columns found: " ~ delivered.keys() | list | join(', ') ~ ".") }}
    {%- endif -%}

    {#- 3. values convert to the declared type (only text needs a scan; typed Parquet is checked by its schema) -#}
    {%- set casts = [] -%}
    {%- set first_column = (node.columns.keys() | list)[0] if node.columns else 'null' -%}
    {%- for column_name, column in columns.items() -%}
        {%- set declared = (column.data_type or 'varchar') | upper -%}
        {%- set actual = delivered[column_name | lower] -%}
        {%- set declared_is_text = declared.startswith('VARCHAR') or declared.startswith('CHAR') -%}
        {%- if not declared_is_text and actual == 'VARCHAR' -%}
            {%- set text_value = "trim(" ~ column_name ~ ")" -%}
            {%- if declared.startswith('DECIMAL') -%}
                {%- set text_value = "replace(" ~ text_value ~ ", '" ~ var('raw_csv_decimal_separator') ~ "', '.')" -%}
            {%- endif -%}
            {%- do casts.append("select '" ~ column_name ~ "' as column_name, '" ~ declared ~ "' as declared_type, row_nr, cast(" ~ column_name ~ " as varchar) as bad_value, cast(" ~ first_column ~ " as varchar) as row_key from numbered where trim(" ~ column_name ~ ") <> '' and try_cast(" ~ text_value ~ " as " ~ declared ~ ") is null") -%}
        {%- elif not declared_is_text and not studentflow.raw_types_compatible(declared, actual) -%}
            {{ exceptions.raise_compiler_error(what ~ ", column " ~ column_name ~ ": delivered as " ~ actual ~ " but the contract says " ~ declared ~ ".") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if casts -%}
        {%- set bad = run_query("with numbered as (select row_number() over () as row_nr, * from " ~ location ~ ") select * from (" ~ casts | join(' union all ') ~ ") as failures order by row_nr limit 1") -%}
        {%- if bad.rows | length > 0 -%}
            {%- set r = bad.rows[0] -%}
            {{ exceptions.raise_compiler_error(what ~ ", column " ~ r[0] ~ ": value '" ~ r[3] ~ "' in data row " ~ r[2] ~ " (" ~ first_column ~ " = " ~ r[4] ~ ") is not a valid " ~ r[1] ~ ".") }}
        {%- endif -%}
    {%- endif -%}

    {#- 4. nothing that looks like personnummer (10 or 12 digits, valid date part and checksum) -#}
    {%- set probes = [] -%}
    {%- for column_name, column in columns.items() -%}
        {%- set declared = (column.data_type or 'varchar') | upper -%}
        {%- if not (declared.startswith('DATE') or declared.startswith('DECIMAL') or declared.startswith('SMALLINT')) -%}
            {%- do probes.append("select '" ~ column_name ~ "' as column_name, count(" ~ column_name ~ ") as n_values, count(case when " ~ studentflow.looks_like_personnummer("cast(" ~ column_name ~ " as varchar)") ~ " then 1 end) as n_like, min(case when " ~ studentflow.looks_like_personnummer("cast(" ~ column_name ~ " as varchar)") ~ " then row_nr end) as example_row from sampled") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set pnr = run_query("with sampled as (select row_number() over () as row_nr, * from " ~ location ~ " limit " ~ var('personnummer_sample_rows', 20000) ~ ") select * from (" ~ probes | join(' union all ') ~ ") as probe where n_like > 0 and n_like * 2 >= n_values") -%}
    {%- if pnr.rows | length > 0 -%}
        {%- set r = pnr.rows[0] -%}
        {{ exceptions.raise_compiler_error(what ~ ", column " ~ r[0] ~ ": " ~ r[2] ~ " of " ~ r[1] ~ " sampled values look like personnummer (first in data row " ~ r[3] ~ "). Extracts must carry SCB's pseudonymised LopNr, never personnummer: stop and ask the data provider for a pseudonymised delivery.") }}
    {%- endif -%}
{% endmacro %}

{# Typed deliveries (Parquet) may use a narrower or wider integer than the contract. #}
{% macro raw_types_compatible(declared, actual) %}
    {%- set integers = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT'] -%}
    {%- set base = declared.split('(')[0] -%}
    {%- if base in integers -%}
        {{ return(actual in integers) }}
    {%- elif base == 'DECIMAL' -%}
        {{ return(actual.startswith('DECIMAL') or actual in integers or actual in ['DOUBLE', 'FLOAT']) }}
    {%- else -%}
        {{ return(actual.split('(')[0] == base or (base == 'DATE' and actual.startswith('TIMESTAMP'))) }}
    {%- endif -%}
{% endmacro %}
