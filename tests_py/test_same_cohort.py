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
import pytest
from audit_fixtures import _audit, write_manifest, write_published

from studentflow.audit import manifest
from studentflow.sdc.cells import cell_id
from studentflow.sdc.structure import StructureError, build_structure

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


# (2026-12-06) same_cohort with `leavers`: a graduate's recruitment municipality
# is fixed, so a municipality's graduates at one follow-up are among its
# graduates at another or among those emigrated by then. 20 graduates of window
# 2013: at 1 year none emigrated (no row: a zero), 17 from 0180 and 3 from 1280;
# at 3 years one from 1280 has emigrated.
MOVERS = {
    **COHORT,
    "where": {"variable": "kommun"},
    "leavers": {"variable": "utvandring", "category_code": "utvandrad"},
}
MOVER_ROWS = [
    ("1", "utvandring", TOTAL, 20), ("1", "utvandring", "ej utvandrad", 20),
    ("1", "kommun", TOTAL, 20), ("1", "kommun", "0180", 17), ("1", "kommun", "1280", 3),
    ("3", "utvandring", TOTAL, 20), ("3", "utvandring", "ej utvandrad", 19),
    ("3", "utvandring", "utvandrad", 1),
    ("3", "kommun", TOTAL, 19), ("3", "kommun", "0180", 17), ("3", "kommun", "1280", 2),
]  # fmt: skip


MOVER_COLUMNS = ["years_after_graduation", "variable", "category_code", "n"]


def _movers_spec(relations: list[dict]) -> dict:
    spec = {**SPEC, "populations": {"graduates": {"relations": relations}}}
    mart = {**SPEC["marts"]["alumni"], "rows": "present_only"}
    mart["cells"] = ["window_start_year", "years_after_graduation", "variable", "category_code"]
    return {**spec, "marts": {"alumni": mart}}


def _movers(n_1280_at_3: int = 2) -> pd.DataFrame:
    frame = pd.DataFrame(MOVER_ROWS, columns=MOVER_COLUMNS).assign(window_start_year="2013")
    frame.loc[frame["category_code"].eq("1280") & frame["years_after_graduation"].eq("3"), "n"] = (
        n_1280_at_3
    )
    return frame[["window_start_year", *MOVER_COLUMNS]]


def test_the_engine_bounds_a_cell_by_the_same_cell_and_the_leavers_at_another_follow_up():
    """Per municipality and ordered pair of follow-ups: at f <= at g + emigrated at
    g, an absent emigrated row a zero. Counts that break it stop the build (a
    1280 graduate cannot appear at 3 years: 4 > 3 + 0). The old engine read
    the relation as equal counts, false where anyone emigrated."""
    dims = _movers_spec([])["marts"]["alumni"]["cells"]
    structure = build_structure(
        _movers_spec([MOVERS]), {"alumni": _movers().rename(columns={"n": "n_persons"})}
    )
    name = dict(zip(structure.cells["var"], structure.cells["cell_id"], strict=True))
    found = {
        tuple(sorted((name[v].split("|", 2)[2], c) for v, c in relation.items()))
        for relation in structure.inequalities
    }

    def cell(followup: str, variable: str, code: str) -> str:
        row = {"years_after_graduation": followup, "variable": variable, "category_code": code}
        return cell_id({"window_start_year": "2013", **row}, dims).split("|", 2)[2]

    for code in ("0180", "1280", TOTAL):
        at_1, at_3 = cell("1", "kommun", code), cell("3", "kommun", code)
        assert (
            tuple(sorted([(at_1, 1.0), (at_3, -1.0), (cell("3", "utvandring", "utvandrad"), -1.0)]))
            in found
        )
        assert tuple(sorted([(at_3, 1.0), (at_1, -1.0)])) in found
    with pytest.raises(StructureError, match=r"population 'graduates'.* \(residual \+1\)"):
        build_structure(
            _movers_spec([MOVERS]),
            {"alumni": _movers(n_1280_at_3=4).rename(columns={"n": "n_persons"})},
        )


@pytest.mark.parametrize(
    ("declared", "status", "low", "high"), [(True, "small", 2.0, 3.0), (False, "safe", 1.0, 18.0)]
)
def test_the_audit_bounds_a_municipality_through_another_follow_up(
    tmp_path, declared, status, low, high
):
    """0180 and 1280 at 3 years are hidden, their total (19) published: alone,
    1280 is 1..18. Its 3 at 1 year less the 1 emigrated makes it at least 2,
    and as no one had emigrated at 1 year, at most 3."""
    frame = _movers()
    hidden = frame["variable"].eq("kommun") & frame["category_code"].isin(["0180", "1280"])
    hidden &= frame["years_after_graduation"].eq("3")
    db = tmp_path / "release.duckdb"
    write_published(db, {"alumni": frame}, {"alumni": hidden.reset_index(drop=True)})
    spec = _movers_spec([MOVERS] if declared else [])
    result = _audit(db, write_manifest(tmp_path / "linked.yml", spec))
    cells = result.cells.set_index(["mart", "years_after_graduation", "category_code"])
    found = cells.loc[("alumni", "3", "1280")]
    assert (found["status"], found["low"], found["high"]) == (status, low, high)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": None}, "leavers needs a same_cohort relation"),
        ({"leavers": ["utvandrad"]}, "leavers needs a same_cohort relation and a mapping"),
        ({"leavers": {"region": "x"}}, "where column 'region' is not a cell dim"),
        ({"leavers": {"category_code": 1.0}}, "value 1.0 of 'category_code' must be a string"),
    ],
)
def test_leavers_the_audit_cannot_read_are_refused(tmp_path, change, message):
    """The engine and the audit would read such a relation apart, or not at all."""
    relation = {**MOVERS, **change}
    if relation["kind"] is None:
        relation = {k: v for k, v in relation.items() if k != "kind"}
        relation.update(total={"mart": "alumni", "where": {}}, parts=[])
    path = write_manifest(tmp_path / "linked.yml", _movers_spec([relation]))
    with pytest.raises(manifest.ManifestError, match=message):
        manifest.load(path)


def test_the_engine_refuses_leavers_on_a_sum_relation():
    relation = {"total": {"mart": "alumni", "where": {}}, "parts": [], "leavers": {"variable": "x"}}
    with pytest.raises(StructureError, match="only same_cohort takes leavers"):
        build_structure(
            _movers_spec([relation]), {"alumni": _movers().rename(columns={"n": "n_persons"})}
        )


def test_an_except_leaves_implied_rows_out_and_needs_leavers(tmp_path):
    """The municipalities' Totalt row is the not emigrated, tied across the
    follow-ups already: leaving it out (`except`) spares the engine relations
    that other relations imply. Without leavers, same_cohort's equal counts
    take no except (neither side would read one)."""
    spec = _movers_spec([{**MOVERS, "except": {"category_code": [TOTAL]}}])
    frame = _movers().rename(columns={"n": "n_persons"})
    structure = build_structure(spec, {"alumni": frame})
    totals = {
        v
        for v, cell in zip(structure.cells["var"], structure.cells["cell_id"], strict=True)
        if "variable=kommun" in cell and "category_code=Totalt" in cell
    }
    assert totals
    assert len(structure.inequalities) == 4
    assert not any(set(relation) & totals for relation in structure.inequalities)
    plain = {k: v for k, v in MOVERS.items() if k != "leavers"}
    with pytest.raises(StructureError, match="same_cohort takes an except only with leavers"):
        build_structure(
            _movers_spec([{**plain, "except": {"category_code": [TOTAL]}}]), {"alumni": frame}
        )
    path = write_manifest(
        tmp_path / "linked.yml", _movers_spec([{**plain, "except": {"category_code": [TOTAL]}}])
    )
    with pytest.raises(manifest.ManifestError, match="takes an except only with leavers"):
        manifest.load(path)
