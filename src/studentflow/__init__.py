"""studentflow: Swedish higher-education statistics (recruitment and alumni
follow-up) on dbt + DuckDB."""

__version__ = "0.1.0"
