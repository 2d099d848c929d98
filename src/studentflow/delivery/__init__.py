"""Delivery checks: validate a directory of raw register extracts against the input
contract before anything is built (``studentflow check DIR``; dbt's ``on-run-start``
runs the same checks through ``dbt_plugin``).

One module per job: ``contract`` (what the extracts must look like, read from the
source YAML), ``discovery`` (file, format, encoding, BOM, delimiter), ``reading``
(one DuckDB relation per extract), ``schema`` (columns and types), ``keys``
(duplicates), ``orphans``, ``codes``, ``periods``, ``personnummer``, ``report``
(findings, text and JSON) and ``runner`` (runs them in order).
"""

from .runner import Settings, check_delivery

__all__ = ["Settings", "check_delivery"]
