"""One DuckDB relation per extract, read the way dbt's sources read it.

Parquet is queried in place (typed, columnar: the checks read only the columns they
need).  Text is read once into a temporary table with all columns as text, exactly
like the source's ``read_csv(..., all_varchar=true)``, with DuckDB's rejects table on,
so a short (truncated) line or bytes that are not text become a finding with the
line number instead of an engine error.  ``__row`` is the data row (1 = first row
after the header); for text files the line is ``__row + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from studentflow.sql import sql_text

ROW = "__row"


@dataclass
class Loaded:
    relation: str  # name of a view/table with __row and the delivered columns
    columns: dict[str, str]  # delivered column -> DuckDB type (original spelling)
    rows: int
    rejects: list[tuple[int, str, str]]  # (line, error type, message) of rejected lines


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {
        r[0]: r[1].upper()
        for r in con.execute(f"describe select * from {relation}").fetchall()
        if r[0] != ROW
    }


def load_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> Loaded:
    view = f"x_{name}"
    con.execute(
        f"create or replace temp view {view} as select file_row_number + 1 as {ROW}, "
        f"* exclude (file_row_number) from read_parquet({sql_text(str(path))}, "
        "file_row_number = true)"
    )
    rows = con.execute(f"select count(*) from read_parquet({sql_text(str(path))})").fetchone()[0]
    return Loaded(view, _columns(con, view), rows, [])


def csv_reader(path: Path, delimiter: str, encoding: str) -> str:
    """The same read_csv call as the dbt sources' external_location."""
    return (
        f"read_csv({sql_text(str(path))}, delim={sql_text(delimiter)}, header=true, "
        f"encoding={sql_text(encoding)}, all_varchar=true"
    )


def load_csv(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, delimiter: str, encoding: str
) -> Loaded:
    table = f"x_{name}"
    rejects = f"rejects_{name}"
    scans = f"scans_{name}"
    con.execute(
        f"create or replace temp table {table} as select row_number() over () as {ROW}, * "
        f"from {csv_reader(path, delimiter, encoding)}, store_rejects = true, "
        f"rejects_table = {sql_text(rejects)}, rejects_scan = {sql_text(scans)})"
    )
    bad = con.execute(
        f"select line, error_type, error_message from {rejects} order by line limit 5"
    ).fetchall()
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    return Loaded(table, _columns(con, table), rows, [(int(a), str(b), str(c)) for a, b, c in bad])
