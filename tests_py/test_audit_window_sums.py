"""The audit reads ``window_sums`` (audit/window_sums.py): a year's persons are
all in some institution's row of the window holding the year. Two hand-built
published marts, one window and one year of it, over the same persons."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402
from test_sdc_window_sums import SUMS  # the engine's test declares the same sums

from studentflow.audit import manifest, window_sums
from studentflow.audit.__main__ import main as audit_main
from studentflow.audit.run import audit, score

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


def _warehouse(tmp: Path, window=WINDOW, year=YEAR) -> Path:
    """The two marts as published, and their exact counts as aggregates."""
    win = _published(
        [(2013, *row) for row in window], ["window_start_year", "institution_code", "mun"]
    )
    yr = _published([(2013, *row) for row in year], ["academic_year", "mun"])
    window_columns = ["window_start_year", "institution_code", "mun", "n_persons"]
    exact = {
        "agg_win": pd.DataFrame([(2013, *row[:3]) for row in window], columns=window_columns),
        "agg_yr": pd.DataFrame(
            [(2013, *row[:2]) for row in year], columns=["academic_year", "mun", "n_persons"]
        ),
    }
    db = tmp / "window_sums.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("create schema published")
    con.execute("create schema aggregates")
    for schema, tables in {"published": {"win": win, "yr": yr}, "aggregates": exact}.items():
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create table {schema}.{name} as select * from frame")
            con.unregister("frame")
    con.close()
    return db


def _audited(db: Path, spec: dict = SPEC):
    path = fx.write_manifest(db.parent / "linked_tables.yml", spec)
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = manifest.load(path)
        result = audit(con, found, fx.K)
        return result, score(con, found, result)[1]
    finally:
        con.close()


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


def test_a_sum_bounded_by_a_witness_alone_is_asked_for_its_maximum(tmp_path, monkeypatch):
    """A sum's first bound is a value some point reaches, not its maximum (a stronger
    attacker). Where that leaves a leak, the audit asks for the maxima: here the
    first bounds are taken down to the floors (a point at the floor exists), which
    pins the year's a to 1; A's rows have no upper bound, so nothing leaks. (On
    the demo's build the bounds 2(L + k) witnesses reach leave no false leak;
    L + 1 left 122.)"""
    window = [(i, m, n, hidden or (i, m) == ("A", "Totalt")) for i, m, n, hidden in WINDOW]
    db = _warehouse(tmp_path, window=window)
    calls = []
    real = window_sums.year_bounds

    def floors_first(sums, high, manifest_, cells, always=False):
        calls.append(high.copy())
        if len(calls) == 1 or always:
            high = np.minimum(high, sums.table["floor"].to_numpy(float))
        return real(sums, high, manifest_, cells)

    monkeypatch.setattr(window_sums, "year_bounds", floors_first)
    result, _ = _audited(db)
    assert not result.failed, result.leaks
    assert len(calls) == 2 and np.isinf(calls[1]).any()
    # taken down on every call, the year's a is pinned, and b (10 - a) with it
    calls.clear()
    monkeypatch.setattr(window_sums, "year_bounds", functools.partial(floors_first, always=True))
    result, _ = _audited(db)
    assert _leaks(result) == {("yr", "", "a"), ("yr", "", "b")}
    assert set(result.leaks["status"]) == {"exact"}


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
