{# Exact counts for alumni category 3 (docs: alumni_marts); internal, never exported. #}
{{ alumni_aggregate(3) }}
