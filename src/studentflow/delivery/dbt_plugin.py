"""dbt-duckdb plugin: registers ``studentflow_check_delivery(contract, settings)`` on
dbt's DuckDB connection, so the ``on-run-start`` hook (macro ``check_raw_delivery``)
runs exactly the checks of ``studentflow check`` before any source test or model
reads an extract.  Enabled in the profile::

    plugins:
      - module: studentflow.delivery.dbt_plugin

Both arguments are JSON: the contract entries from dbt's graph (the source YAML) and
the settings from dbt's vars.  Returns the report as JSON; the macro raises the
project's message when it has errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from . import contract
from .cache import default_path as default_cache_path
from .runner import Settings, check_delivery

FUNCTION = "studentflow_check_delivery"


def run_check(contract_json: str, settings_json: str) -> str:
    settings = json.loads(settings_json)
    # the real directory, so that a message names the file wherever dbt runs and
    # whatever link or relative path the profile gives
    raw_dir = Path(settings.pop("raw_dir")).resolve()
    report = check_delivery(
        raw_dir,
        contract.from_dict(json.loads(contract_json)),
        Settings.from_dict(settings),
        cache=default_cache_path(),
    )
    return report.to_json()


class Plugin(BasePlugin):
    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        try:
            conn.create_function(
                FUNCTION,
                run_check,
                [duckdb.sqltype("VARCHAR"), duckdb.sqltype("VARCHAR")],
                duckdb.sqltype("VARCHAR"),
                side_effects=True,
            )
        except duckdb.CatalogException:  # already registered on this database
            pass
