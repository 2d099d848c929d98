"""same_cohort before a window has its last follow-up (docs block complete_windows).

A pooled window is published for a follow-up only once all its graduation
years have arrived for it, so each follow-up a window has counts the same
graduates. The engine and the audit used the relation only in windows with
every listed follow-up (1, 3 and 5 years): a window published for 1 and 3
years was two unrelated tables to them, while an attacker who reads the
definitions knows the totals are equal. When the 5-year follow-up arrived
the relation appeared, and last release's figures with this one's determined
cells (benchmarks/results.md, 2026-12-05).
"""

from __future__ import annotations

import pandas as pd
from audit_fixtures import _audit, write_manifest, write_published

from studentflow.sdc.structure import build_structure, cell_id

TOTAL = "Totalt"
COHORT = {
    "kind": "same_cohort",
    "mart": "alumni",
    "column": "years_after_graduation",
    "values": [1, 3, 5],
    "window": "window_start_year",
    "where": {"category_code": TOTAL},
}
SPEC = {
    "version": 1,
    "total_label": TOTAL,
    "populations": {"graduates": {"description": "graduates", "relations": [COHORT]}},
    "marts": {
        "alumni": {
            "population": "graduates",
            "aggregate": "agg_alumni",
            "count": "n",
            "cells": ["window_start_year", "years_after_graduation", "category_code"],
            "additive": ["category_code"],
            "rows": "all",
        }
    },
}
# window 2007 has every follow-up; window 2013 has 1 and 3 years, not yet 5
ROWS = [
    ("2007", "1", TOTAL, 60), ("2007", "1", "ej utvandrad", 50), ("2007", "1", "utvandrad", 10),
    ("2007", "3", TOTAL, 60), ("2007", "3", "ej utvandrad", 45), ("2007", "3", "utvandrad", 15),
    ("2007", "5", TOTAL, 60), ("2007", "5", "ej utvandrad", 40), ("2007", "5", "utvandrad", 20),
    ("2013", "1", TOTAL, 41), ("2013", "1", "ej utvandrad", 38), ("2013", "1", "utvandrad", 3),
    ("2013", "3", TOTAL, 41), ("2013", "3", "ej utvandrad", 39), ("2013", "3", "utvandrad", 2),
]  # fmt: skip
COLUMNS = ["window_start_year", "years_after_graduation", "category_code", "n"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=COLUMNS)


def test_the_engine_ties_the_follow_ups_a_window_has():
    frame = _frame().rename(columns={"n": "n_persons"})
    structure = build_structure(SPEC, {"alumni": frame})
    var = dict(zip(structure.cells["cell_id"], structure.cells["var"], strict=True))
    dims = SPEC["marts"]["alumni"]["cells"]

    def total(window: str, followup: str) -> int:
        row = {"window_start_year": window, "years_after_graduation": followup}
        return var[cell_id({**row, "category_code": TOTAL}, dims)]

    pairs = {frozenset(equation) for equation in structure.equations if len(equation) == 2}
    assert {total("2007", "1"), total("2007", "3")} in pairs
    assert {total("2007", "3"), total("2007", "5")} in pairs
    assert {total("2013", "1"), total("2013", "3")} in pairs


def test_the_audit_solves_a_cell_through_the_follow_ups_a_window_has(tmp_path):
    """Window 2013: the 1-year total (41) is published, the 3-year total is not;
    the 3-year 'ej utvandrad' (39) is. Each follow-up alone leaves the 3-year
    'utvandrad' open; the same cohort makes it 41 - 39 = 2."""
    frame = _frame()
    suppressed = pd.Series(
        [
            (w, y, c)
            in {
                ("2013", "1", "ej utvandrad"),
                ("2013", "1", "utvandrad"),
                ("2013", "3", TOTAL),
                ("2013", "3", "utvandrad"),
            }  # fmt: skip
            for w, y, c, _ in ROWS
        ]
    )
    db = tmp_path / "release.duckdb"
    write_published(db, {"alumni": frame}, {"alumni": suppressed})
    result = _audit(db, write_manifest(tmp_path / "linked.yml", SPEC))
    assert result.failed
    leaked = result.frame.loc[result.leaks["cell_index"]]
    found = zip(leaked["years_after_graduation"].astype(str), leaked["category_code"], strict=True)
    assert ("3", "utvandrad") in set(found)
