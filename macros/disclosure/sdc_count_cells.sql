{#
    Exact cell counts for an internal aggregate, with every total a mart may
    publish. `from` names a relation or CTE holding person-level facts (one row
    per person and finest cell); `dims` are never totalled; each list in
    `hierarchies` is rolled up from fine to coarse to var('total_label').

    Totals are counted from the persons themselves (one grouping set at a
    time, persons made distinct first), so a person in two programmes counts
    once in the institution row and the cell key of a total is the cell key of
    its own persons - the same cell gives the same key in every mart.

    Output: dims, hierarchy columns, n_persons, cell_key (sum of record keys
    mod R, sdc_ckm_key_range()) and per measure <m>_n, <m>_mean, <m>_p25, <m>_median, <m>_p75.
    See docs/disclosure-control.md.
#}
{% macro sdc_count_cells(from, dims, hierarchies=[], measures=[], person_column='person_id') %}
    {%- set total = var('total_label') -%}
    {#- grouping sets: the cartesian product of each hierarchy's roll-up levels -#}
    {%- set state = namespace(sets=[[]]) -%}
    {%- for hierarchy in hierarchies -%}
        {%- set extended = [] -%}
        {%- for kept in state.sets -%}
            {%- for depth in range(hierarchy | length, -1, -1) -%}
                {%- do extended.append(kept + hierarchy[:depth]) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set state.sets = extended -%}
    {%- endfor -%}
    {%- set hierarchy_columns = hierarchies | sum(start=[]) -%}
    {%- set key_range = sdc_ckm_key_range() -%}

    {#- dims, rollup(h1), rollup(h2): the cross product of each hierarchy's levels -#}
    {%- set group_terms = dims | list -%}
    {%- for hierarchy in hierarchies -%}
        {%- do group_terms.append('rollup(' ~ hierarchy | join(', ') ~ ')') -%}
    {%- endfor -%}

    {%- if not measures %}
    {#-
        One scan, one ROLLUP per hierarchy (the grouping sets are their cross
        product; sqlfluff's duckdb dialect cannot parse GROUPING SETS). Persons
        are counted distinct in every set; the cell key is the sum of the
        distinct persons' record keys mod R, taken as
        sum(distinct person * R + record_key) mod R (each person adds a
        value unique to them that is their record key mod R).
    -#}
    select
        {%- for dim in dims %}
        facts.{{ dim }},
        {%- endfor %}
        {%- for column in hierarchy_columns %}
        case when grouping(facts.{{ column }}) = 1 then '{{ total }}' else facts.{{ column }} end as {{ column }},
        {%- endfor %}
        count(distinct facts.{{ person_column }}) as n_persons,
        cast(
            sum(distinct cast(facts.{{ person_column }} as decimal(38, 0)) * {{ key_range }} + coalesce(record_keys.record_key, 0))
            % {{ key_range }} as integer
        ) as cell_key
    from {{ from }} as facts
    left join {{ ref('int_person_record_keys') }} as record_keys
        on facts.{{ person_column }} = record_keys.person_id
    {%- if group_terms %}
    group by {{ group_terms | join(', ') }}
    {%- endif %}
    {%- else %}
    {#- magnitudes need each person's value once per cell: one distinct query per set -#}
    {%- for kept in state.sets %}
    select
        {%- for dim in dims %}
        persons.{{ dim }},
        {%- endfor %}
        {%- for column in hierarchy_columns %}
        {% if column in kept %}persons.{{ column }}{% else %}'{{ total }}'{% endif %} as {{ column }},
        {%- endfor %}
        count(*) as n_persons,
        cast(sum(coalesce(record_keys.record_key, 0)) % {{ key_range }} as integer) as cell_key
        {%- for measure in measures %},
        count(persons.{{ measure }}) as {{ measure }}_n,
        avg(cast(persons.{{ measure }} as double)) as {{ measure }}_mean,
        {{ sdc_percentile('persons.' ~ measure, 0.25) }} as {{ measure }}_p25,
        {{ sdc_percentile('persons.' ~ measure, 0.5) }} as {{ measure }}_median,
        {{ sdc_percentile('persons.' ~ measure, 0.75) }} as {{ measure }}_p75
        {%- endfor %}
    from (
        select
            {%- for column in dims + kept %}
            {{ column }},
            {%- endfor %}
            {%- for measure in measures %}
            max({{ measure }}) as {{ measure }},
            {%- endfor %}
            {{ person_column }}
        from {{ from }}
        group by
            {%- for column in dims + kept %}
            {{ column }},
            {%- endfor %}
            {{ person_column }}
    ) as persons
    left join {{ ref('int_person_record_keys') }} as record_keys
        on persons.{{ person_column }} = record_keys.person_id
    {%- if dims + kept %}
    group by
        {%- for column in dims + kept %}
        persons.{{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- endif %}
{% endmacro %}
