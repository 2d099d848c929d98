{# Published alumni follow-up, category 4 (docs: alumni_marts). #}
{{ alumni_mart(4, 'agg_alumni_cat4_forskarutbildning') }}
