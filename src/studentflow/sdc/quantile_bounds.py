"""What published quartiles say about band counts (``quantile_bounds`` in
sdc/linked_tables.yml; docs/disclosure-control.md section 10).

A mart row publishes the quartiles of a measure over its persons (the alumni
marts' `inkomst` row: the earned income of the employed) and other rows of the
same cell count everyone by the band the same measure falls in (`inkomstklass`).
A quartile is an order statistic, so it tells how many of the row's persons lie
above or below a band edge, and those persons are in the bands there: a median
of 403 900 over 45 persons puts at least 23 in the bands from 400 000 up.

The quartiles are ``quantile_cont`` (macro sdc_percentile): over N values
sorted x_0 <= ... <= x_{N-1}, the quantile p interpolates between x_lo and x_hi,
lo = floor((N - 1) p), hi = ceil((N - 1) p). So every x_i with i >= hi is at
least the quantile and every x_i with i <= lo at most it. For a run of bands
[edge a, edge b): the persons from index i0 to i1 are in it when x_i0 >= edge a
(i0 = hi of a quantile at or above the edge, or 0 when the run starts at the
lowest band) and x_i1 < edge b (i1 = lo of a quantile below the edge, or N - 1
when the run ends at the highest band): the run's bands hold at least
i1 - i0 + 1 persons. Each pair of published quartiles (or a quartile and an end)
gives one such floor; these are all the counts the quartiles pin down.

Each floor is a hidden sum with a public lower bound (as a window sum,
window_sums.py, but nothing needs it to reach anything): the engine protects
every cell against an attacker who knows it, and the audit reads it
(audit/quantile_bounds.py). The engine takes every row whose measure has at
least ``k_magnitude`` persons, published or not: the quartiles are published
only where the row's count is (macro sdc_publish), which the engine is still
deciding, and a stronger attacker is a safe one to protect against.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from studentflow.sdc import bands
from studentflow.sdc.cells import StructureError

# the quartiles sdc_magnitude_columns computes, by their column suffix
QUANTILES = {"p25": 0.25, "median": 0.5, "p75": 0.75}
NEEDED = ["mart", "measure", "of", "bands"]


def declarations(spec: dict) -> list[dict]:
    """Every population's ``quantile_bounds`` entries, checked (bands.declarations)."""
    return bands.declarations(spec, "quantile_bounds", NEEDED, "of")


def keys_of(mart: dict, entry: dict) -> list[str]:
    """The cell dims a floor is per: the mart's, but those ``of`` fixes."""
    return [dim for dim in mart["cells"] if dim not in entry["of"]]


def runs(n: np.ndarray, quantiles: np.ndarray, lowest: list[float | None]) -> pd.DataFrame:
    """Per row i of ``n`` (persons) and ``quantiles`` (one column per QUANTILES, in
    its order), the runs of bands the quartiles give a floor: columns ``row``,
    ``first``, ``stop`` (band numbers, stop excluded), ``floor`` (> 0). Of two runs
    of a row, one within the other with at least its floor, the outer is left out."""
    edges = np.array([-np.inf if value is None else value for value in lowest], dtype=float)
    n = np.asarray(n, dtype=np.int64)
    rows = np.arange(len(n))
    starts = [(np.zeros(len(n), np.int64), np.zeros(len(n), np.int64), -1.0)]
    ends = [(np.full(len(n), len(edges), np.int64), n - 1, 2.0)]
    for column, p in enumerate(QUANTILES.values()):
        position = (n - 1) * p
        value = np.asarray(quantiles[:, column], dtype=float)
        band = np.searchsorted(edges, value, side="right")
        starts.append((band - 1, np.ceil(position).astype(np.int64), p))
        ends.append((band, np.floor(position).astype(np.int64), p))
    pieces = []
    for first, low, p in starts:
        for stop, high, r in ends:
            if p < r:
                pieces.append(pd.DataFrame({"row": rows, "first": first, "stop": stop,
                                            "floor": high - low + 1}))  # fmt: skip
    found = pd.concat(pieces, ignore_index=True)
    found = found[(found["floor"] > 0) & (found["first"] < found["stop"])]
    found = found.groupby(["row", "first", "stop"], as_index=False)["floor"].max()
    return _without_implied(found)


def _without_implied(found: pd.DataFrame) -> pd.DataFrame:
    """``found`` less each run that another run of its row within it implies (its
    floor at most the inner's: band counts are not negative)."""
    pairs = found.merge(found, on="row", suffixes=("", "_in"))
    inner = (
        (pairs["first_in"] >= pairs["first"])
        & (pairs["stop_in"] <= pairs["stop"])
        & ((pairs["first_in"] != pairs["first"]) | (pairs["stop_in"] != pairs["stop"]))
        & (pairs["floor_in"] >= pairs["floor"])
    )
    implied = pairs.loc[inner, ["row", "first", "stop"]].drop_duplicates()
    kept = found.merge(implied, how="left", indicator=True)
    return kept[kept["_merge"] == "left_only"].drop(columns="_merge").reset_index(drop=True)


def floors(entry: dict, keys: list[str], rows: pd.DataFrame, n_column: str) -> pd.DataFrame:
    """Per row of ``rows`` (the ``of`` rows: ``keys``, ``n_column`` and the
    measure's quartile columns) with quartiles, its runs' floors: the keys (texts),
    ``first``, ``stop``, ``floor``."""
    columns = [f"{entry['measure']}_{suffix}" for suffix in QUANTILES]
    missing = [c for c in [*keys, n_column, *columns] if c not in rows]
    if missing:
        raise StructureError(f"quantile_bounds: mart '{entry['mart']}' lacks {missing}")
    rows = rows[rows[columns].notna().all(axis=1).to_numpy()].reset_index(drop=True)
    quantiles = rows[columns].to_numpy(dtype=float)
    found = runs(rows[n_column].to_numpy(dtype=np.int64), quantiles,
                 list(entry["bands"]["lowest"].values()))  # fmt: skip
    texts = rows[keys].astype(str).iloc[found["row"].to_numpy()].reset_index(drop=True)
    out = pd.concat([texts, found[["first", "stop", "floor"]]], axis=1)
    # sorted: DuckDB gives an aggregate's rows in no fixed order, and the runs'
    # order is the hidden sums' order of preference (the engine's ties)
    return out.sort_values([*keys, "first", "stop"], ignore_index=True)


def of_rows(frame: pd.DataFrame, entry: dict) -> np.ndarray:
    """The rows of a mart's ``frame`` that carry the quartiles (``of``)."""
    return bands.matching(frame, entry["of"])


def members(entry: dict, keys: list[str], cells: pd.DataFrame, found: pd.DataFrame):
    """Per run of ``found`` (:func:`floors`) whose row is among the mart's ``cells``
    (its dims and ``__var``: a variable or a cell number), its keys, ``floor`` and
    ``members``: the band rows of the run present (lists; a band without a row
    counts 0)."""
    is_band, number = bands.band_rows(cells, entry["bands"])
    counted = (
        cells.loc[is_band, keys]
        .astype(str)
        .assign(__band=number[is_band], __var=cells.loc[is_band, "__var"].to_numpy())
    )
    found = found.reset_index(drop=True)
    sizes = (found["stop"] - found["first"]).to_numpy(dtype=np.int64)
    spread = found.loc[found.index.repeat(sizes), keys].assign(
        __run=np.repeat(np.arange(len(found)), sizes),
        __band=np.repeat(found["first"].to_numpy(dtype=np.int64), sizes) + _ramp(sizes),
    )
    present = spread.merge(counted, on=[*keys, "__band"], how="inner")
    grouped = present.groupby("__run")["__var"].agg(list)
    lists: list[list[int]] = [[] for _ in range(len(found))]
    for run, found_members in zip(grouped.index.tolist(), grouped.tolist(), strict=True):
        lists[run] = [int(v) for v in found_members]
    out = found[[*keys, "floor"]].copy()
    out["members"] = pd.Series(lists, index=out.index, dtype=object)
    return out


def sums(entry: dict, keys: list[str], cells: pd.DataFrame, values, found: pd.DataFrame):
    """The floored sums of the mart's ``cells`` (:func:`members`) with their exact
    counts (``exact``). Stops where a run's bands count fewer than its floor, which
    the definitions rule out (every person the quartiles are over has the
    measure, so a band)."""
    grouped = members(entry, keys, cells, found)
    exact = np.asarray(values, dtype=np.int64)
    grouped["exact"] = [int(exact[m].sum()) if m else 0 for m in grouped["members"]]
    broken = grouped[grouped["exact"] < grouped["floor"]]
    if len(broken):
        first = broken.iloc[0]
        raise StructureError(
            f"quantile_bounds: {len(broken)} runs of bands of '{entry['mart']}' count fewer "
            f"persons than its {entry['measure']} quartiles put there, the first "
            f"{dict(first[keys])}: {first['exact']} < {first['floor']}"
        )
    return grouped


def _ramp(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, concatenated."""
    total = int(sizes.sum())
    return np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
