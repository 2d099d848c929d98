"""Sums of cells that no mart publishes, added to a structure as hidden
variables with a public floor: a window's sum below the counts of its years
(window_sums.py), and a run of bands holding at least the persons the
quartiles put there (quantile_bounds.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studentflow.sdc import quantile_bounds, window_sums


def added(spec: dict, found, mart_cells: dict, periods: tuple, sums, bounds):
    """(the sums' equations as dicts, the window sums' variables, the quantile
    bounds' variables, the period array extended) for the structure's variables
    ``found`` and each mart's cells (its dims and ``__var``) in ``mart_cells``;
    ``periods``: (per variable its period, the period texts, per mart its period
    dim), as in structure.build_structure."""
    period, period_texts, columns = periods
    equations, hidden, bounded = [], [], []
    for entry, floors in sums or []:
        if entry["window"]["mart"] in mart_cells:
            cells = mart_cells[entry["window"]["mart"]]
            grouped = window_sums.sums(spec, entry, cells, found.values, floors)
            window = window_sums.window_column(spec, entry)
            more, new, period = append(found, grouped, window, period, period_texts)
            equations, hidden = [*equations, *more], [*hidden, *new]
    for entry, floors in bounds or []:
        if entry["mart"] in mart_cells:
            keys = quantile_bounds.keys_of(spec["marts"][entry["mart"]], entry)
            grouped = quantile_bounds.sums(
                entry, keys, mart_cells[entry["mart"]], found.values, floors
            )
            column = (columns or {}).get(entry["mart"])
            more, new, period = append(found, grouped, column, period, period_texts)
            equations, bounded = [*equations, *more], [*bounded, *new]
    return equations, hidden, bounded, period


def append(found, grouped: pd.DataFrame, window: str, period, period_texts: list[str]):
    """Add the sums in ``grouped`` (window_sums.sums, quantile_bounds.sums: each
    sum's ``members``, ``exact`` and ``floor``, its period in the column
    ``window``) to the structure's variables ``found`` as hidden variables:
    (their equations as dicts, their variable numbers, the period array
    extended). A sum's preference order is after
    every cell's (it is never published, so the order only breaks ties)."""
    first = len(found.values)
    new = np.arange(first, first + len(grouped), dtype=np.int64)
    found.values = found.values + grouped["exact"].astype(int).tolist()
    found.present_only = found.present_only + [False] * len(grouped)
    start = int(np.max(found.sort_keys)) + 1 if len(found.sort_keys) else 0
    found.sort_keys = np.r_[found.sort_keys, start + np.arange(len(grouped))].astype(np.int64)
    found.is_total = found.is_total + [0] * len(grouped)
    found.floors = np.r_[found.floors, grouped["floor"].to_numpy(dtype=np.int64)]
    equations = [
        {int(var): 1.0, **{int(member): -1.0 for member in members}}
        for var, members in zip(new.tolist(), grouped["members"], strict=True)
    ]
    if period is not None:
        index = {text: i for i, text in enumerate(period_texts)}
        windows = grouped[window].map(index).to_numpy(dtype=np.int32)
        period = np.r_[period, windows].astype(np.int32)
    return equations, new, period
