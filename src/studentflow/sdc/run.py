"""Entry point for the build: exact aggregates in, suppression state per
published cell out (used by the dbt Python model int_sdc_cells_suppressed)."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from studentflow.processes import TaskPool
from studentflow.sdc import computed, quantile_bounds, threshold_bands
from studentflow.sdc.cells import mart_dims, texts_at
from studentflow.sdc.groups import linked_groups
from studentflow.sdc.held import Lookup
from studentflow.sdc.protect import start_protect
from studentflow.sdc.reuse import StoredSlices, stored_decisions
from studentflow.sdc.slices import Slices, check_within_periods, period_columns, slices_of
from studentflow.sdc.structure import StructureError, build_structure

# the table int_sdc_cells_suppressed writes, in its column order
SCHEMA = pa.schema(
    [
        ("mart", pa.string()),
        ("cell_id", pa.string()),
        ("is_primary", pa.bool_()),
        ("is_suppressed", pa.bool_()),
        ("component_hash", pa.string()),
        ("component_cell", pa.int32()),
        ("component_reused", pa.bool_()),
        ("slice_hash", pa.string()),
        ("n_exact", pa.int64()),
    ]
)
COLUMNS = list(SCHEMA.names)


def align_to_aggregate(mart: dict, columns: list[str]) -> dict:
    """The mart's declaration in the aggregate's column names.

    The yml names the mart's columns; a mart may rename an aggregate column
    (outcome_matching_by_programme publishes category_code as matching_code,
    declared as ``attributes: {matching_code: category_code}``). sdc_publish
    identifies cells by the aggregate's names, so the engine uses those.
    """
    renames = mart.get("attributes") or {}
    to_aggregate = {}
    for dim in mart_dims(mart):
        if dim in columns:
            to_aggregate[dim] = dim
        elif renames.get(dim) in columns:
            to_aggregate[dim] = renames[dim]
        else:
            raise StructureError(
                f"aggregate '{mart.get('aggregate')}' has no column for cell dim '{dim}'"
            )
    aligned = dict(mart)
    aligned["cells"] = [to_aggregate[dim] for dim in mart["cells"]]
    for kind in ("additive", "covering", "parts_within_total"):
        aligned[kind] = [to_aggregate.get(dim, dim) for dim in mart.get(kind) or []]
    aligned["attributes"] = {to_aggregate[dim]: renames.get(dim, dim) for dim in mart_dims(mart)}
    # a relation's `where` names the mart's columns (declared._select)
    aligned["aggregate_columns"] = to_aggregate
    return aligned


def engine_columns(spec: dict, aggregate: str, columns: list[str]) -> list[str]:
    """The columns of an aggregate that the engine reads: the cell dims of every mart
    declared on it (in the aggregate's names) and the count, in the aggregate's order.
    The other columns (labels, shares, medians) are not read into memory."""
    needed = {"n_persons"}
    for mart in spec["marts"].values():
        if mart.get("aggregate") == aggregate:
            needed.update(mart_dims(align_to_aggregate(mart, columns)))
    for entry in quantile_bounds.declarations(spec):
        if spec["marts"][entry["mart"]].get("aggregate") == aggregate:
            measure = entry["measure"]
            needed.update([f"{measure}_n", *(f"{measure}_{q}" for q in quantile_bounds.QUANTILES)])
    for entry in threshold_bands.declarations(spec):
        if spec["marts"][entry["mart"]].get("aggregate") == aggregate:
            needed.add(entry["threshold"])
    return [column for column in columns if column in needed]


def suppress(
    spec: dict,
    aggregates: dict[str, pd.DataFrame],
    k: int,
    workers: int = 1,
    previous: pd.DataFrame | None = None,
    kept: frozenset[str] = frozenset(),
    held: Lookup | None = None,
    k_magnitude: int = 1,
) -> tuple[pd.DataFrame, dict]:
    """(cells, stats): one row per published cell of every declared mart, the
    marts in the spec's order.

    ``aggregates`` maps an aggregate model's name to its exact counts;
    ``workers`` processes solve the independent components (same result);
    ``previous``: the cells of an earlier build (COLUMNS), whose unchanged
    components are kept instead of solved again (same result, ``reuse.py``);
    ``kept``: the slice fingerprints of an earlier build (``slices.py``): a period
    whose fingerprint is among them is not built, and its cells are not in the
    result; ``stats["kept_slices"]`` lists those fingerprints, and
    :func:`with_kept_slices` adds the stored cells;
    ``held``: the last release's cells (``held.py``): a component solved again
    keeps the state of each cell whose count did not change;
    ``k_magnitude``: the persons a row's quartiles need (var sdc_k_magnitude): the
    rows with as many give the floors of ``quantile_bounds``.
    Each group of linked marts (``groups.py``) is built while the workers solve
    the groups before it, largest group first so that the small ones end the run.
    """
    started = time.perf_counter()
    marts, frames = _aligned(spec, aggregates)
    aligned = {**spec, "marts": marts}
    groups = linked_groups(aligned)
    figures = computed.figures(aligned, frames, aggregates, k_magnitude)
    groups.sort(key=lambda group: -sum(len(frames[name]) for name in group["marts"]))
    stored = stored_decisions(previous)
    pending, keeping = [], []
    with TaskPool(workers) as pool:
        settings = _Settings(k, k_magnitude, stored, held, kept, pool)
        for group in groups:
            kept_here, started_here = _start_group(group, frames, figures, settings)
            keeping.extend(kept_here)
            pending.extend(started_here)
        solved = [(cells, *finish()) for cells, finish in pending]
    del pending
    stats = _summed_stats([(relations, result.stats) for _, relations, result in solved])
    parts = [result.cells(cells) for cells, _, result in solved]
    stats["kept_slices"] = sorted(keeping)
    stats["seconds"] = time.perf_counter() - started
    return _in_mart_order(parts, list(marts))[COLUMNS], stats


@dataclass(frozen=True)
class _Settings:
    """What every group of one run is built and solved with (suppress's arguments)."""

    k: int
    k_magnitude: int
    stored: object
    held: Lookup | None
    kept: frozenset[str]
    pool: TaskPool


def _start_group(group: dict, frames: dict, figures: dict, settings: _Settings):
    """(the fingerprints of the group's slices kept, [(its cells, a function that
    waits for the result and returns (the number of relations, the result))]: empty
    when every slice is kept). ``figures``: the computed relations' figures
    (computed.figures)."""
    k, stored, held = settings.k, settings.stored, settings.held
    group_frames = {name: frames[name] for name in group["marts"]}
    mine = computed.of_group(figures, group)
    fingerprinted = ("k", k, "k_magnitude", settings.k_magnitude)
    hashed = computed.hashed(mine, period_columns(group))
    slices = slices_of(group, group_frames, fingerprinted, hashed)
    unchanged = {p for p, h in slices.hashes.items() if h in settings.kept}
    kept_here = [slices.hashes[period] for period in unchanged]
    if unchanged == set(slices.hashes):
        return kept_here, []
    changed = set(slices.hashes) - unchanged
    structure = build_structure(
        group,
        slices.only(group_frames, changed),
        slices.columns or None,
        computed.in_periods(mine, slices.columns, changed),
    )
    check_within_periods(structure, group)
    relations = len(structure.equations) + len(structure.inequalities)
    finish = start_protect(structure, k, settings.pool, stored=stored, held=held)
    return kept_here, [(_sliced_cells(structure, slices), lambda: (relations, finish()))]


def with_kept_slices(cells: pd.DataFrame, stored: StoredSlices | None, kept: list[str]) -> pa.Table:
    """The table the model writes: ``cells`` and the stored cells of the ``kept``
    slices (``suppress``'s ``stats["kept_slices"]``), as Arrow in SCHEMA. The kept
    cells come from the table to the table without a Python object per cell."""
    table = pa.Table.from_pandas(cells[COLUMNS], schema=SCHEMA, preserve_index=False)
    if not kept:
        return table
    if stored is None:
        raise ValueError("slices to keep, but no stored cells to keep them from")
    return pa.concat_tables([table, stored.rows(kept).select(COLUMNS).cast(SCHEMA)])


def _sliced_cells(structure, slices: Slices) -> pd.DataFrame:
    """The structure's cells (mart, cell_id, var), each with its slice's fingerprint."""
    cells = structure.cells
    if structure.period is None:
        (only,) = slices.hashes.values()
        period = np.zeros(len(cells), dtype=np.int64)
        hashes = [only]
    else:
        period = structure.period[cells["var"].to_numpy(dtype=np.int64)]
        hashes = [slices.hashes.get(text) for text in structure.period_texts]  # unused: None
    return cells.assign(
        slice_hash=pd.Series(texts_at(hashes, period).to_pandas(), index=cells.index)
    )


def _aligned(spec: dict, aggregates: dict[str, pd.DataFrame]) -> tuple[dict, dict]:
    """(marts, frames): each mart's declaration in its aggregate's names and the
    columns of the aggregate the engine reads for it."""
    frames, marts = {}, {}
    for name, mart in spec["marts"].items():
        aggregate = mart.get("aggregate")
        if aggregate not in aggregates:
            raise StructureError(
                f"mart '{name}': its aggregate '{aggregate}' is not read by the suppression "
                "model; add a dbt.ref to int_sdc_cells_suppressed.py"
            )
        frame = aggregates[aggregate]
        marts[name] = align_to_aggregate(mart, list(frame.columns))
        frames[name] = frame[mart_dims(marts[name]) + ["n_persons"]]
    return marts, frames


def _summed_stats(groups: list[tuple[int, dict]]) -> dict:
    """The groups' (relations, stats) as one run's stats."""
    stats: dict = defaultdict(float)
    for relations, group in groups:
        for key, value in group.items():
            stats[key] += value
        stats["relations"] += relations
    stats["largest_component"] = max((g.get("largest_component", 0) for _, g in groups), default=0)
    return dict(stats)


def _in_mart_order(parts: list[pd.DataFrame], order: list[str]) -> pd.DataFrame:
    """The groups' cells in one frame, the marts in the spec's order (a group
    holds each of its marts' rows together, as built)."""
    pieces = {}
    for part in parts:
        marts = part["mart"]
        starts = np.flatnonzero(marts.ne(marts.shift()).to_numpy(dtype=bool))
        for first, last in zip(starts, np.r_[starts[1:], len(part)], strict=True):
            pieces[marts.iat[first]] = part.iloc[first:last]
    if not pieces:  # no published cell at all: the empty frame of the cells' columns
        return pd.DataFrame({column: pd.Series(dtype=object) for column in COLUMNS})
    return pd.concat([pieces[name] for name in order if name in pieces], ignore_index=True)
