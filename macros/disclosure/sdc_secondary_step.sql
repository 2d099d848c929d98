{#
    One secondary-suppression step for one additive dimension. A relation is a
    partition (all other dims fixed) that has a total row: total = sum of parts,
    one linear equation, so any cell of it - a part or the total - is
    recoverable when it is the only suppressed one. So whenever exactly one
    cell of a relation is suppressed, also suppress the smallest remaining
    part (non-zero first, ties by code); with no part left, the total. This is
    stricter than 'one suppressed part beside a published total': it also
    protects a total suppressed by another relation whose parts are all shown.
    Flags only turn on, so repeated passes converge;
    sdc_no_single_suppressed_part proves the result on every build.
#}
{% macro sdc_secondary_step(previous, cell_columns, dim, others) %}
    {%- set total = var('total_label') -%}
    {%- set partition = others | join(', ') if others else "'all'" -%}
    select
        {%- for column in cell_columns if column != 'is_suppressed' %}
        {{ column }},
        {%- endfor %}
        is_suppressed
        or (
            {{ dim }} <> '{{ total }}'
            and not is_suppressed
            and has_total = 1
            and n_suppressed_cells = 1
            and candidate_rank = 1
        )
        or (
            {{ dim }} = '{{ total }}'
            and not is_suppressed
            and n_suppressed_cells = 1
            and n_open_parts = 0
        ) as is_suppressed
    from (
        select
            {{ previous }}.*,
            max(case when {{ dim }} = '{{ total }}' then 1 else 0 end)
                over (partition by {{ partition }}) as has_total,
            sum(case when is_suppressed then 1 else 0 end)
                over (partition by {{ partition }}) as n_suppressed_cells,
            sum(case when {{ dim }} <> '{{ total }}' and not is_suppressed then 1 else 0 end)
                over (partition by {{ partition }}) as n_open_parts,
            row_number() over (
                partition by {{ partition }},
                    case when {{ dim }} <> '{{ total }}' and not is_suppressed then 0 else 1 end
                order by case when n_persons > 0 then 0 else 1 end, n_persons, {{ dim }}
            ) as candidate_rank
        from {{ previous }}
    ) as relation_state
{% endmacro %}
