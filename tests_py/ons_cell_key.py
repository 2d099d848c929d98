"""ONS's own cell-key-perturbation package (3.x, pinned in constraints.txt) as the
reference for the project's cell key method, plus the project's record key
recomputed outside the database.

ONS's ``create_perturbed_table`` tabulates one set of variables; the project
publishes every total too. ``perturbed_with_totals`` therefore calls ONS once per
grouping set (a total is a table with fewer variables) and labels the dropped
columns. Equality with ONS needs ``threshold=0``: by default ONS blanks counts
below 10 after perturbation, which the project leaves to its own publication
rules.
"""

from __future__ import annotations

import contextlib
import hashlib
import io

import pandas as pd
from cell_key_perturbation.create_perturbed_table import create_perturbed_table


def record_key(person_id: int, seed: str, key_range: int = 256) -> int:
    """The project's record key: first 32 bits of md5(seed || person_id), mod R."""
    digest = hashlib.md5(f"{seed}{person_id}".encode()).hexdigest()
    return int(digest[:8], 16) % key_range


def ons_table(data: pd.DataFrame, tab_vars: list[str], record_key: str, ptable) -> pd.DataFrame:
    """ONS's perturbed frequency table (threshold 0), its progress prints silenced;
    columns: the variables, rs_cv (the exact count), ckey, pcv, pvalue, count."""
    with contextlib.redirect_stdout(io.StringIO()):
        table = create_perturbed_table(
            data=data,
            ptable=ptable[["pcv", "ckey", "pvalue"]].astype(int),
            geog=[],
            tab_vars=tab_vars,
            record_key=record_key,
            threshold=0,
        )
    table = table.rename(columns={"pre_sdc_count": "rs_cv"})
    table["count"] = table["count"].astype(int)
    return table


def pcv(counts: list[int], key_range: int = 256) -> dict[int, int]:
    """The perturbation cell value ONS looks a count up under, read from ONS's own
    output: one cell per count, with that many records."""
    data = pd.DataFrame(
        {
            "cell": [f"n{n:06d}" for n in counts for _ in range(n)],
            "record_key": [0 for n in counts for _ in range(n)],
        }
    )
    ptable = pd.DataFrame(
        [(p, c, 0) for p in range(1, 751) for c in range(key_range)],
        columns=["pcv", "ckey", "pvalue"],
    )
    table = ons_table(data, ["cell"], "record_key", ptable)
    return dict(zip(table["rs_cv"].astype(int), table["pcv"].astype(int), strict=True))


def perturbed_with_totals(
    data: pd.DataFrame,
    hierarchies: list[list[str]],
    record_key: str,
    ptable: pd.DataFrame,
    total_label: str = "Totalt",
) -> pd.DataFrame:
    """ONS perturbation of every cell sdc_count_cells publishes, totals included.

    Each hierarchy (coarse to fine) is rolled up level by level; every
    combination of levels is tabulated by ONS on its own and the dropped columns
    are labelled ``total_label``. The national total (no variable left) is
    tabulated on a constant column, since ONS needs at least one variable.
    """
    grouping_sets: list[list[str]] = [[]]
    for hierarchy in hierarchies:
        grouping_sets = [
            kept + hierarchy[:depth]
            for kept in grouping_sets
            for depth in range(len(hierarchy), -1, -1)
        ]
    all_columns = [column for hierarchy in hierarchies for column in hierarchy]
    frames = []
    for kept in grouping_sets:
        if kept:
            table = ons_table(data, kept, record_key, ptable)
            # only the cells that have persons: combinations of unrelated
            # levels (county 01 x municipality 0305) are not cells of the mart
            table = table[table["rs_cv"] > 0]
        else:
            constant = data.assign(_all=total_label)
            table = ons_table(constant, ["_all"], record_key, ptable).drop(columns="_all")
        for column in all_columns:
            if column not in kept:
                table[column] = total_label
        frames.append(table[all_columns + ["rs_cv", "ckey", "pcv", "pvalue", "count"]])
    return pd.concat(frames, ignore_index=True)
