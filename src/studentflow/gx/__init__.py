"""Great Expectations checks: a second, independent line of validation.

Two families of expectation suites, each run by GX 1.x checkpoints
(data source -> asset -> batch definition -> suite -> validation definition ->
checkpoint):

* ``raw_extracts.<extract>``   - the raw register extracts (docs/raw-extracts.md):
  columns and types, key uniqueness, code lists, plausible ranges.
* ``published_marts.<mart>``   - every table in the DuckDB schema ``published``:
  the disclosure-control guarantees (docs/disclosure-control.md).

The data reaches GX as pandas DataFrames: raw Parquet/CSV read by an in-memory
DuckDB, marts read from the warehouse opened ``read_only=True`` after
``dbt build``. GX's own SQLAlchemy path to DuckDB (duckdb-engine) is never used
(it fails inside metric resolution: GX issues 10738, 11579), and nothing here
may run from a dbt hook (the warehouse lock).

Run::

    python -m studentflow.gx --raw-dir data/raw \\
        --duckdb data/warehouse/studentflow.duckdb --out target/gx

Results go to ``<out>/summary.md`` (also printed), ``<out>/results.json`` and
the GX data docs under ``<out>/gx/uncommitted/data_docs/local_site/index.html``.
The exit code is 1 when any expectation fails or an input is missing.

Modules, one job each: ``contract`` (the raw contract and limits), ``settings``,
``reading`` (data into pandas), ``raw_expectations``, ``mart_expectations`` (with
``identifier_check``), ``checkpoints`` (running suites, writing results), ``results``
(rows and reports), ``summary`` (text), ``cli``.
"""

from studentflow.gx.checkpoints import make_context, run, run_mart_suites, run_raw_suites, run_suite
from studentflow.gx.cli import build_parser, main, settings_from_args
from studentflow.gx.contract import CODE_LISTS, RAW_CONTRACT, RAW_FORMATS
from studentflow.gx.mart_expectations import mart_expectations
from studentflow.gx.raw_expectations import raw_expectations
from studentflow.gx.reading import LoadedExtract, read_published_marts, read_raw_extract
from studentflow.gx.results import CheckRow, SuiteReport
from studentflow.gx.settings import Settings, load_seed_codes, read_dbt_vars
from studentflow.gx.summary import render_console, render_summary

__all__ = [
    "CODE_LISTS",
    "RAW_CONTRACT",
    "RAW_FORMATS",
    "CheckRow",
    "LoadedExtract",
    "Settings",
    "SuiteReport",
    "build_parser",
    "load_seed_codes",
    "main",
    "make_context",
    "mart_expectations",
    "raw_expectations",
    "read_dbt_vars",
    "read_published_marts",
    "read_raw_extract",
    "render_console",
    "render_summary",
    "run",
    "run_mart_suites",
    "run_raw_suites",
    "run_suite",
    "settings_from_args",
]
