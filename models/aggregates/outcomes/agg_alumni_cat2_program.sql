{# Exact counts for alumni category 2 (docs: alumni_marts); internal, never exported. #}
{{ alumni_aggregate(2) }}
