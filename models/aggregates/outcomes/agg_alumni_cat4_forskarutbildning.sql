{# Exact counts for alumni category 4 (docs: alumni_marts); internal, never exported. #}
{{ alumni_aggregate(4) }}
