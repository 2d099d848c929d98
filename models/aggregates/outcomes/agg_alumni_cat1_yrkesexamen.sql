{# Exact counts for alumni category 1 (docs: alumni_marts); internal, never exported. #}
{{ alumni_aggregate(1) }}
