{# Published alumni follow-up, category 3 (docs: alumni_marts). #}
{{ alumni_mart(3, 'agg_alumni_cat3_huvudomrade') }}
