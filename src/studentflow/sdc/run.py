"""Entry point for the build: exact aggregates in, suppression state per
published cell out (used by the dbt Python model int_sdc_cells_suppressed)."""

from __future__ import annotations

import pandas as pd

from studentflow.sdc.protect import protect
from studentflow.sdc.reuse import stored_decisions
from studentflow.sdc.structure import StructureError, build_structure, mart_dims

COLUMNS = [
    "mart",
    "cell_id",
    "is_primary",
    "is_suppressed",
    "component_hash",
    "component_cell",
    "component_reused",
]


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
    for kind in ("additive", "covering"):
        aligned[kind] = [to_aggregate[dim] for dim in mart.get(kind) or []]
    aligned["attributes"] = {to_aggregate[dim]: renames.get(dim, dim) for dim in mart_dims(mart)}
    return aligned


def engine_columns(spec: dict, aggregate: str, columns: list[str]) -> list[str]:
    """The columns of an aggregate that the engine reads: the cell dims of every mart
    declared on it (in the aggregate's names) and the count, in the aggregate's order.
    The other columns (labels, shares, medians) are not read into memory."""
    needed = {"n_persons"}
    for mart in spec["marts"].values():
        if mart.get("aggregate") == aggregate:
            needed.update(mart_dims(align_to_aggregate(mart, columns)))
    return [column for column in columns if column in needed]


def suppress(
    spec: dict,
    aggregates: dict[str, pd.DataFrame],
    k: int,
    workers: int = 1,
    previous: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict]:
    """(cells, stats): one row per published cell of every declared mart.

    ``aggregates`` maps an aggregate model's name to its exact counts;
    ``workers`` processes solve the independent components (same result);
    ``previous``: the cells of an earlier build (COLUMNS), whose unchanged
    components are kept instead of solved again (same result, ``reuse.py``).
    """
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
    structure = build_structure({**spec, "marts": marts}, frames)
    result = protect(structure, k, workers=workers, stored=stored_decisions(previous))
    stats = dict(result.stats)
    stats["relations"] = len(structure.equations) + len(structure.inequalities)
    return result.cells(structure)[COLUMNS], stats
