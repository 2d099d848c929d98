"""Sums of cells that no mart publishes, added to a structure as hidden
variables with a public floor: a window's sum below the counts of its years
(window_sums.py), and a run of bands holding at least the persons the
quartiles put there (quantile_bounds.py)."""

from __future__ import annotations

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
            more, new, period = window_sums.append(found, grouped, window, period, period_texts)
            equations, hidden = [*equations, *more], [*hidden, *new]
    for entry, floors in bounds or []:
        if entry["mart"] in mart_cells:
            keys = quantile_bounds.keys_of(spec["marts"][entry["mart"]], entry)
            grouped = quantile_bounds.sums(
                entry, keys, mart_cells[entry["mart"]], found.values, floors
            )
            column = (columns or {}).get(entry["mart"])
            more, new, period = window_sums.append(found, grouped, column, period, period_texts)
            equations, bounded = [*equations, *more], [*bounded, *new]
    return equations, hidden, bounded, period
