"""Prints counts per mart and writes the worst cases (CSV) and a JSON summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # run.py takes order_keys and LIMIT from here
    from studentflow.audit.run import AuditResult
    from studentflow.audit.slices import SliceResult

STATUSES = ["exact", "small", "mean", "safe"]
DIM_EXCLUDE = {
    "mart",
    "count",
    "quantity",
    "value",
    "protected",
    "lo",
    "hi",
    "cell_index",
    "low",
    "high",
    "status",
    "method",
    "component",
    "relations",
    "true_n",
    "rank",
    "width",
}


def per_mart(cells: pd.DataFrame, kept: list[SliceResult] = ()) -> pd.DataFrame:
    """Protected cells per mart, count column and status, the kept slices' included."""
    # counted on the three columns it needs: a pivot of the whole frame copied every
    # text column of millions of cells
    sizes = cells[["mart", "count", "status"]].groupby(["mart", "count", "status"]).size()
    if kept:
        stored = pd.concat([result.counts for result in kept])
        sizes = pd.concat([sizes, stored.set_index(["mart", "count", "status"])["n"]])
    table = (
        sizes.groupby(level=[0, 1, 2], sort=True)
        .sum()
        .unstack("status")
        .reindex(columns=STATUSES)
        .fillna(0)
        .astype(int)
    )
    table.index.names = ["mart", "count"]
    table.columns.name = "status"
    table.insert(0, "protected", table.sum(axis=1))
    if "true_n" in cells:
        leak = cells["status"].isin(["exact", "small"])
        small_true = cells["true_n"].between(1, cells.attrs.get("k", 5) - 1)
        table["leaked_true_1_to_k-1"] = (
            (cells[leak & small_true].groupby(["mart", "count"]).size())
            .reindex(table.index)
            .fillna(0)
            .astype(int)
        )
    return table.reset_index()


def _dims(row: pd.Series) -> str:
    values = {c: v for c, v in row.items() if c not in DIM_EXCLUDE and pd.notna(v)}
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


LIMIT = 1000  # rows of worst_cases.csv


def order_keys(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The report's order before mart and cell: (width of the proven interval,
    status rank) as np.lexsort keys: leaks first (exact, mean, small), then safe
    cells with the narrowest interval."""
    rank = {"exact": 0, "mean": 1, "small": 2, "safe": 3}
    width = (cells["high"] - cells["low"]).astype(float).fillna(float("inf")).to_numpy(float)
    # ranked per distinct status: a map over millions of texts took 2 s nationally
    codes, statuses = pd.factorize(cells["status"])
    ranks = np.array([rank[status] for status in statuses] + [np.nan], dtype=float)
    return width, ranks[codes]


def first_rows(cells: pd.DataFrame, limit: int = LIMIT) -> pd.DataFrame:
    """The first ``limit`` cells in the report's order (``order_keys``, then mart
    and cell)."""
    # the order on arrays, then only the first rows taken: sorting the whole frame
    # copied every text column of millions of cells
    order = np.lexsort(
        (
            cells["cell_index"].to_numpy(),
            pd.factorize(cells["mart"], sort=True)[0],
            *order_keys(cells),
        )
    )
    return cells.iloc[order[:limit]]


def worst_cases(
    cells: pd.DataFrame, limit: int = LIMIT, kept: list[SliceResult] = ()
) -> pd.DataFrame:
    """The report's first cells, of this audit's and of the kept slices'."""
    frame = first_rows(cells, limit)
    if kept:
        frame = first_rows(pd.concat([frame, *(result.worst for result in kept)]), limit)
    columns = ["mart", "count", "status", "low", "high", "method", "relations"]
    if "true_n" in frame:
        columns.append("true_n")
    out = frame[columns].copy()
    out.insert(2, "cell", [_dims(row) for _, row in frame.iterrows()])
    return out


def summary(result: AuditResult, table: pd.DataFrame) -> dict:
    totals = {status: int(table[status].sum()) for status in STATUSES}
    return {
        "k": result.k,
        "failed": result.failed,
        "protected_cells": int(table["protected"].sum()),
        "determined_exactly": totals["exact"],
        "provably_small": totals["small"],
        "means_derivable": totals["mean"],
        "safe": totals["safe"],
        "undeclared_marts": result.undeclared,
        "inferred_additive_dims": result.inferred,
        "inconsistencies": result.inconsistent,
        "components": result.n_components + sum(kept.components for kept in result.kept),
        "lp_solves": result.n_lp,
        "components_reused": result.n_reused,
        "slices": result.n_slices,
        "slices_kept": len(result.kept),
        "seconds": round(result.seconds, 1),
        "per_mart": table.to_dict(orient="records"),
        # None: no last release given (last_release.py)
        "revealed_by_last_release": result.revealed,
    }


def write(
    result: AuditResult,
    out_dir: Path,
    cells: pd.DataFrame | None = None,
    checks: dict | None = None,
) -> dict:
    cells = result.cells if cells is None else cells
    cells.attrs["k"] = result.k
    out_dir.mkdir(parents=True, exist_ok=True)
    table = per_mart(cells, result.kept)
    worst_cases(cells, kept=result.kept).to_csv(out_dir / "worst_cases.csv", index=False)
    data = summary(result, table)
    if checks is not None:
        data["scored_against_exact_aggregates"] = checks
    (out_dir / "summary.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return data


def render(result: AuditResult, data: dict) -> str:
    table = pd.DataFrame(data["per_mart"])
    lines = [table.to_string(index=False), ""]
    lines.append(
        f"protected {data['protected_cells']}, determined exactly {data['determined_exactly']}, "
        f"provably 1..{result.k - 1} {data['provably_small']}, means derivable "
        f"{data['means_derivable']} ({data['components']} components, {data['lp_solves']} LPs, "
        f"{data['components_reused']} components' LPs reused, {data['seconds']} s)"
    )
    if result.revealed is not None:
        lines.append(
            f"with the last release: {result.revealed} protected cells it published with "
            "their count now are known (not counted as protected)"
        )
    for mart in result.undeclared:
        lines.append(f"FAIL: published mart {mart} is not declared in sdc/linked_tables.yml")
    for text in result.inconsistent:
        lines.append(f"FAIL: {text}")
    for name in result.inferred:
        lines.append(f"note: {name} holds the total label but is not declared; treated as additive")
    if "scored_against_exact_aggregates" in data:
        lines.append(f"scored: {json.dumps(data['scored_against_exact_aggregates'])}")
    leaks = result.leaks
    for _, row in leaks.head(10).iterrows():
        lines.append(
            f"LEAK {row['status']}: {row['mart']}.{row['count']} {_dims(row)} in "
            f"[{row['low']:g}, {row['high']:g}] via {row['relations'] or 'its own row'}"
        )
    lines.append("audit: FAILED" if result.failed else "audit: passed")
    return "\n".join(lines)
