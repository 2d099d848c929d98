{# Published alumni follow-up, category 1 (docs: alumni_marts). #}
{{ alumni_mart(1, 'agg_alumni_cat1_yrkesexamen') }}
