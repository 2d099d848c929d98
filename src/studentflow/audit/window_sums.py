"""The attacker's side of ``window_sums`` (sdc/linked_tables.yml; the engine's
side: src/studentflow/sdc/window_sums.py; docs/disclosure-control.md section 10).

Everyone a per-year mart counts in a year of a window is in some row of the
window's mart: each year's count <= W, the sum over ``sum_over`` of the
window's cells with the same other dims (a sum over nothing is one window
cell; ``match`` and ``except``: sdc/window_sums.py). The two sides are different
periods, so the audit does not read this as a declared relation (which would
join every window with its six years into one component: the demo audit
then took 6 minutes, not 35 s). It reads it in three steps
(run._attack_windows_first, window_points.py):

1. the windows' components, each W a cell no mart publishes, equal to the
   sum of its cells, with the lower bound L, the largest count of the
   window's years. L is read from the years' exact counts (the internal
   aggregate): an attacker who knows every year's count is stronger than any
   real one, so a window cell this attacker cannot narrow is safe;
2. the years' components, each protected year cell at most the smallest
   value of its sums (:func:`year_bounds`) in one point of the windows
   (window_points.caps);
3. the year cells that narrows, again with their windows' components and
   each year <= W written out (window_points.joint_system).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from studentflow.audit.manifest import Manifest, ManifestError
from studentflow.audit.solving import classify
from studentflow.audit.structure import Cells
from studentflow.sdc import window_sums as declared

LABEL = "window sum: a year's count <= the window's sum"
METHOD = "window sum"


@dataclass
class Sums:
    """The window sums as cells numbered after the published ones."""

    first: int  # the number of published cells: sum j is cell first + j
    table: pd.DataFrame  # per sum: entry, window, keys (texts), floor
    rel: np.ndarray  # the equations W - (its cells) = 0, relation j for sum j
    cell: np.ndarray
    coef: np.ndarray
    windows: dict[int, set[str]]  # per entry: the windows with cells loaded

    def __len__(self) -> int:
        return len(self.table)


def spec_of(manifest: Manifest) -> dict:
    """The parts of the declaration the engine's window_sums functions read."""
    marts = {
        name: {"cells": mart.cells, "population": mart.population}
        for name, mart in manifest.marts.items()
    }
    return {"populations": manifest.populations, "marts": marts}


def entries(manifest: Manifest) -> list[dict]:
    """The declared window sums (each names two declared marts)."""
    found = declared.declarations(spec_of(manifest))
    for entry in found:
        for side in ("window", "years"):
            if entry[side]["mart"] not in manifest.marts:
                raise ManifestError(f"window_sums: mart '{entry[side]['mart']}' is not declared")
        if len(manifest.marts[entry["window"]["mart"]].counts) != 1:
            raise ManifestError(f"window_sums: mart '{entry['window']['mart']}' needs one count")
    return found


def build(con: duckdb.DuckDBPyConnection, manifest: Manifest, cells: Cells) -> Sums:
    """The sums of every declared entry over the window cells loaded in ``cells``."""
    spec, pieces, windows = spec_of(manifest), [], {}
    for index, entry in enumerate(entries(manifest)):
        rows = cells.of_mart(entry["window"]["mart"])
        rows = rows[rows["quantity"] == "count"]
        if not len(rows):
            continue
        on = [declared.window_column(spec, entry), *declared.keys_of(spec, entry)]
        windows[index] = set(rows[on[0]].astype(str))
        grouped = (
            rows[on].astype(str).assign(__cell=rows.index.to_numpy())
            .groupby(on, sort=True)["__cell"].agg(list).reset_index()
        )  # fmt: skip
        found = floors(con, manifest, entry, rows[on[0]]).astype({c: str for c in on})
        grouped = grouped.merge(found, on=on, how="left")
        grouped["floor"] = grouped["floor"].fillna(0).astype(float)
        pieces.append(grouped.assign(entry=index))
    empty = pd.DataFrame({"__cell": [], "floor": [], "entry": []})
    table = pd.concat(pieces, ignore_index=True) if pieces else empty
    members = table.pop("__cell").tolist()
    return as_sums(len(cells), table, members, windows)


def as_sums(first: int, table: pd.DataFrame, members: list, windows: dict) -> Sums:
    """Sums numbered from ``first``, one per row of ``table`` (its ``floor``), each
    equal to its ``members`` (lists of cell numbers)."""
    sizes = np.array([len(m) for m in members], dtype=np.int64)
    rel = np.repeat(np.arange(len(members)), sizes + 1)
    starts = np.cumsum(sizes + 1) - (sizes + 1)  # each sum's own entry
    cell = np.concatenate([[first + j, *m] for j, m in enumerate(members)] or [[]])
    coef = -np.ones(len(cell))
    coef[starts] = 1.0
    return Sums(first, table, rel, cell.astype(np.int64), coef, windows)


def floors(con, manifest: Manifest, entry: dict, windows: pd.Series) -> pd.DataFrame:
    """Per window in ``windows`` and key, the largest exact count of the window's
    years (:func:`studentflow.sdc.window_sums.floors`), from the years mart's
    internal aggregate: the one figure of the attack that is not published."""
    spec, years = spec_of(manifest), manifest.marts[entry["years"]["mart"]]
    named = declared.years_read(spec, entry)
    select = ", ".join(f'cast("{c}" as varchar) as "{c}"' for c in named)
    try:
        exact = con.sql(f'select {select}, n_persons from aggregates."{years.aggregate}"').df()
    except duckdb.Error as error:
        raise ManifestError(
            f"window_sums: the floors need the exact counts of '{years.name}' in "
            f"aggregates.{years.aggregate}: {error}"
        ) from error
    window = declared.window_column(spec, entry)
    frames = {years.name: exact, entry["window"]["mart"]: pd.DataFrame({window: windows.unique()})}
    return declared.floors(spec, entry, frames)


def floors_digest(con, manifest: Manifest, entry: dict, schema: str) -> str:
    """A fingerprint of the entry's floors over the published windows (slices.py:
    the floors are exact counts, so a revised year changes the window's attack
    even where its published rows stay the same)."""
    window = declared.window_column(spec_of(manifest), entry)
    windows = con.sql(
        f'select distinct cast("{window}" as varchar) as w'
        f' from "{schema}"."{entry["window"]["mart"]}"'
    ).df()["w"]
    found = floors(con, manifest, entry, windows)
    text = found.sort_values(list(found.columns)).to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def links(sums: Sums, manifest: Manifest, cells: Cells) -> pd.DataFrame:
    """Each protected year cell (``cell``, its index; ``year``) once per window that
    holds its year and has cells loaded, with the sum of its key there (``sum``, its
    row of ``sums.table``; -1 where the window has no row for the key: the sum is 0
    there)."""
    spec, found = spec_of(manifest), []
    for index, entry in enumerate(entries(manifest)):
        if index not in sums.windows:
            continue
        mine = sums.table[sums.table["entry"] == index]
        window, keys = declared.window_column(spec, entry), declared.keys_of(spec, entry)
        spread = _spread(cells, entry, window, declared.year_columns(spec, entry))
        spread = spread[spread[window].isin(sums.windows[index])]
        known = mine[[window, *keys]].assign(sum=mine.index.to_numpy())
        spread = spread.merge(known, how="left").fillna({"sum": -1})
        found.append(spread[["cell", "year", "sum"]])
    columns = {"cell": np.int64, "year": np.int64, "sum": np.int64}
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    return pd.concat(found, ignore_index=True).astype(columns)


def year_bounds(linked: pd.DataFrame, high: np.ndarray) -> pd.Series:
    """Per protected year cell in ``linked`` (:func:`links`), the smallest value
    ``high`` (per sum) of the sums of the windows holding its year (0 where a
    window has no row for its key)."""
    at = linked["sum"].to_numpy()
    value = np.where(at >= 0, high[np.maximum(at, 0)], 0.0)
    return pd.Series(value, index=linked["cell"].to_numpy()).groupby(level=0).min()


def _spread(cells: Cells, entry: dict, window: str, columns: dict[str, str]) -> pd.DataFrame:
    """Each protected year cell (column ``cell``, its year ``year``) once per window
    that can hold its year (the column ``window``, texts), with its keys (named as
    the window's: ``columns``, declared.year_columns)."""
    years = _year_cells(cells, entry)
    offsets = np.arange(entry["window_years"])
    year = pd.to_numeric(years[entry["year"]].astype(str)).to_numpy(dtype=np.int64)
    starts = np.subtract.outer(year, offsets).ravel()
    spread = years.loc[years.index.repeat(len(offsets)), list(columns.values())].astype(str)
    spread.columns = list(columns)
    year = np.repeat(year, len(offsets))
    return spread.assign(**{window: starts.astype(str)}, cell=spread.index.to_numpy(), year=year)


def _year_cells(cells: Cells, entry: dict) -> pd.DataFrame:
    """The years mart's protected count cells the entry's ``years`` takes
    (declared.selected: its ``where``, less its ``except``)."""
    rows = cells.of_mart(entry["years"]["mart"])
    mask = (rows["quantity"] == "count") & rows["protected"].astype(bool)
    return rows[mask.to_numpy() & declared.selected(rows, entry["years"])]


def tighten(out: pd.DataFrame, bounds: pd.Series, k: int) -> pd.DataFrame:
    """The audit's cell table with each bounded year cell (:func:`year_bounds`)
    naming the window sum among its relations; a cell in no relation (which the
    attack never held, so never bounded) gets its maximum lowered to the bound
    and its status classified again."""
    at = out["cell_index"].map(bounds)
    if not at.notna().any():
        return out
    out = out.copy()
    named = at.notna()
    out.loc[named, "relations"] = (out.loc[named, "relations"] + "; " + LABEL).str.lstrip("; ")
    lower = named & (out["component"] < 0) & (at < out["high"])
    if lower.any():
        out.loc[lower, "high"] = np.floor(at[lower] + 1e-9)
        integer = (out.loc[lower, "quantity"] == "count").to_numpy()
        low, high = (out.loc[lower, c].to_numpy(float) for c in ("low", "high"))
        out.loc[lower, "status"] = classify(low, high, integer, k)
        out.loc[lower, "method"] = METHOD
    return out
