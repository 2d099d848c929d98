"""Reads the published cells of every declared mart: the attacker's input (but
the floors of window_sums.py).

Only the `published` schema is read here. A cell is one count column of one row:
its mart, count column, dims (the declared cells plus the count column's
extra attributes), the published value, and what the row itself tells an
attacker about a protected value (the lower bound 1 when rows exist only for
non-empty cells; the range 1..k-1 when the midpoint display gives a primary
cell away).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from studentflow import frames
from studentflow.audit.manifest import Manifest, MartSpec
from studentflow.sql import sql_text

PUBLISHED = "published"
MIDPOINT = "2,5"
PRIMARY, SECONDARY = "primär", "sekundär"


@dataclass
class Cells:
    """All published cells, one row each, indexed 0..n-1 in a stable order."""

    frame: pd.DataFrame  # mart, count, dims (dict as tuple), value, protected, lo, hi, + dims
    k: int
    # per mart: its rows (load_cells puts each mart's rows together, so a slice)
    spans: dict[str, slice | np.ndarray] | None = None

    def of_mart(self, name: str) -> pd.DataFrame:
        """The rows of one mart. Selecting them with a mask over all cells copied every
        text column of every mart (nationally 6.7 M cells, about 120 s for the
        relations' 80 selections); a slice copies nothing."""
        return self.frame.iloc[self._mart_spans().get(name, slice(0, 0))]

    def count_rows(self, name: str) -> pd.DataFrame:
        """The rows of one mart that publish a count (not a share, rate or mean)."""
        rows = self.of_mart(name)
        return rows[rows["quantity"] == "count"]

    def marts(self) -> list[str]:
        return list(self._mart_spans())

    def _mart_spans(self) -> dict[str, slice | np.ndarray]:
        if self.spans is None:
            self.spans = _spans(self.frame["mart"])
        return self.spans

    @property
    def protected(self) -> np.ndarray:
        return self.frame["protected"].to_numpy()

    def __len__(self) -> int:
        return len(self.frame)


def _spans(marts: pd.Series) -> dict[str, slice | np.ndarray]:
    """Each mart's rows: a slice where they are together, else their positions."""
    codes, names = pd.factorize(marts)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    spans: dict[str, slice | np.ndarray] = {}
    for i, name in enumerate(names):
        rows = order[bounds[i] : bounds[i + 1]]
        together = rows[-1] - rows[0] + 1 == len(rows)
        spans[str(name)] = slice(int(rows[0]), int(rows[-1]) + 1) if together else rows
    return spans


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]


def aggregate_columns(con: duckdb.DuckDBPyConnection, spec: MartSpec) -> dict[str, str]:
    """Each cell column of the mart -> its column in the mart's aggregate: the mart's
    name (category 2's group_code) where the aggregate has it, else the attribute's
    (outcome_matching_by_programme's matching_code is its aggregate's category_code)."""
    held = set(columns_of(con, "aggregates", spec.aggregate))
    return {c: c if c in held else spec.attribute(c) for c in spec.cells}


def published_marts(con: duckdb.DuckDBPyConnection, schema: str = PUBLISHED) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by 1",
        [schema],
    ).fetchall()
    return [row[0] for row in rows]


def _mart_cells(
    con: duckdb.DuckDBPyConnection, spec: MartSpec, k: int, schema: str, where: str = ""
) -> list:
    """The mart's cells as Arrow tables: one per count column, then one per magnitude.

    The bounds are worked out in the query and the rows fetched as Arrow: pandas'
    conversion of DuckDB's text columns and the NULL columns a concatenation of
    frames with other marts' dims creates took 15 of the national audit's 21 s
    of reading."""
    columns = columns_of(con, schema, spec.name)
    missing = [c for c in spec.cells + list(spec.counts) if c not in columns]
    if missing:
        raise ValueError(f"mart {schema}.{spec.name}: declared columns {missing} are not published")
    dims = [f'cast("{c}" as varchar) as "{c}"' for c in spec.cells]
    order = ", ".join(f'"{c}"' for c in spec.cells)
    tables = []
    for count, extra in spec.counts.items():
        tables.append(
            con.sql(
                f"select {', '.join(dims + _count_columns(spec, count, extra, columns, k))}"
                f' from "{schema}"."{spec.name}" {where} order by {order}'
            ).to_arrow_table()
        )
    return tables + _magnitude_sums(con, spec, schema, where)


def _count_columns(spec: MartSpec, count: str, extra: dict, columns: list[str], k: int):
    """The select list of one count column's cells after its dims: value, the count
    column's extra attributes, mart, count, quantity, protected, lo, hi. A protected
    cell's bounds are what its row itself gives away: the lower bound 1 when rows
    exist only for non-empty cells; the midpoint display or a published reason marks
    a primary cell (1..k-1); a secondary one is 0 or >= k, so >= k where the row's
    existence already says >= 1."""
    value = f'"{count}"'
    display = f'"{count}_display"' if f"{count}_display" in columns else "null"
    flag = f'"{count}_is_suppressed"' if f"{count}_is_suppressed" in columns else "false"
    reason = f"{count}_suppression_reason"
    reason = f'"{reason}"' if reason in columns else "null"
    lower = 1.0 if spec.rows == "present_only" else 0.0
    protected = f"({value} is null or coalesce({flag}, false))"
    primary = f"({protected} and ({display} = '{MIDPOINT}' or {reason} = '{PRIMARY}'))"
    secondary = f"({protected} and {reason} = '{SECONDARY}' and {lower} >= 1)"
    floor = _floor(spec)
    return [
        f"{value} as value",
        *(f'{sql_text(v)} as "{attribute}"' for attribute, v in extra.items()),
        f"{sql_text(spec.name)} as mart",
        f"{sql_text(count)} as count",
        "'count' as quantity",
        f"{protected} as protected",
        f"greatest(case when {primary} then 1.0 when {secondary} then {float(k)}"
        f" when {protected} then {lower} else cast({value} as double) end, {floor}) as lo",
        f"case when {primary} then {float(k - 1)} when {protected} then 'inf'::double"
        f" else cast({value} as double) end as hi",
    ]


def _floor(spec: MartSpec) -> str:
    """The public lower bound the mart's `at_least` gives a row (0 where none does)."""
    cases = []
    for entry in spec.at_least:
        tests = [f'cast("{c}" as varchar) = {sql_text(str(v))}' for c, v in entry["where"].items()]
        tests += [
            f'cast("{c}" as varchar) not in ({", ".join(sql_text(str(v)) for v in values)})'
            for c, values in entry["except"].items()
        ]
        cases.append(f"case when {' and '.join(tests) or 'true'} then {float(entry['value'])} end")
    return f"coalesce(greatest({', '.join(cases)}), 0.0)" if cases else "0.0"


def _magnitude_sums(
    con: duckdb.DuckDBPyConnection, spec: MartSpec, schema: str, where: str = ""
) -> list:
    """A published mean is a published sum n * mean; a suppressed mean an unknown sum >= 0."""
    tables = []
    order = ", ".join(f'"{c}"' for c in spec.cells)
    for magnitude in spec.magnitudes:
        mean, n = magnitude["mean"], magnitude["n"]
        select = [f'cast("{c}" as varchar) as "{c}"' for c in spec.cells]
        value = f'round(cast("{n}" * "{mean}" as double), 6)'
        protected = f'("{mean}" is null or {value} is null)'
        select += [
            f"{value} as value",
            f"{protected} as protected",
            f"case when {protected} then 0.0 else {value} end as lo",
            f"case when {protected} then 'inf'::double else {value} end as hi",
            f"{sql_text(spec.name)} as mart",
            f"{sql_text(f'{n}*{mean}')} as count",
            f"{sql_text(f'sum:{mean}')} as quantity",
        ]
        tables.append(
            con.sql(
                f'select {", ".join(select)} from "{schema}"."{spec.name}" {where} order by {order}'
            ).to_arrow_table()
        )
    return tables


def _periods_where(periods: tuple[str, list[str]] | None) -> str:
    if periods is None:
        return ""
    column, texts = periods
    return f'where cast("{column}" as varchar) in ({", ".join(sql_text(t) for t in texts)})'


def load_cells(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    k: int,
    schema: str = PUBLISHED,
    marts: list[str] | None = None,
    only: dict[str, tuple[str, list[str]] | None] | None = None,
) -> Cells:
    """Every count cell of the declared marts present in `schema`; with ``only``,
    just the marts it names, each in the periods it gives (column, period texts;
    None: every row)."""
    present = set(published_marts(con, schema))
    names = [m for m in (marts or sorted(manifest.marts)) if m in present]
    if only is not None:
        names = [m for m in names if m in only]
    wheres = {name: _periods_where((only or {}).get(name)) for name in names}
    with frames.large_strings(con):
        per_mart = [
            _mart_cells(con, manifest.marts[name], k, schema, wheres[name]) for name in names
        ]
    tables = [table for tables in per_mart for table in tables]
    if not tables:
        raise ValueError(f"no declared mart found in schema {schema}")
    # a dim a mart lacks is NULL for its rows (Arrow's null arrays cost no copy)
    table = pa.concat_tables(tables, promote_options="permissive")
    frame = frames.frame(table)
    sizes = [sum(t.num_rows for t in tables) for tables in per_mart]
    ends = np.cumsum(sizes)
    spans = {  # marts with cells only, as a mask over the frame would find them
        n: slice(int(e - size), int(e))
        for n, size, e in zip(names, sizes, ends, strict=True)
        if size
    }
    return Cells(frame=frame, k=k, spans=spans)
