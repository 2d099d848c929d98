{#
    The input contract, checked before anything reads an extract: dbt_project.yml's
    on-run-start calls this macro, so source tests and staging models never meet a
    missing file, a wrong encoding or a truncated line as a raw engine error.

    It runs the same checks as `studentflow check DIR` (src/studentflow/delivery),
    through the function studentflow_check_delivery that the profile's plugin
    studentflow.delivery.dbt_plugin registers on dbt's DuckDB connection. The
    contract is the source YAML (data_type, meta.key, meta.person_key, ...), passed
    from dbt's graph for the extracts this run reads; the reading settings are the
    raw_* vars. The first error stops
    the build with the project's message naming file, column and an example row;
    warnings are logged.

    Runs on run, build and test only (compile, docs and the sqlfluff templater never
    need the raw files). Switch off with var('check_raw_extracts': false).
#}
{% macro check_raw_delivery() %}
    {%- if execute and var('check_raw_extracts', true) and flags.WHICH in ('run', 'build', 'test') -%}
        {%- do adapter.dispatch('check_raw_delivery', 'studentflow')() -%}
    {%- endif -%}
{% endmacro %}

{#
    Engines other than DuckDB load the extracts into tables with a typed
    loader, which enforces presence and types; run `studentflow check` on the
    delivery before loading it.
#}
{% macro default__check_raw_delivery() %}
{% endmacro %}

{% macro duckdb__check_raw_delivery() %}
    {#- the extracts this run reads: sources upstream of the selected nodes (a
        build of a few fixtures needs personer only; a full build needs all) -#}
    {%- set needed = {} -%}
    {%- set todo = (selected_resources or graph.sources.keys()) | list -%}
    {%- set seen = {} -%}
    {%- for unique_id in todo if unique_id not in seen -%}
        {%- do seen.update({unique_id: true}) -%}
        {%- if unique_id.startswith('source.') -%}
            {%- do needed.update({unique_id: true}) -%}
        {%- elif unique_id in graph.nodes -%}
            {%- for parent in graph.nodes[unique_id].depends_on.nodes -%}
                {%- do todo.append(parent) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {#- persons are checked against personer: read it whenever such an extract is read -#}
    {%- for node in graph.sources.values() if node.unique_id in needed and node.meta.get('person_key') -%}
        {%- for other in graph.sources.values() if other.name == 'personer' and other.package_name == project_name -%}
            {%- do needed.update({other.unique_id: true}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set entries = [] -%}
    {%- for node in graph.sources.values() if node.package_name == project_name and node.unique_id in needed -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append({'name': column.name, 'data_type': column.data_type, 'meta': column.meta}) -%}
        {%- endfor -%}
        {%- do entries.append({'source': node.source_name, 'name': node.name, 'meta': node.meta, 'columns': columns}) -%}
    {%- endfor -%}
    {%- set settings = {
        'raw_dir': env_var('STUDENTFLOW_RAW_DIR', var('raw_dir')),
        'fmt': env_var('STUDENTFLOW_RAW_FORMAT', var('raw_format')),
        'encoding': var('raw_csv_encoding'),
        'delimiter': var('raw_csv_delimiter'),
        'decimal': var('raw_csv_decimal_separator'),
        'allow_empty': var('raw_allow_empty_extracts', []),
        'duplicates': var('raw_duplicate_keys', 'error'),
        'orphans_tolerated': var('raw_orphan_persons_tolerated', 0),
        'pnr_sample_rows': var('personnummer_sample_rows', 20000),
    } -%}
    {%- if not entries -%}
        {{ return('') }}
    {%- endif -%}
    {%- set registered = run_query("select count(*) from duckdb_functions() where function_name = 'studentflow_check_delivery'").columns[0].values()[0] -%}
    {%- if registered == 0 -%}
        {{ exceptions.raise_compiler_error("The delivery check is not available: the dbt profile must load the plugin studentflow.delivery.dbt_plugin (plugins: [{module: studentflow.delivery.dbt_plugin}], see profiles.yml.example), or switch the check off with --vars '{check_raw_extracts: false}'.") }}
    {%- endif -%}
    {%- set result = run_query("select studentflow_check_delivery('" ~ tojson(entries) | replace("'", "''") ~ "', '" ~ tojson(settings) | replace("'", "''") ~ "')") -%}
    {%- set report = fromjson(result.columns[0].values()[0]) -%}
    {%- for extract in report['extracts'] -%}
        {%- for finding in extract['findings'] if finding['level'] == 'warning' -%}
            {{ log('Delivery check warning: ' ~ finding['message'], info=true) }}
        {%- endfor -%}
    {%- endfor -%}
    {%- if not report['ok'] -%}
        {{ exceptions.raise_compiler_error(report['message']) }}
    {%- endif -%}
    {{ log('Delivery check of ' ~ report['raw_dir'] ~ ': no errors, ' ~ report['n_warnings'] ~ ' warning(s) in ' ~ report['seconds'] ~ ' s.', info=true) }}
{% endmacro %}
