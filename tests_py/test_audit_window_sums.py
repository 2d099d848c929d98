"""The audit reads ``window_sums`` (audit/window_sums.py): a year's persons are
all in some institution's row of the window holding the year. Two hand-built
published marts, one window and one year of it, over the same persons."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402
from test_sdc_window_sums import CHOICE, SUMS  # the engine's test declares the same sums

from studentflow.audit import lp, manifest, window_points
from studentflow.audit.__main__ import main as audit_main
from studentflow.audit.components import System

SPEC = {
    "version": 1,
    "total_label": "Totalt",
    "populations": {
        "per_year": {"period": "academic_year"},
        "per_window": {"period": "window_start_year", "window_sums": [SUMS]},
    },
    "marts": {
        "yr": {"population": "per_year", "aggregate": "agg_yr", "count": "n",
               "cells": ["academic_year", "mun"], "additive": ["mun"], "rows": "present_only"},
        "win": {"population": "per_window", "aggregate": "agg_win", "count": "n",
                "cells": ["window_start_year", "institution_code", "mun"], "additive": ["mun"],
                "rows": "present_only"},
    },
}  # fmt: skip

# Window 2013-2018: only institution A has persons from a and d. Its two rows
# are hidden beside its published Totalt 43. The year 2013 publishes d's 40
# and hides a (1) with b (9). Each mart alone: a is 1..42 in the window and
# 1..9 in the year. Knowing that d's 40 of the year are all in A's d row, an
# attacker gets A's a <= 43 - 40 = 3, and the year's a with it (the year's a
# persons are all in A's a row).
WINDOW = [  # institution, mun, count, hidden
    ("A", "a", 1, True), ("A", "d", 42, True), ("A", "Totalt", 43, False),
    ("B", "b", 9, False), ("B", "g", 6, False), ("B", "Totalt", 15, False),
]  # fmt: skip
YEAR = [("a", 1, True), ("b", 9, True), ("d", 40, False), ("g", 6, False), ("Totalt", 56, False)]


def _published(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*columns, "n", "n_is_suppressed"])
    frame["n_display"] = np.where(frame["n_is_suppressed"], "..", frame["n"].astype(str))
    frame["n"] = frame["n"].astype("Int64").mask(frame["n_is_suppressed"])
    return frame


def _warehouse(tmp: Path, window=WINDOW, year=YEAR, dims=("mun",), year_dims=None) -> Path:
    """The two marts as published, and their exact counts as aggregates."""
    window_columns = ["window_start_year", "institution_code", *dims]
    year_columns = ["academic_year", *(dims if year_dims is None else year_dims)]
    win = _published([(2013, *row) for row in window], window_columns)
    yr = _published([(2013, *row) for row in year], year_columns)
    exact = {
        "agg_win": pd.DataFrame(
            [(2013, *row[:-1]) for row in window], columns=[*window_columns, "n_persons"]
        ),
        "agg_yr": pd.DataFrame(
            [(2013, *row[:-1]) for row in year], columns=[*year_columns, "n_persons"]
        ),
    }
    tables = {"published": {"win": win, "yr": yr}, "aggregates": exact}
    return fx.write_warehouse(tmp / "window_sums.duckdb", tables)


def _audited(db: Path, spec: dict = SPEC):
    return fx.audited_and_scored(db, spec)


def _leaks(result) -> set[tuple[str, str, str]]:
    leaks = result.leaks
    return {
        (row["mart"], row["institution_code"] if row["mart"] == "win" else "", row["mun"])
        for _, row in leaks.iterrows()
    }


def test_the_audit_reads_a_year_within_its_window(tmp_path):
    result, checks = _audited(_warehouse(tmp_path))
    assert _leaks(result) == {("win", "A", "a"), ("yr", "", "a")}
    assert set(result.leaks["status"]) == {"small"}
    assert result.leaks["high"].tolist() == [3.0, 3.0]
    # the year's a is bounded through the window's sum, named as such
    year = result.leaks[result.leaks["mart"] == "yr"]
    assert year["relations"].str.contains("window sum").all()
    # the intervals hold the true counts; the sums add no declared relation
    assert checks["intervals_missing_true_count"] == 0
    assert checks["declared_relations_broken_by_exact_counts"] == {}


def test_without_window_sums_each_period_alone_is_safe(tmp_path):
    spec = {
        **SPEC,
        "populations": {**SPEC["populations"], "per_window": {"period": "window_start_year"}},
    }
    result, _ = _audited(_warehouse(tmp_path), spec)
    assert not result.failed


def test_a_window_open_above_passes(tmp_path):
    """A's Totalt hidden too: A's rows have no upper bound, the year's a none from them."""
    window = [(i, m, n, hidden or (i, m) == ("A", "Totalt")) for i, m, n, hidden in WINDOW]
    result, _ = _audited(_warehouse(tmp_path, window=window))
    assert not result.failed, result.leaks


def test_a_window_without_the_place_bounds_its_year_by_zero(tmp_path):
    """No window row for b: no one of b was registered in the window, so the
    year's b is 0, against its row's >= 1: the published figures disagree."""
    window = [row for row in WINDOW if row[1] != "b"]
    window = [(i, m, 6 if (i, m) == ("B", "Totalt") else n, h) for i, m, n, h in window]
    result, _ = _audited(_warehouse(tmp_path, window=window))
    assert ("yr", "", "b") in _leaks(result)


def test_the_floors_need_the_exact_counts(tmp_path):
    db = _warehouse(tmp_path)
    con = duckdb.connect(str(db))
    con.execute("drop table aggregates.agg_yr")
    con.close()
    with pytest.raises(manifest.ManifestError, match="aggregates.agg_yr"):
        _audited(db)


def test_the_cli_fails_on_the_window_leak(tmp_path, capsys):
    db = _warehouse(tmp_path)
    path = fx.write_manifest(tmp_path / "linked_tables.yml", SPEC)
    code = audit_main(["--duckdb", str(db), "--linked-tables", str(path), "--k", "5",
                       "--out", str(tmp_path / "out"), "--no-cache"])  # fmt: skip
    assert code == 1
    assert "window sum" in capsys.readouterr().out


# Relation 1: the year's choice of an institution within its one window row
# (the engine's test_a_years_institution_choice_is_within_its_institutions_window_row,
# as published). A's a (1) and d (42) are hidden beside A's published 43, and the
# year shows the 40 of d who chose A: A's d >= 40, so A's a <= 3, and the year's
# choice of A from a (and its Totalt) with it.
CHOICE_SPEC = {
    **SPEC,
    "populations": {**SPEC["populations"], "per_window": {"period": "window_start_year",
                                                          "window_sums": [CHOICE]}},
    "marts": {
        **SPEC["marts"],
        "yr": {**SPEC["marts"]["yr"], "cells": ["academic_year", "mun", "institution_choice_code"],
               "additive": ["institution_choice_code"]},
    },
}  # fmt: skip
CHOICE_WINDOW = [  # institution, mun, count, hidden
    ("A", "a", 1, True), ("A", "d", 42, True), ("A", "Totalt", 43, False),
    ("B", "d", 30, False), ("B", "g", 6, False), ("B", "Totalt", 36, False),
]  # fmt: skip
CHOICE_YEAR = [  # mun, institution chosen, count, hidden
    ("a", "A", 1, True), ("a", "Totalt", 1, True), ("d", "A", 40, False), ("d", "B", 25, False),
    ("d", "Övriga", 7, False), ("d", "Totalt", 72, False), ("g", "B", 6, False),
    ("g", "Totalt", 6, False),
]  # fmt: skip


def _choice_leaks(spec: dict, tmp: Path) -> set[tuple[str, str, str]]:
    db = _warehouse(tmp, CHOICE_WINDOW, CHOICE_YEAR, year_dims=("mun", "institution_choice_code"))
    result, checks = _audited(db, spec)
    assert checks["intervals_missing_true_count"] == 0
    leaks = result.leaks.astype({"institution_code": object, "institution_choice_code": object})
    chosen = leaks["institution_code"].fillna(leaks["institution_choice_code"])
    return set(zip(leaks["mart"], chosen, leaks["mun"], strict=True))


def test_the_audit_reads_a_years_choice_within_its_institutions_window_row(tmp_path):
    assert _choice_leaks(CHOICE_SPEC, tmp_path) == {
        ("win", "A", "a"), ("yr", "A", "a"), ("yr", "Totalt", "a"),
    }  # fmt: skip
    populations = {**CHOICE_SPEC["populations"], "per_window": {"period": "window_start_year"}}
    unaware = {**CHOICE_SPEC, "populations": populations}
    assert _choice_leaks(unaware, tmp_path) == set()


# Two places lifted together (docs/disclosure-control.md section 10): the year's
# hidden 2x2 (K a, M b = x; K b, M a = 7 - x) moves both diagonal cells at once.
# In the window only institution A has K a and M b, hidden, with its total 6
# published: their sums are A's K a and 6 minus it. Each sum alone reaches 5, so
# the year's x reaches k through either; together x <= A's K a and x <= 6 - A's
# K a, so x is 1..3.
SEXED_SPEC = {
    **SPEC,
    "marts": {
        name: {**mart, "cells": [*mart["cells"][:-1], "sex", "mun"], "additive": ["sex", "mun"]}
        for name, mart in SPEC["marts"].items()
    },
}
SEXED_WINDOW = [  # institution, sex, mun, count, hidden
    ("A", "K", "a", 3, True), ("A", "K", "Totalt", 3, True), ("A", "M", "b", 3, True),
    ("A", "M", "Totalt", 3, True), ("A", "Totalt", "a", 3, True), ("A", "Totalt", "b", 3, True),
    ("A", "Totalt", "Totalt", 6, False),
    ("B", "K", "b", 10, False), ("B", "M", "a", 10, False), ("B", "K", "Totalt", 10, False),
    ("B", "M", "Totalt", 10, False), ("B", "Totalt", "a", 10, False),
    ("B", "Totalt", "b", 10, False), ("B", "Totalt", "Totalt", 20, False),
]  # fmt: skip
SEXED_YEAR = [
    ("K", "a", 1, True), ("K", "b", 6, True), ("M", "a", 6, True), ("M", "b", 1, True),
    ("K", "Totalt", 7, False), ("M", "Totalt", 7, False), ("Totalt", "a", 7, False),
    ("Totalt", "b", 7, False), ("Totalt", "Totalt", 14, False),
]  # fmt: skip


def test_a_year_lifting_two_places_needs_both_sums_at_once(tmp_path):
    db = _warehouse(tmp_path, SEXED_WINDOW, SEXED_YEAR, dims=("sex", "mun"))
    result, checks = _audited(db, SEXED_SPEC)
    leaks = result.leaks
    found = set(zip(leaks["mart"], leaks["sex"], leaks["mun"], strict=True))
    assert found == {("yr", "K", "a"), ("yr", "M", "b")}
    assert set(leaks["status"]) == {"small"}
    assert leaks["high"].tolist() == [3.0, 3.0]
    assert leaks["relations"].str.contains("window sum").all()
    assert checks["intervals_missing_true_count"] == 0


def test_a_window_free_to_lift_both_places_passes(tmp_path):
    """A's total hidden too: its sums rise together, and the year's x reaches k."""
    window = [(*row[:-1], row[-1] or row[0] == "A") for row in SEXED_WINDOW]
    db = _warehouse(tmp_path, window, SEXED_YEAR, dims=("sex", "mun"))
    result, _ = _audited(db, SEXED_SPEC)
    assert not result.failed, result.leaks


def test_one_point_lifts_every_sum_at_once():
    """Two sums W1 + W2 <= 10 with floors 1: the point gives W1 its cap 3 and W2
    its cap 4 together (maximising each alone could give one all 9)."""
    a = sparse.csr_matrix(np.array([[1.0, 1.0]]))
    point = lp.capped_point(a, np.array([10.0]), np.array([False]), np.ones(2),
                            np.full(2, np.inf), np.array([3.0, 4.0]))  # fmt: skip
    assert point[0] >= 3 - 1e-9 and point[1] >= 4 - 1e-9
    assert point.sum() <= 10 + 1e-9


def test_the_window_point_lifts_each_sum_towards_its_floor_plus_k_minus_1():
    """caps (k = 5): columns W1, W2, c1, c2 with W1 = c1 + c2, W2 = c1 and c1 + c2 = 6
    published, floors W1 >= 2 and W2 >= 1, each c >= 1. W1 is 6 at any point; W2 = c1
    reaches its cap 1 + 4 = 5 (c2 keeps 1)."""
    windows = System(
        a=sparse.csr_matrix(np.array([[1.0, 0, -1, -1], [0, 1, -1, 0], [0, 0, 1, 1]])),
        b=np.array([0.0, 0.0, 6.0]), eq=np.ones(3, dtype=bool),
        cells=np.array([10, 11, 0, 1]), lo=np.array([2.0, 1.0, 1.0, 1.0]),
        hi=np.full(4, np.inf), labels=["W1", "W2", "published"],
    )  # fmt: skip
    found = window_points.caps(windows, np.array([True, True, False, False]), fx.K)
    assert found == pytest.approx([6.0, 5.0])


def _kept(db: Path, path: Path, out: Path) -> int:
    code = audit_main(["--duckdb", str(db), "--linked-tables", str(path), "--out", str(out)])
    assert code == 0
    return json.loads((out / "summary.json").read_text())["slices_kept"]


def test_a_revised_year_count_audits_its_window_again(tmp_path):
    """A window's attack reads the exact counts of its years: revised, they make
    the window and its years audited again, though no published row changed."""
    window = [(i, m, n, hidden or (i, m) == ("A", "Totalt")) for i, m, n, hidden in WINDOW]
    db = _warehouse(tmp_path, window=window)
    path = fx.write_manifest(tmp_path / "linked_tables.yml", SPEC)
    out = tmp_path / "out"
    assert _kept(db, path, out) == 0
    assert _kept(db, path, out) == 2  # the window and the year, unchanged
    con = duckdb.connect(str(db))
    con.execute("update aggregates.agg_yr set n_persons = 2 where mun = 'a'")  # hidden: 1 -> 2
    con.close()
    assert _kept(db, path, out) == 0
