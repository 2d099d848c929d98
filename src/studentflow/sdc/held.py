"""Last release's decisions, held where a cell's count did not change.

An attacker keeps every release, not only the newest. A cell published last
year with the count it has now is known to the attacker whatever this release
does; suppressing it now hides nothing, and solving around it as if it were
hidden can leave another cell determined by the two releases together (the
demo's update with 2024: 2 071 cells with unchanged counts changed state, and
B with A's published cells determined 1 317 protected cells exactly,
benchmarks/results.md, 2026-12-05). So a component solved again keeps, for
each cell whose count did not change, last release's state: a cell published
then is published now and no protection LP may move it, a cell suppressed then
stays suppressed and, where it can be, undetermined (protect.py,
HELD_EXPOSED). Only new cells and cells whose count changed are decided
afresh (docs/disclosure-control.md, 5a).

A component whose fingerprint did not change keeps its stored decision
(``reuse.py``), which is the same thing: every cell held. The held states are
therefore not part of the fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

NONE = 0  # decided afresh: a new cell, or a count that changed
PUBLISHED = 1  # published last release with this count
SUPPRESSED = 2  # suppressed last release with this count

# what a release's decisions are kept as (int_sdc_cells_suppressed's columns)
COLUMNS = ("mart", "cell_id", "is_suppressed", "n_exact")
# (mart, cell_id) of some cells -> those of them the last release decided (COLUMNS)
Lookup = Callable[[pd.DataFrame], pd.DataFrame]

_PROBE = "sdc_held_probe"


def lookup_in(con, relation: str) -> Lookup:
    """A :data:`Lookup` reading the last release's cells from ``relation`` (a table
    or a table function such as ``read_parquet('...')``) on the DuckDB ``con``."""

    def lookup(cells: pd.DataFrame) -> pd.DataFrame:
        con.register(_PROBE, cells[["mart", "cell_id"]])
        try:
            return con.sql(
                f"select {', '.join(f'last.{column}' for column in COLUMNS)} "
                f"from {_PROBE} as probe join {relation} as last "
                "on last.mart = probe.mart and last.cell_id = probe.cell_id "
                "where last.n_exact is not null"
            ).df()
        finally:
            con.unregister(_PROBE)

    return lookup


def held_states(cells: pd.DataFrame, values: np.ndarray, lookup: Lookup) -> np.ndarray:
    """Per variable (``values``: its count now): NONE, PUBLISHED or SUPPRESSED.

    ``cells`` are the published cells (var, mart, cell_id) of the components to
    solve. A variable is held published when any of its cells was published
    with its count now (the attacker knows that count), else held suppressed
    when any was suppressed with it."""
    held = np.zeros(len(values), dtype=np.int8)
    if cells.empty:
        return held
    last = cells.merge(lookup(cells), on=["mart", "cell_id"], how="inner")
    if last.empty:
        return held
    var = last["var"].to_numpy(dtype=np.int64)
    same = last["n_exact"].to_numpy(dtype=np.int64) == values[var]
    suppressed = last["is_suppressed"].to_numpy(dtype=bool)
    held[var[same & suppressed]] = SUPPRESSED
    held[var[same & ~suppressed]] = PUBLISHED  # after: published wins
    return held


def merged_states(held: np.ndarray, groups: list[list[int]]) -> list[int]:
    """Per group of cells a relation says are equal (``identities.Merged``): held
    published if any cell is, else held suppressed if any cell is."""
    states = held.tolist()
    merged = []
    for group in groups:
        found = {states[cell] for cell in group}
        merged.append(PUBLISHED if PUBLISHED in found else max(found))
    return merged
