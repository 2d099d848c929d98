{# Published alumni follow-up, category 2 (docs: alumni_marts). #}
{{ alumni_mart(2, 'agg_alumni_cat2_program') }}
