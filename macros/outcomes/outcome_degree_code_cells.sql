{#
    Exact cells of analyses 8 and 9 from `facts` (one row per person, degree
    code, window, follow-up and institution, with the flags
    is_institution_degree_code_representative and is_degree_code_representative
    of int_degree_followups_joined). Institution rows count each institution's
    graduates with the degree code (a person with the code from two
    institutions is in both); the national row ('Totalt') counts each person
    once, by their latest such degree. A sum over institutions would count
    that person twice, so the national row is counted from its own persons:
    it is at most the sum of the institution rows, cell by cell (the national
    degree is one of the person's institution degrees).
    persons_unique: each flag keeps one row per person and cell (grain tests
    on int_degree_followups_joined).
#}
{% macro outcome_degree_code_cells(facts) %}
    {%- set dims = ['degree_code', 'window_start_year', 'years_after_graduation', 'institution_code'] -%}
    {%- set institution_facts -%}
        (select * from {{ facts }} where is_institution_degree_code_representative)
    {%- endset -%}
    {%- set national_facts -%}
        (
            select
                person_id,
                degree_code,
                window_start_year,
                years_after_graduation,
                '{{ var('total_label') }}' as institution_code,
                sex,
                category_code
            from {{ facts }}
            where is_degree_code_representative
        )
    {%- endset -%}
    {%- for facts_of_rows in [institution_facts, national_facts] %}
    {% if not loop.first %}union all{% endif %}
    select * from (
        {{ sdc_count_cells(
            from=facts_of_rows,
            dims=dims,
            hierarchies=[['sex'], ['category_code']],
            persons_unique=true,
        ) }}
    ) as cells_{{ loop.index }}
    {%- endfor %}
{% endmacro %}
