{#
    The comparison every "mart totals reconcile" test ends with: `published`
    and `expected` are CTEs with (mart_name, total_key, n) and
    (mart_name, total_key, n_expected). Emits the CTE `compared` and the final
    select of the totals that do not reconcile: a published total without an
    expected population, a total that differs by more than the tolerance
    (0 under suppression, the maximum perturbation D under the cell key
    method; suppressed totals, n NULL, are skipped) and an expected total
    missing from its mart (a lost population, not merely a suppressed cell).
    A published n that adds several published counts (everybody = counted +
    left out) names them in `terms_column`: under the cell key method each
    count is perturbed on its own, so the tolerance is D per count.
    Call it after the last CTE, following a comma.
#}
{% macro reconcile_totals(published='published_totals', expected='expected_totals', terms_column=none) -%}
{%- set tolerance = var('sdc_ckm_max_deviation') if var('sdc_method') == 'cell_key' else 0 -%}
compared as (

    select
        {{ published }}.n as n_published,
        {{ expected }}.n_expected,
        {%- if terms_column %}
        {{ published }}.{{ terms_column }} as n_terms,
        {%- endif %}
        {{ published }}.mart_name is not null as is_in_mart,
        coalesce({{ published }}.mart_name, {{ expected }}.mart_name) as mart_name,
        coalesce({{ published }}.total_key, {{ expected }}.total_key) as total_key
    from {{ published }}
    full outer join {{ expected }}
        on
            {{ published }}.mart_name = {{ expected }}.mart_name
            and {{ published }}.total_key = {{ expected }}.total_key

)

select * from compared
where
    n_expected is null
    or (
        n_published is not null
        and abs(n_published - n_expected) > {{ tolerance }}
        {%- if terms_column %} * n_terms{% endif %}
    )
    or not is_in_mart
{%- endmacro %}
