"""Reference re-implementation of ONS's cell key perturbation, for the tests.

ONS's open-source package `cell-key-perturbation` (github.com/ONSdigital/
cell-key-perturbation, function ``create_perturbed_table`` in
``cell_key_perturbation/create_perturbed_table.py``) perturbs a frequency
table like this:

1. count the records per combination of the tabulated variables (``rs_cv``);
   combinations without records get 0 (pivot table with fill_value 0);
2. cell key ``ckey`` = sum of the cell's record keys modulo (max ckey of the
   ptable + 1), i.e. modulo 256 for record keys 0..255; empty cells get 0;
3. ``pcv`` = rs_cv for rs_cv <= 750, otherwise ((rs_cv - 1) mod 250) + 501, so
   counts above 750 reuse the ptable rows 501..750 cyclically;
4. left join the ptable on (pcv, ckey); no match (e.g. a zero count) gives
   pvalue 0;
5. ``count`` = rs_cv + pvalue.

This module follows those steps in plain pandas (rewritten, not copied: the
original's in-place ``fillna`` on a column no longer works under pandas 3
copy-on-write) so the project's SQL can be compared with it on the same record
keys and the same ptable. It also re-implements the project's record key
(macro sdc_record_key), to show it is reproducible outside the database.
"""

from __future__ import annotations

import hashlib
import itertools

import pandas as pd

PTABLE_MAX_PCV = 750
PTABLE_CYCLE_START = 501
PTABLE_CYCLE_LENGTH = 250


def record_key(person_id: int, seed: str, key_range: int = 256) -> int:
    """The project's record key: first 32 bits of md5(seed || person_id), mod 256."""
    digest = hashlib.md5(f"{seed}{person_id}".encode()).hexdigest()
    return int(digest[:8], 16) % key_range


def pcv(count: int) -> int:
    """ONS's perturbation cell value for a count (step 3)."""
    if count <= PTABLE_MAX_PCV:
        return count
    return ((count - 1) % PTABLE_CYCLE_LENGTH) + PTABLE_CYCLE_START


def create_perturbed_table(
    data: pd.DataFrame,
    geog: list[str],
    tab_vars: list[str],
    record_key: str,
    ptable: pd.DataFrame,
) -> pd.DataFrame:
    """Perturbed frequency table as ONS's create_perturbed_table returns it.

    Columns: the tabulated variables, rs_cv, ckey, pcv, pvalue, count.
    """
    if len(geog) == 0 and len(tab_vars) == 0:
        raise ValueError("No variables for tabulation. Please specify value for geog or tab_vars.")
    if not all(column in ptable.columns for column in ["pcv", "ckey", "pvalue"]):
        raise ValueError("Supplied ptable must contain columns named 'pcv','ckey' and 'pvalue'.")
    variables = list(geog) + list(tab_vars)

    # 1. counts, with every combination of the observed categories (zeros included)
    counts = data.groupby(variables).size().rename("rs_cv").reset_index()
    levels = [sorted(data[variable].dropna().unique()) for variable in variables]
    full = pd.DataFrame(list(itertools.product(*levels)), columns=variables)
    table = full.merge(counts, how="left", on=variables)
    table["rs_cv"] = table["rs_cv"].fillna(0).astype(int)

    # 2. cell keys: sum of record keys modulo (max ckey + 1)
    modulus = int(ptable["ckey"].max()) + 1
    ckeys = data.groupby(variables)[record_key].sum().rename("ckey").reset_index()
    ckeys["ckey"] = ckeys["ckey"] % modulus
    table = table.merge(ckeys, how="left", on=variables)
    table["ckey"] = table["ckey"].fillna(0).astype(int)

    # 3. pcv: counts above 750 cycle through the rows 501..750
    table["pcv"] = table["rs_cv"].map(pcv).astype(int)

    # 4. lookup; no row in the ptable means no perturbation
    lookup = ptable[["pcv", "ckey", "pvalue"]].astype(int)
    table = table.merge(lookup, how="left", on=["pcv", "ckey"])
    table["pvalue"] = table["pvalue"].fillna(0).astype(int)

    # 5. the published count
    table["count"] = table["rs_cv"] + table["pvalue"]
    return table


def perturbed_with_totals(
    data: pd.DataFrame,
    hierarchies: list[list[str]],
    record_key: str,
    ptable: pd.DataFrame,
    total_label: str = "Totalt",
) -> pd.DataFrame:
    """ONS perturbation of every cell sdc_count_cells publishes, totals included.

    Each hierarchy (coarse to fine) is rolled up level by level; every
    combination of levels is tabulated on its own by create_perturbed_table
    (a total is a table with fewer variables) and the dropped columns are
    labelled `total_label`. The national total (no variable left) is tabulated
    on a constant column, since ONS's function needs at least one variable.
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
            table = create_perturbed_table(data, [], kept, record_key, ptable)
            # only the cells that have persons: combinations of unrelated
            # levels (county 01 x municipality 0305) are not cells of the mart
            table = table[table["rs_cv"] > 0]
        else:
            constant = data.assign(_all=total_label)
            table = create_perturbed_table(constant, [], ["_all"], record_key, ptable)
            table = table.drop(columns="_all")
        for column in all_columns:
            if column not in kept:
                table[column] = total_label
        frames.append(table[all_columns + ["rs_cv", "ckey", "pcv", "pvalue", "count"]])
    return pd.concat(frames, ignore_index=True)
