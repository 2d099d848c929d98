{#
    Turns an exact aggregate (from sdc_count_cells) into protected figures.
    Method var('sdc_method'):
      suppression - primary (0 < n < k), then secondary suppression:
                    secondary = 'linked' (var sdc_secondary, default): the
                    state of every cell comes from int_sdc_cells_suppressed,
                    decided over all linked marts together
                    (sdc/linked_tables.yml); 'per_mart': passes over this
                    mart's additive relations until stable (leaks across
                    marts; tests and fixtures only); then derived figures;
      cell_key    - every count perturbed from the perturbation table by its
                    cell key (zeros stay zero), shares from perturbed counts.
    Magnitudes (rule 3) need var('sdc_k_magnitude') persons in both methods.

    dims          all columns that identify a cell (the mart's grain)
    additive_dims dims with a var('total_label') member that is the sum of the
                  other members of the same partition (hierarchy levels too)
    share_dim     share = n / n of the row where this dim is the total
    rate_denominator  column of the aggregate with a public denominator
    measures      magnitude measures computed by sdc_count_cells (median and
                  quartiles are published, the mean is not: it is additive)
    secondary     'per_mart' or 'linked' (default: var sdc_secondary), see above
    Output columns: docs/disclosure-control.md.
#}
{% macro sdc_publish(aggregate, dims, additive_dims=[], share_dim=none, rate_denominator=none, measures=[], secondary=none) %}
    {%- set total = var('total_label') -%}
    {%- set k = var('sdc_k') -%}
    {%- set method = var('sdc_method') -%}
    {%- if method not in ['suppression', 'cell_key'] -%}
        {{ exceptions.raise_compiler_error("var sdc_method must be 'suppression' or 'cell_key', got '" ~ method ~ "'") }}
    {%- endif -%}
    {%- set secondary = secondary or var('sdc_secondary') -%}
    {%- if secondary not in ['linked', 'per_mart'] -%}
        {{ exceptions.raise_compiler_error("sdc_publish: secondary must be 'linked' or 'per_mart', got '" ~ secondary ~ "'") }}
    {%- endif -%}
    {%- set linked = method == 'suppression' and secondary == 'linked' -%}
    {#- midpoint shows '2,5' for primary cells, i.e. 'this cell is 1..k-1':
        exactly what linked suppression and the audit exist to hide -#}
    {%- if linked and var('sdc_display') == 'midpoint' and not var('sdc_midpoint_accepted') -%}
        {{ exceptions.raise_compiler_error(
            "sdc_publish(" ~ aggregate ~ "): var sdc_display = 'midpoint' marks every primary cell as 1.."
            ~ (k - 1) ~ ", which sdc_secondary = 'linked' and studentflow audit treat as a leak; use "
            ~ "sdc_display: dots, or set var sdc_midpoint_accepted: true if the publisher accepts it"
            ~ " (docs/disclosure-control.md, section 5a)") }}
    {%- endif -%}
    {%- for dim in additive_dims + ([share_dim] if share_dim else []) -%}
        {%- if dim not in dims -%}
            {{ exceptions.raise_compiler_error("sdc_publish: '" ~ dim ~ "' must also be listed in dims") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set carried = ['rate_denominator_value'] if rate_denominator else [] -%}
    {%- for measure in measures -%}
        {%- for stat in ['n', 'mean', 'p25', 'median', 'p75'] -%}
            {%- do carried.append(measure ~ '_' ~ stat) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set cell_columns = dims + ['n_persons', 'cell_key', 'is_primary', 'is_suppressed'] + carried -%}

    with cells as (

        select
            {%- for dim in dims %}
            {{ dim }},
            {%- endfor %}
            {%- if rate_denominator %}
            {{ rate_denominator }} as rate_denominator_value,
            {%- endif %}
            {%- for column in carried if column != 'rate_denominator_value' %}
            {{ column }},
            {%- endfor %}
            n_persons,
            cell_key,
            {%- if method == 'suppression' %}
            n_persons > 0 and n_persons < {{ k }} as is_primary,
            n_persons > 0 and n_persons < {{ k }} as is_suppressed
            {%- else %}
            false as is_primary,
            false as is_suppressed
            {%- endif %}
        from {{ aggregate }}

    ),

    {%- set state = namespace(previous='cells') %}
    {%- if linked %}

    {#-
        The state decided over all linked marts together. cell_id: every dim
        as 'dim=value', sorted by dim name, joined by '|' - the same text the
        Python model builds. A cell the model does not know stops the build
        (error()), rather than being published unprotected.
    #}
    linked_state as (

        select
            {%- for column in cell_columns if column != 'is_suppressed' %}
            cells.{{ column }},
            {%- endfor %}
            case
                when suppression.cell_id is null
                    then cast(error(
                        'sdc_publish: cell ' || cells.sdc_cell_id || ' of {{ model.name }} is not in '
                        || 'int_sdc_cells_suppressed; declare the mart in sdc/linked_tables.yml'
                    ) as boolean)
                else suppression.is_suppressed or cells.is_primary
            end as is_suppressed
        from (
            select
                *,
                {% for dim in dims | sort -%}
                '{{ dim }}=' || coalesce(cast({{ dim }} as {{ dbt.type_string() }}), '')
                {%- if not loop.last %} || '|' || {% endif %}
                {%- endfor %} as sdc_cell_id
            from cells
        ) as cells
        left join {{ ref('int_sdc_cells_suppressed') }} as suppression
            on
                suppression.mart = '{{ model.name }}'
                and cells.sdc_cell_id = suppression.cell_id

    ),
    {%- set state.previous = 'linked_state' %}
    {%- elif method == 'suppression' %}
    {%- for pass_number in range(1, var('sdc_secondary_passes') + 1) %}
    {%- for dim in additive_dims %}
    {%- set others = dims | reject('equalto', dim) | list %}
    {%- set step = 'secondary_pass_' ~ pass_number ~ '_' ~ dim %}

    {{ step }} as (

        {{ sdc_secondary_step(state.previous, cell_columns, dim, others) }}

    ),
    {%- set state.previous = step %}
    {%- endfor %}
    {%- endfor %}
    {%- endif %}

    counted as (

        select
            flagged.*,
            {%- if method == 'cell_key' %}
            flagged.n_persons + coalesce(ptable.pvalue, 0) as n_published
            {%- else %}
            case when flagged.is_suppressed then null else flagged.n_persons end as n_published
            {%- endif %}
        from {{ state.previous }} as flagged
        {%- if method == 'cell_key' %}
        left join {{ ref('int_sdc_perturbation_table') }} as ptable
            on ptable.pcv = {{ sdc_ckm_pcv('flagged.n_persons') }}
            and ptable.ckey = flagged.cell_key
        {%- endif %}

    ),

    with_denominators as (

        select
            counted.*,
            {%- if share_dim %}
            {%- set others = dims | reject('equalto', share_dim) | list %}
            max(case when {{ share_dim }} = '{{ total }}' then n_published end)
                over (partition by {{ others | join(', ') if others else "'all'" }}) as share_denominator_value,
            -- a row whose share dim has no total row (below the top level of a
            -- rollup) has no share at all: missing, not protected
            max(case when {{ share_dim }} = '{{ total }}' then 1 else 0 end)
                over (partition by {{ others | join(', ') if others else "'all'" }}) = 1 as has_share_total
            {%- else %}
            cast(null as bigint) as share_denominator_value
            {%- endif %}
        from counted

    ),

    protected as (

        select
            {%- for dim in dims %}
            {{ dim }},
            {%- endfor %}
            n_published as n,
            {{ sdc_display_count('n_published', 'is_suppressed', 'is_primary') }} as n_display,
            -- no reason column: 'primär' beside a published total gives cells away
            -- (docs/disclosure-control.md); reasons: agg_sdc_suppression_reasons
            is_suppressed as n_is_suppressed
            {%- if share_dim %},
            {%- set share_ok = "n_published is not null and share_denominator_value >= " ~ k %}
            case when {{ share_ok }} then 1.0 * n_published / share_denominator_value end as share,
            case
                when not has_share_total then '.'
                else {{ sdc_display_share("case when " ~ share_ok ~ " then 1.0 * n_published / share_denominator_value end") }}
            end as share_display,
            has_share_total and not coalesce({{ share_ok }}, false) as share_is_suppressed,
            share_denominator_value as share_denominator
            {%- endif %}
            {%- if rate_denominator %},
            {%- set rate_ok = "n_published is not null and rate_denominator_value >= " ~ k %}
            case when {{ rate_ok }} then 1.0 * n_published / rate_denominator_value end as rate,
            {{ sdc_display_share("case when " ~ rate_ok ~ " then 1.0 * n_published / rate_denominator_value end") }} as rate_display,
            not coalesce({{ rate_ok }}, false) as rate_is_suppressed,
            rate_denominator_value as rate_denominator
            {%- endif %}
            {%- for measure in measures %},
            {%- set magnitude_ok = "n_published >= " ~ var("sdc_k_magnitude") ~ " and " ~ measure ~ "_n >= " ~ var("sdc_k_magnitude") %}
            case when {{ magnitude_ok }} then {{ measure }}_median end as {{ measure }}_median,
            case when {{ magnitude_ok }} then {{ measure }}_p25 end as {{ measure }}_p25,
            case when {{ magnitude_ok }} then {{ measure }}_p75 end as {{ measure }}_p75,
            {#- no mean: n * mean is a sum, additive like a count, so a mean
                beside its total's mean gives a suppressed mean away (docs) #}
            not coalesce({{ magnitude_ok }}, false) as {{ measure }}_is_suppressed
            {%- endfor %}
        from with_denominators

    )

    select * from protected
{% endmacro %}
