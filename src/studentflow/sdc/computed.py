"""Relations the engine computes from figures the yml names, added to a
structure: sums of cells that no mart publishes, as hidden variables with a
public floor (a window's sum below the counts of its years, window_sums.py; a
run of bands holding at least the persons the quartiles put there,
quantile_bounds.py), the employed of a cell's rows by income slice as hidden
variables of their own (quantile_slices.py), and a cell within the bands above
its public threshold (threshold_bands.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studentflow.sdc import quantile_bounds, quantile_slices, threshold_bands, window_sums
from studentflow.sdc.cells import StructureError


def added(spec: dict, found, mart_cells: dict, periods: tuple, computed: dict):
    """(the hidden sums' equations and the threshold bands' inequalities as dicts,
    the window sums' variables, the quantile bounds' variables, the period array
    extended) for the structure's variables ``found`` and each mart's cells (its
    dims and ``__var``) in ``mart_cells``; ``periods``: (per variable its period,
    the period texts, per mart its period dim), as in structure.build_structure;
    ``computed``: per kind ("sums", "bounds", "slices", "thresholds") each entry
    with its figures."""
    period, period_texts, columns = periods
    equations, inequalities, hidden, bounded = [], [], [], []
    for entry, floors in computed.get("sums") or []:
        if entry["window"]["mart"] in mart_cells:
            cells = mart_cells[entry["window"]["mart"]]
            grouped = window_sums.sums(spec, entry, cells, found.values, floors)
            window = window_sums.window_column(spec, entry)
            more, new, period = append(found, grouped, window, period, period_texts)
            equations, hidden = [*equations, *more], [*hidden, *new]
    for entry, floors in computed.get("bounds") or []:
        if entry["mart"] in mart_cells:
            keys = quantile_bounds.keys_of(spec["marts"][entry["mart"]], entry)
            cells = mart_cells[entry["mart"]]
            grouped = quantile_bounds.sums(entry, keys, cells, found.values, floors)
            column = (columns or {}).get(entry["mart"])
            more, new, period = append(found, grouped, column, period, period_texts)
            equations, bounded = [*equations, *more], [*bounded, *new]
    for entry, rows in computed.get("slices") or []:
        if entry["mart"] in mart_cells:
            column = (columns or {}).get(entry["mart"])
            more, less, new, period = _slices(spec, entry, found, mart_cells, rows, column,
                                              (period, period_texts))  # fmt: skip
            equations, inequalities = [*equations, *more], [*inequalities, *less]
            bounded = [*bounded, *new]
    for entry, firsts in computed.get("thresholds") or []:
        if entry["mart"] in mart_cells:
            keys = threshold_bands.keys_of(spec["marts"][entry["mart"]], entry)
            more = threshold_bands.inequalities(entry, keys, mart_cells[entry["mart"]], firsts)
            threshold_bands.check(entry, more, found.values)
            inequalities = [*inequalities, *more]
    return equations, inequalities, hidden, bounded, period


def _slices(spec: dict, entry: dict, found, mart_cells: dict, rows, column, periods):
    """(equations, inequalities, variables, period array) of the entry's income
    slices (quantile_slices.py), each slice a hidden variable at a whole-number
    count that fits its cell's exact counts."""
    period, period_texts = periods
    keys = quantile_slices.cell_keys(spec["marts"][entry["mart"]], entry)
    out = quantile_slices.Written(len(found.values))
    total = spec.get("total_label", "Totalt")
    quantile_slices.relations(entry, total, keys, mart_cells[entry["mart"]], rows, out)
    counts = quantile_slices.exact_counts(out, found.values)
    owners = pd.DataFrame(out.owner, columns=keys) if out.owner else pd.DataFrame(columns=keys)
    grouped = owners.assign(exact=counts, floor=0, members=[[]] * len(counts))
    _, new, period = append(found, grouped, column, period, period_texts)
    return out.equations, out.inequalities, new, period


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


def figures(spec: dict, frames: dict, aggregates: dict, k_magnitude: int) -> dict:
    """Per kind each declared entry with its figures, read before any group is
    built: the window sums' floors from the years' counts (``frames``), the
    quantile bounds' floors from the quartiles of the rows with at least
    ``k_magnitude`` persons and the threshold bands' first bands, both from the
    ``aggregates`` (the frames keep only the counts)."""
    return {
        "sums": [(e, window_sums.floors(spec, e, frames)) for e in window_sums.declarations(spec)],
        "bounds": [(e, _floors(spec, e, aggregates, k_magnitude))
                   for e in quantile_bounds.declarations(spec)],
        "thresholds": [(e, _firsts(spec, e, aggregates))
                       for e in threshold_bands.declarations(spec)],
        "slices": [(e, _quartile_rows(spec, e, aggregates, k_magnitude))
                   for e in quantile_bounds.declarations(spec) if e.get("split")],
    }  # fmt: skip


def _floors(spec: dict, entry: dict, aggregates: dict, k_magnitude: int) -> pd.DataFrame:
    rows, n_column, keys = _rows_with_quartiles(spec, entry, aggregates, k_magnitude)
    return quantile_bounds.floors(entry, keys, rows, n_column)


def _quartile_rows(spec: dict, entry: dict, aggregates: dict, k_magnitude: int) -> pd.DataFrame:
    """The rows with quartiles over at least ``k_magnitude`` persons: the row keys
    (texts), ``n`` (the persons the quartiles are over) and the quartiles, with
    the thresholds (quantile_slices.with_thresholds)."""
    rows, n_column, keys = _rows_with_quartiles(spec, entry, aggregates, k_magnitude)
    quartiles = [f"{entry['measure']}_{suffix}" for suffix in quantile_bounds.QUANTILES]
    rows = rows[rows[quartiles].notna().all(axis=1).to_numpy()]
    out = rows[keys].astype(str).assign(n=rows[n_column].to_numpy())
    for column in quartiles:
        out[column] = rows[column].to_numpy(dtype=float)
    aggregate = aggregates[spec["marts"][entry["mart"]]["aggregate"]]
    out = quantile_slices.with_thresholds(entry, keys, out, aggregate)
    return out.sort_values(keys, ignore_index=True)


def _rows_with_quartiles(spec: dict, entry: dict, aggregates: dict, k_magnitude: int):
    """(the ``of`` rows of at least ``k_magnitude`` persons, the column counting
    them, the row keys)."""
    mart = spec["marts"][entry["mart"]]
    frame = aggregates[mart["aggregate"]]
    n_column = f"{entry['measure']}_n"
    if n_column not in frame:
        raise StructureError(f"quantile_bounds: '{mart['aggregate']}' lacks {n_column}")
    rows = frame[quantile_bounds.of_rows(frame, entry)]
    rows = rows[rows[n_column].to_numpy() >= k_magnitude]
    return rows, n_column, quantile_bounds.keys_of(mart, entry)


def _firsts(spec: dict, entry: dict, aggregates: dict) -> pd.DataFrame:
    mart = spec["marts"][entry["mart"]]
    keys = threshold_bands.keys_of(mart, entry)
    return threshold_bands.firsts(entry, keys, aggregates[mart["aggregate"]])


def _mart(kind: str, entry: dict) -> str:
    """The mart whose structure an entry adds to."""
    return entry["window"]["mart"] if kind == "sums" else entry["mart"]


def of_group(figures: dict, group: dict) -> dict:
    """The entries adding to the group's marts."""
    return {
        kind: [(e, f) for e, f in found if _mart(kind, e) in group["marts"]]
        for kind, found in figures.items()
    }


def hashed(figures: dict, columns: dict[str, str]) -> list:
    """A group's figures as slices_of reads them: (a name, the figures, their
    period column or None); ``columns``: per mart its period dim
    (slices.period_columns)."""
    found = []
    for kind, entries in figures.items():
        for number, (entry, table) in enumerate(entries):
            if kind == "sums":
                column = (entry["window"]["mart"] in columns and table.columns[0]) or None
            else:
                column = columns.get(entry["mart"])
            found.append((f"{kind} {number}", table, column))
    return found


def in_periods(figures: dict, columns: dict, periods: set[str]) -> dict:
    """The figures of the ``periods`` built (all when the group has no periods): a
    quantile bound or threshold band of a kept period has no cells in the
    structure. The window sums' floors are matched to the windows built."""
    if not columns:
        return figures
    return {
        kind: found if kind == "sums"
        else [(e, f[f[columns[e["mart"]]].isin(periods)]) for e, f in found]
        for kind, found in figures.items()
    }  # fmt: skip
