"""Reads the published cells of every declared mart: the attacker's whole input.

Only the `published` schema is read. A cell is one count column of one row:
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

from studentflow.audit.manifest import Manifest, MartSpec

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


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]


def published_marts(con: duckdb.DuckDBPyConnection, schema: str = PUBLISHED) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by 1",
        [schema],
    ).fetchall()
    return [row[0] for row in rows]


def _mart_cells(
    con: duckdb.DuckDBPyConnection, spec: MartSpec, k: int, schema: str
) -> pd.DataFrame:
    columns = _columns(con, schema, spec.name)
    missing = [c for c in spec.cells + list(spec.counts) if c not in columns]
    if missing:
        raise ValueError(f"mart {schema}.{spec.name}: declared columns {missing} are not published")
    frames = []
    for count, extra in spec.counts.items():
        display = f"{count}_display" if f"{count}_display" in columns else None
        flag = f"{count}_is_suppressed" if f"{count}_is_suppressed" in columns else None
        select = [f'cast("{c}" as varchar) as "{c}"' for c in spec.cells]
        select.append(f'"{count}" as value')
        select.append(f'"{display}" as display' if display else "null as display")
        select.append(f'"{flag}" as flag' if flag else "false as flag")
        reason = f"{count}_suppression_reason"
        select.append(f'"{reason}" as reason' if reason in columns else "null as reason")
        order = ", ".join(f'"{c}"' for c in spec.cells)
        frame = con.execute(
            f'select {", ".join(select)} from "{schema}"."{spec.name}" order by {order}'
        ).df()
        for attribute, value in extra.items():
            frame[attribute] = str(value)
        frame["mart"] = spec.name
        frame["count"] = count
        frame["quantity"] = "count"
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    frame["protected"] = frame["value"].isna() | frame["flag"].fillna(False).astype(bool)
    lower = 1.0 if spec.rows == "present_only" else 0.0
    frame["lo"] = np.where(frame["protected"], lower, frame["value"].astype(float))
    frame["hi"] = np.where(frame["protected"], np.inf, frame["value"].astype(float))
    # what a protected row itself gives away: the midpoint display or a published
    # reason marks a primary cell (1..k-1); a secondary one is 0 or >= k, so >= k
    # where the row's existence already says >= 1
    primary = frame["protected"] & ((frame["display"] == MIDPOINT) | (frame["reason"] == PRIMARY))
    frame.loc[primary, "lo"] = 1.0
    frame.loc[primary, "hi"] = float(k - 1)
    secondary = frame["protected"] & (frame["reason"] == SECONDARY) & (frame["lo"] >= 1)
    frame.loc[secondary, "lo"] = float(k)
    frames = [frame.drop(columns=["flag", "display", "reason"])] + _magnitude_sums(
        con, spec, schema
    )
    return pd.concat(frames, ignore_index=True)


def _magnitude_sums(con: duckdb.DuckDBPyConnection, spec: MartSpec, schema: str) -> list:
    """A published mean is a published sum n * mean; a suppressed mean an unknown sum >= 0."""
    frames = []
    order = ", ".join(f'"{c}"' for c in spec.cells)
    for magnitude in spec.magnitudes:
        mean, n = magnitude["mean"], magnitude["n"]
        select = [f'cast("{c}" as varchar) as "{c}"' for c in spec.cells]
        frame = con.execute(
            f'select {", ".join(select)}, "{n}" * "{mean}" as value, "{mean}" is null as flag'
            f' from "{schema}"."{spec.name}" order by {order}'
        ).df()
        frame["value"] = frame["value"].round(6)
        frame["protected"] = frame["flag"] | frame["value"].isna()
        frame["lo"] = np.where(frame["protected"], 0.0, frame["value"])
        frame["hi"] = np.where(frame["protected"], np.inf, frame["value"])
        frame["mart"] = spec.name
        frame["count"] = f"{n}*{mean}"
        frame["quantity"] = f"sum:{mean}"
        frames.append(frame.drop(columns=["flag"]))
    return frames


def load_cells(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    k: int,
    schema: str = PUBLISHED,
    marts: list[str] | None = None,
) -> Cells:
    """Every count cell of the declared marts present in `schema`."""
    present = set(published_marts(con, schema))
    names = [m for m in (marts or sorted(manifest.marts)) if m in present]
    frames = [_mart_cells(con, manifest.marts[name], k, schema) for name in names]
    if not frames:
        raise ValueError(f"no declared mart found in schema {schema}")
    frame = pd.concat(frames, ignore_index=True)
    ends = np.cumsum([len(f) for f in frames])
    spans = {  # marts with cells only, as a mask over the frame would find them
        n: slice(int(e - len(f)), int(e))
        for n, f, e in zip(names, frames, ends, strict=True)
        if len(f)
    }
    return Cells(frame=frame, k=k, spans=spans)
