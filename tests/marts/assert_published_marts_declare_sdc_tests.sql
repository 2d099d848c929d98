{#
    Every model in the published schema declares the disclosure-control tests,
    so a new mart cannot skip them: sdc_no_small_counts,
    sdc_no_single_suppressed_part and sdc_no_identifier_columns always;
    sdc_derived_follows_inputs for each documented share/rate/ratio column;
    sdc_magnitude_min_persons for each documented *_median column.
    Returns one row per missing test.
#}
{%- set missing = [] -%}
{%- if execute -%}
    {%- set declared = {} -%}
    {%- set test_nodes = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'test')
        | selectattr('test_metadata') -%}
    {%- for test_node in test_nodes -%}
        {%- for parent in test_node.depends_on.nodes -%}
            {%- do declared.setdefault(parent, []).append(test_node.test_metadata.name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set published_models = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('config.schema', 'equalto', 'published') -%}
    {%- for model in published_models -%}
        {%- set tests = declared.get(model.unique_id, []) -%}
        {%- set required = [
            'sdc_no_small_counts', 'sdc_no_single_suppressed_part', 'sdc_no_identifier_columns'
        ] -%}
        {%- for column_name in model.columns -%}
            {%- set is_derived = column_name in ['share', 'rate', 'ratio']
                or column_name.endswith('_share') or column_name.endswith('_rate') -%}
            {%- if is_derived -%}
                {%- do required.append('sdc_derived_follows_inputs') -%}
            {%- endif -%}
            {%- if column_name.endswith('_median') -%}
                {%- do required.append('sdc_magnitude_min_persons') -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for test_name in required | unique -%}
            {%- if test_name not in tests -%}
                {%- do missing.append((model.name, test_name)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif -%}

{%- set missing_rows = [] -%}
{%- for model_name, test_name in missing -%}
    {%- do missing_rows.append(
        "select '" ~ model_name ~ "' as model_name, '" ~ test_name ~ "' as missing_test"
    ) -%}
{%- endfor -%}

with missing_tests as (

    {% if missing_rows %}
        {{ missing_rows | join('\nunion all\n') }}
    {% else %}
        select
            cast(null as {{ dbt.type_string() }}) as model_name,
            cast(null as {{ dbt.type_string() }}) as missing_test
        where 1 = 0
    {% endif %}

)

select
    model_name,
    missing_test
from missing_tests
