"""`studentflow audit`, the attacker, on hand-built published warehouses.

* the 13-municipality shape of issue 13, protected per mart only: the audit
  finds the cross-mart leak (83 - 73 - 6 = 4) that each mart's own test
  misses; protected over both marts together: nothing found;
* planted leaks: a published reason ('primär' twice beside a total of 8) and
  row existence (a total of 7 over 7 protected rows): the audit fails and
  names the leak;
* determinism: two runs write the same worst cases and summary;
* one test per module (relations, components, bounds, LP).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402

from studentflow.audit import (
    bounds,
    cache,
    components,
    lp,
    manifest,
    relations,
    report,
    run,
    structure,
)
from studentflow.audit.__main__ import main as audit_main
from studentflow.audit.run import audit
from studentflow.audit.solving import classify


def _run(db: Path, manifest_path: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return audit(con, manifest.load(manifest_path), fx.K)
    finally:
        con.close()


@pytest.fixture(scope="module")
def shape(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shape")
    marts = fx.exact_marts(fx.persons())
    return tmp, marts, fx.write_manifest(tmp / "linked_tables.yml")


def test_per_mart_protection_leaks_across_marts(shape):
    tmp, marts, manifest_path = shape
    flags = {name: fx.protect_per_mart(frame, name) for name, frame in marts.items()}
    db = tmp / "per_mart.duckdb"
    fx.write_published(db, marts, flags)
    result = _run(db, manifest_path)
    leaks = result.leaks
    assert result.failed and len(leaks)
    # the cell: men in 0101 with two foreign-born parents, 4 = 83 - 73 - 6
    cell = leaks[
        (leaks["mart"] == "foreign_background")
        & (leaks["municipality_code"] == "0101")
        & (leaks["sex"] == "Män")
        & (leaks["foreign_background_code"] == "inrikes_tva_utrikes")
    ]
    assert len(cell) == 1
    assert cell["status"].iloc[0] == "exact" and cell["low"].iloc[0] == 4
    # ... found through the born-abroad cell (6), published in the transition mart
    cells = result.cells
    link = cells[
        (cells["mart"] == "foreign_background")
        & (cells["municipality_code"] == "0101")
        & (cells["sex"] == "Män")
        & (cells["foreign_background_code"] == "utrikes_fodd")
    ]
    assert link["relations"].str.contains("common cell").all() and len(link) == 1
    # each mart alone (no link between them) shows no such leak: the link is the cause
    for name in marts:
        alone = fx.MANIFEST | {"marts": {name: fx.MANIFEST["marts"][name]}}
        alone_path = fx.write_manifest(tmp / f"alone_{name}.yml", alone)
        con = duckdb.connect(str(db), read_only=True)
        single = audit(con, manifest.load(alone_path), fx.K, marts=[name])
        con.close()
        assert single.leaks.empty, name


def test_linked_protection_passes(shape):
    tmp, marts, manifest_path = shape
    flags = fx.protect_linked(tmp, marts, manifest_path)
    db = tmp / "linked.duckdb"
    fx.write_published(db, marts, flags)
    result = _run(db, manifest_path)
    assert not result.failed
    assert len(result.cells) > 0 and (result.cells["status"] == "safe").all()


def _values(column: pd.Series) -> list:
    return column.astype(object).where(column.notna(), None).tolist()


def test_cell_table_rows_hold_their_published_values(shape):
    """Each protected cell's row in the audit's table reads as its own published row,
    NULL dims of the other mart included (the texts are taken as categories)."""
    tmp, marts, manifest_path = shape
    db = tmp / "linked_rows.duckdb"
    fx.write_published(db, marts, fx.protect_linked(tmp, marts, manifest_path))
    result = _run(db, manifest_path)
    cells, frame = result.cells, result.frame
    assert result.cells["mart"].nunique() == 2 and len(cells) < len(frame)
    published = frame.iloc[cells["cell_index"].to_numpy()].reset_index(drop=True)
    assert list(cells.columns[: len(frame.columns)]) == list(frame.columns)
    for name in frame.columns:
        assert _values(cells[name]) == _values(published[name]), name


def _single_mart(tmp: Path, rows: list[tuple], reasons: bool, rows_kind: str) -> tuple[Path, Path]:
    """One mart 'planted' (region x category), count n, optionally with reasons."""
    frame = pd.DataFrame(rows, columns=["region", "category", "n", "reason"])
    frame["n_is_suppressed"] = frame["reason"].notna()
    frame["n_display"] = np.where(frame["n_is_suppressed"], "..", frame["n"].astype(str))
    frame["n"] = frame["n"].astype("Int64").mask(frame["n_is_suppressed"])
    if reasons:
        frame = frame.rename(columns={"reason": "n_suppression_reason"})
    else:
        frame = frame.drop(columns=["reason"])
    db = tmp / "planted.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("create schema published")
    con.register("frame", frame)
    con.execute("create table published.planted as select * from frame")
    con.close()
    spec = {
        "version": 1,
        "total_label": "Totalt",
        "populations": {"p": {"description": "planted"}},
        "marts": {
            "planted": {
                "population": "p",
                "aggregate": "agg_planted",
                "count": "n",
                "cells": ["region", "category"],
                "additive": ["category"],
                "rows": rows_kind,
            }
        },
    }
    return db, fx.write_manifest(tmp / "planted.yml", spec)


def test_planted_reason_label_leak_is_named(tmp_path, capsys):
    db, manifest_path = _single_mart(
        tmp_path,
        [("A", "Totalt", 8, None), ("A", "x", 4, "primär"), ("A", "y", 4, "primär")],
        reasons=True,
        rows_kind="all",
    )
    code = audit_main(
        ["--duckdb", str(db), "--linked-tables", str(manifest_path), "--k", "5",
         "--out", str(tmp_path / "out")]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 1
    assert "LEAK exact: planted.n" in printed and '"category": "x"' in printed
    assert "[4, 4]" in printed
    # the same mart without the reason column: the two cells are 1..7, nothing leaks
    db, manifest_path = _single_mart(
        tmp_path,
        [("A", "Totalt", 8, None), ("A", "x", 4, "primär"), ("A", "y", 4, "primär")],
        reasons=False,
        rows_kind="all",
    )
    assert not _run(db, manifest_path).failed


def test_planted_row_existence_leak_is_named(tmp_path):
    rows = [("A", "Totalt", 7, None)] + [("A", f"m{i}", 1, "primär") for i in range(7)]
    db, manifest_path = _single_mart(tmp_path, rows, reasons=False, rows_kind="present_only")
    result = _run(db, manifest_path)
    assert result.failed
    assert set(result.leaks["status"]) == {"exact"} and len(result.leaks) == 7
    assert (result.leaks["low"] == 1).all() and (result.leaks["high"] == 1).all()
    assert result.leaks["relations"].str.contains("planted: category additive").all()
    # with zeros published as rows (rows: all) the seven cells could be 0..7: no leak
    db, manifest_path = _single_mart(tmp_path, rows, reasons=False, rows_kind="all")
    assert not _run(db, manifest_path).failed


def _two_years(db: Path, grow: int = 0) -> Path:
    """Both marts over two years (two components with LPs), protected per mart;
    ``grow`` persons more in the largest group of the second year (a revision that
    keeps every small cell and the suppression pattern, changing published figures)."""
    fines = [fx.persons(13), fx.persons(14)]
    fines[1].loc[fines[1]["n"].idxmax(), "n"] += grow
    years = [fx.exact_marts(fine) for fine in fines]
    marts = {
        name: pd.concat(
            [years[0][name], years[1][name].assign(academic_year="2021")], ignore_index=True
        )
        for name in years[0]
    }
    flags = {name: fx.protect_per_mart(frame, name) for name, frame in marts.items()}
    fx.write_published(db, marts, flags)
    return db


def _audit_report(db: Path, manifest_path: Path, out: Path, *options: str) -> tuple:
    audit_main(
        ["--duckdb", str(db), "--linked-tables", str(manifest_path), "--k", "5",
         "--out", str(out), *options]
    )  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    counters = {
        key: summary.pop(key)
        for key in ("seconds", "lp_solves", "components_reused", "slices", "slices_kept")
    }
    return (out / "worst_cases.csv").read_text(), summary, counters


def test_audit_is_deterministic(shape, tmp_path):
    """Two runs give the same report, whether the components are solved in one
    process or in two."""
    _, _, manifest_path = shape
    db = _two_years(tmp_path / "det.duckdb")
    one = _audit_report(db, manifest_path, tmp_path / "out1", "--workers", "1")
    two = _audit_report(db, manifest_path, tmp_path / "out2", "--workers", "2")
    assert one[:2] == two[:2] and one[2]["lp_solves"] == two[2]["lp_solves"]


def test_audit_reuses_the_lp_results_of_unchanged_components(shape, tmp_path):
    """An audit into the same --out keeps the LP results of components whose
    published input is unchanged and attacks the changed ones: the report
    equals a fresh audit (--no-cache) of the same publication."""
    _, _, manifest_path = shape
    out = tmp_path / "out"
    first = _audit_report(_two_years(tmp_path / "a.duckdb"), manifest_path, out)
    assert first[2]["components_reused"] == 0 and first[2]["lp_solves"] > 0
    again = _audit_report(_two_years(tmp_path / "a.duckdb"), manifest_path, out)
    assert again[:2] == first[:2]
    assert again[2] == {**first[2], "seconds": again[2]["seconds"], "lp_solves": 0,
                        "components_reused": 2}  # fmt: skip
    # next delivery: 2020 unchanged, 2021 revised
    revised = _two_years(tmp_path / "b.duckdb", grow=7)
    update = _audit_report(revised, manifest_path, out)
    fresh = _audit_report(revised, manifest_path, tmp_path / "fresh", "--no-cache")
    assert update[:2] == fresh[:2]
    assert update[2]["components_reused"] == 1 and fresh[2]["components_reused"] == 0


def test_undeclared_published_mart_fails(tmp_path):
    db, manifest_path = _single_mart(
        tmp_path, [("A", "Totalt", 8, None), ("A", "x", 8, None)], reasons=False, rows_kind="all"
    )
    con = duckdb.connect(str(db))
    con.execute("create table published.other as select 1 as n")
    con.close()
    result = _run(db, manifest_path)
    assert result.failed and result.undeclared == ["other"]


# ----------------------------------------------------------------- one job each
def _cells_of(tmp_path, rows, rows_kind="all", additive=("category",)) -> tuple:
    db, manifest_path = _single_mart(tmp_path, rows, reasons=False, rows_kind=rows_kind)
    spec = yaml.safe_load(manifest_path.read_text())
    spec["marts"]["planted"]["additive"] = list(additive)
    manifest_path.write_text(yaml.safe_dump(spec))
    declared = manifest.load(manifest_path)
    con = duckdb.connect(str(db), read_only=True)
    cells = structure.load_cells(con, declared, fx.K)
    con.close()
    return cells, declared


def test_relations_infer_an_undeclared_total_dim(tmp_path):
    rows = [("A", "Totalt", 9, None), ("A", "x", 5, None), ("A", "y", 4, "primär")]
    cells, declared = _cells_of(tmp_path, rows, additive=())
    found = relations.build(cells, declared)
    assert found.inferred == ["planted.category"] and len(found) == 1
    rel, cell, coef = found.arrays()
    assert sorted(zip(cell.tolist(), coef.tolist(), strict=True)) == [
        (0, 1.0), (1, -1.0), (2, -1.0)
    ]  # fmt: skip


def test_relations_do_not_report_a_dim_holding_only_the_total_label(tmp_path):
    # alumni_cat3 pools its degree codes: degree_code is 'Totalt' on every row, a
    # constant that relates nothing, so there is no missing declaration to report
    rows = [("A", "Totalt", 9, None), ("B", "Totalt", 4, "primär")]
    cells, declared = _cells_of(tmp_path, rows, additive=())
    found = relations.build(cells, declared)
    assert found.inferred == [] and len(found) == 0


def test_cells_carry_what_a_protected_row_gives_away(tmp_path):
    # present_only rows: a suppressed row says >= 1; a published reason or the
    # midpoint display marks a primary cell (1..k-1); a secondary one is then >= k
    rows = [
        ("A", "Totalt", 30, None),
        ("A", "w", 12, None),
        ("A", "x", 3, "primär"),
        ("A", "y", 9, "sekundär"),
        ("A", "z", 6, "sekundär"),
    ]
    db, manifest_path = _single_mart(tmp_path, rows, reasons=True, rows_kind="present_only")
    con = duckdb.connect(str(db))
    # z: its reason withheld, but its display gives it away as a primary cell
    con.execute(
        "update published.planted set n_suppression_reason = null, n_display = '2,5'"
        " where category = 'z'"
    )
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    frame = structure.load_cells(con, manifest.load(manifest_path), fx.K).frame
    con.close()
    got = frame.set_index("category")[["value", "protected", "lo", "hi"]]
    assert got.loc["w"].tolist() == [12, False, 12.0, 12.0]
    assert got.loc["x"].tolist()[1:] == [True, 1.0, float(fx.K - 1)]
    assert got.loc["y"].tolist()[1:] == [True, float(fx.K), np.inf]
    assert got.loc["z"].tolist()[1:] == [True, 1.0, float(fx.K - 1)]
    assert got["value"].isna().tolist() == [False, False, True, True, True]
    assert list(frame["mart"].unique()) == ["planted"] and set(frame["quantity"]) == {"count"}


def _propagated_row_by_row(a, b, eq, lo, hi):
    """Bound propagation the plain way: every row, one at a time, until nothing moves
    (integer counts). Propagation tightens monotonically to one fixpoint whatever
    the order, so any correct schedule must end here."""
    lo, hi = lo.copy(), hi.copy()
    dense = a.toarray()
    moved = True
    while moved:
        moved = False
        for row, rhs, is_eq in zip(dense, b, eq, strict=True):
            for coefs, bound in [(row, rhs)] + ([(-row, -rhs)] if is_eq else []):
                for j in np.flatnonzero(coefs):
                    others = sum(
                        coefs[i] * (lo[i] if coefs[i] > 0 else hi[i])
                        for i in np.flatnonzero(coefs)
                        if i != j
                    )
                    limit = (bound - others) / coefs[j]
                    if coefs[j] > 0 and np.floor(limit + 1e-7) < hi[j]:
                        hi[j], moved = np.floor(limit + 1e-7), True
                    if coefs[j] < 0 and np.ceil(limit - 1e-7) > lo[j]:
                        lo[j], moved = np.ceil(limit - 1e-7), True
    return lo, hi


@pytest.mark.parametrize("seed", range(6))
def test_propagation_reaches_the_fixpoint_of_every_row(seed):
    """bounds.propagate re-reads only the rows whose columns moved; on chains of
    relations (a bound travels one link per pass) it ends where propagating every
    row until nothing moves ends."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    n = 30
    truth = rng.integers(0, 12, n).astype(float)
    rows, cols, coefs = [], [], []
    for r in range(n - 1):  # a chain x_r + x_{r+1} (+ a random third cell)
        members = sorted({r, r + 1, int(rng.integers(0, n))})
        rows += [r] * len(members)
        cols += members
        coefs += rng.choice([1.0, 1.0, 2.0, -1.0], size=len(members)).tolist()
    a = sparse.csr_matrix((coefs, (rows, cols)), shape=(n - 1, n))
    eq = rng.random(n - 1) < 0.6
    b = a @ truth + np.where(eq, 0.0, rng.integers(0, 3, n - 1))
    lo = np.zeros(n)
    hi = np.where(rng.random(n) < 0.2, truth + rng.integers(0, 2, n), np.inf)
    system = components.System(
        a=a, b=b, eq=eq, cells=np.arange(n), lo=lo, hi=hi, labels=[""] * (n - 1)
    )
    got_lo, got_hi, infeasible = bounds.propagate(system, np.ones(n, dtype=bool))
    want_lo, want_hi = _propagated_row_by_row(a, b, eq, lo, hi)
    assert len(infeasible) == 0
    assert np.array_equal(got_lo, want_lo) and np.array_equal(got_hi, want_hi)


def test_components_bounds_and_lp_on_two_relations():
    # x0 + x1 = 6, x1 + x2 = 5 (x >= 1): x1 in [1, 4] by LP, not by propagation alone
    from scipy import sparse

    a = sparse.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]))
    system = components.System(
        a=a, b=np.array([6.0, 5.0]), eq=np.array([True, True]), cells=np.arange(3),
        lo=np.ones(3), hi=np.full(3, np.inf), labels=["r0", "r1"],
    )  # fmt: skip
    count, column_component, _ = components.split(system)
    assert count == 1 and set(column_component) == {0}
    lo, hi, infeasible = bounds.propagate(system, np.ones(3, dtype=bool))
    assert list(lo) == [2, 1, 1] and list(hi) == [5, 4, 4] and len(infeasible) == 0
    assert not bounds.determined_in_block(system.a, system.eq).any()
    result = lp.solve_component(
        a, system.b, system.eq, lo, hi, np.ones(3, dtype=bool), 5, np.ones(3, dtype=bool)
    )
    # x0 reaches 5 and x1 4 at most: x1 is provably 1..4 (max < k), x0 and x2 are not exact
    high = np.where(np.isnan(result.high), result.witness_high, result.high)
    assert high[1] == 4


def test_link_columns_are_the_stacked_matrix():
    """The audit's LP matrix [[a, 0], [-I, I]], built as CSC arrays directly,
    is the one scipy's stacking built (entries, order and all): rows of a
    column ascending, with empty rows and columns and a duplicate entry."""
    from scipy import sparse

    rng = np.random.default_rng(3)
    shapes = [(0, 3), (4, 1), (5, 7), (30, 40)]
    for n_rows, n in shapes:
        a = sparse.random(n_rows, n, density=0.3, format="csr", random_state=rng)
        a.data = rng.choice([-1.0, 1.0], size=a.nnz)
        if n_rows:
            a = a + sparse.csr_matrix(([1.0, 1.0], ([0, 0], [0, 0])), shape=(n_rows, n))
        link = sparse.hstack([-sparse.identity(n), sparse.identity(n)])
        stacked = sparse.vstack([sparse.hstack([a, sparse.csr_matrix((n_rows, n))]), link])
        stacked = stacked.tocsc()
        start, index, value = lp.link_columns(a)
        assert np.array_equal(start, stacked.indptr)
        assert np.array_equal(index, stacked.indices)
        assert np.array_equal(value, stacked.data)


def test_rank_test_finds_a_cell_fixed_by_equations():
    from scipy import sparse

    # x0 + x1 = 10, x0 - x1 = 2 -> x0 = 6, x1 = 4 by equations alone
    a = sparse.csr_matrix(np.array([[1.0, 1.0], [1.0, -1.0]]))
    system = components.System(
        a=a, b=np.array([10.0, 2.0]), eq=np.array([True, True]), cells=np.arange(2),
        lo=np.zeros(2), hi=np.full(2, np.inf), labels=["r0", "r1"],
    )  # fmt: skip
    assert bounds.determined_in_block(system.a, system.eq).all()
    # in the audit the test runs in the component's LP, on the cells no two witnesses
    # tell apart: both are leaks without a max and min LP of their own
    ones = np.ones(2, dtype=bool)
    result = lp.solve_component(a, system.b, system.eq, system.lo, system.hi, ones, 5, ones)
    assert result.determined.all() and np.isnan(result.high).all()


def test_worst_cases_put_leaks_first():
    cells = pd.DataFrame(
        {
            "mart": ["m", "m", "m"], "count": ["n"] * 3, "quantity": ["count"] * 3,
            "status": ["safe", "small", "exact"], "low": [1.0, 1.0, 4.0],
            "high": [9.0, 3.0, 4.0], "method": ["lp"] * 3, "relations": [""] * 3,
            "cell_index": [0, 1, 2], "region": ["a", "b", "c"],
        }
    )  # fmt: skip
    worst = report.worst_cases(cells)
    assert list(worst["status"]) == ["exact", "small", "safe"]
    assert json.loads(worst["cell"].iloc[0]) == {"region": "c"}


def test_suppressed_mean_beside_total_mean_is_derivable(tmp_path):
    """Totalt n x mean - Män n x mean = the women's income sum: the mean is derived."""
    frame = pd.DataFrame(
        {
            "sex": ["Totalt", "Män", "Kvinnor"],
            "n": [20, 12, 8],
            "n_display": ["20", "12", "8"],
            "n_is_suppressed": [False, False, False],
            "income_mean": [300.0, 310.0, None],
        }
    )
    db = tmp_path / "mean.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema published")
    con.register("frame", frame)
    con.execute("create table published.incomes as select * from frame")
    con.close()
    spec = {
        "version": 1,
        "populations": {"p": {"description": "planted"}},
        "marts": {
            "incomes": {
                "population": "p",
                "aggregate": "agg_incomes",
                "count": "n",
                "cells": ["sex"],
                "additive": ["sex"],
                "rows": "present_only",
                "magnitudes": [{"mean": "income_mean", "n": "n"}],
            }
        },
    }
    result = _run(db, fx.write_manifest(tmp_path / "mean.yml", spec))
    assert result.failed
    leak = result.leaks.iloc[0]
    assert leak["status"] == "mean" and leak["sex"] == "Kvinnor"
    assert leak["low"] == pytest.approx(20 * 300 - 12 * 310)


def test_component_blocks_are_the_rows_and_columns_of_each_component():
    """components.blocks gives exactly a[rows][:, columns] for each component (same
    arrays and dtypes, so LP input and cache fingerprints are unchanged), and refuses
    rows that reach outside their component instead of dropping a coefficient."""
    from scipy import sparse

    rng = np.random.default_rng(3)
    n_columns = 60
    label = rng.integers(0, 4, n_columns)  # the component of each column
    rows, cols, coefs = [], [], []
    for row in range(40):
        members = np.flatnonzero(label == row % 4)
        picked = rng.choice(members, size=min(3, len(members)), replace=False)
        rows += [row] * len(picked)
        cols += picked.tolist()
        coefs += rng.choice([-1.0, 1.0, 2.0], size=len(picked)).tolist()
    a = sparse.csr_matrix((coefs, (rows, cols)), shape=(40, n_columns))
    row_component = np.arange(40) % 4
    cut = components.blocks(a, row_component, label, 4)
    for component in range(4):
        columns = np.flatnonzero(label == component)
        members = np.flatnonzero(row_component == component)
        expected = a[members][:, columns]
        got = cut.block(component)
        assert np.array_equal(cut.rows(component), members)
        assert np.array_equal(cut.columns(component), columns)
        for field in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(got, field), getattr(expected, field)), field
            assert getattr(got, field).dtype == getattr(expected, field).dtype, field
        assert got.shape == expected.shape
    wrong = row_component.copy()
    wrong[0] = 1  # row 0 holds columns of component 0
    with pytest.raises(ValueError, match="outside the component"):
        components.blocks(a, wrong, label, 4)


def _suppressed_table(rows: int, cols: int, share: float, seed: int, least: int = 0):
    """A rows x cols table (counts least..6) with published margins and a random share
    of suppressed inner cells: the relations (one per row and column) over the
    suppressed cells only."""
    from scipy import sparse

    rng = np.random.default_rng(seed)
    truth = rng.integers(least, 7, (rows, cols)).astype(float)
    suppressed = rng.random((rows, cols)) < share
    column = np.full((rows, cols), -1)
    column[suppressed] = np.arange(suppressed.sum())
    lines = [suppressed[i] for i in range(rows)] + [suppressed[:, j] for j in range(cols)]
    columns = [column[i] for i in range(rows)] + [column[:, j] for j in range(cols)]
    totals = [truth[i] for i in range(rows)] + [truth[:, j] for j in range(cols)]
    entries, b = [], []
    for line, cols_of, values in zip(lines, columns, totals, strict=True):
        if line.any():
            entries += [(len(b), c) for c in cols_of[line]]
            b.append(values[line].sum())
    rel, col = np.array(entries).T
    n = int(suppressed.sum())
    a = sparse.csr_matrix((np.ones(len(rel)), (rel, col)), shape=(len(b), n))
    return a, np.array(b), n


@pytest.mark.parametrize("known_low", [0.0, 1.0])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_witness_rounds_classify_every_cell_as_one_lp_per_cell_would(seed, known_low):
    """The witness rounds (random weights, each round only the points the undecided
    cells still lack) only decide which cells need their own LPs: every cell's status
    is the one its exact interval (a max and a min LP per cell) gives, whether the
    suppressed cells are known to be at least 0 or, as nationally, at least 1."""
    a, b, n = _suppressed_table(14, 14, 0.25, seed, least=int(known_low))
    k, eq, integer = 5, np.ones(len(b), dtype=bool), np.ones(n, dtype=bool)
    lo, hi = np.full(n, known_low), np.full(n, np.inf)
    result = lp.solve_component(a, b, eq, lo, hi, integer, k, np.ones(n, dtype=bool))
    status = _statuses(result, integer, k)
    exact_low, exact_high = np.empty(n), np.empty(n)
    model = lp._Model(a, b, eq, lo, hi, k)
    for i in range(n):
        cost = np.zeros(2 * n)
        cost[i] = 1.0
        exact_high[i] = model.solve(cost, maximize=True)[1]
        exact_low[i] = model.solve(cost, maximize=False)[1]
    expected = classify(exact_low, exact_high, integer, k)
    assert (status == expected).all(), np.flatnonzero(status != expected)
    assert (expected != "safe").any() and (expected == "safe").any()  # both kinds occur


def _statuses(result: lp.Result, integer: np.ndarray, k: int) -> np.ndarray:
    """Each cell's status as the audit reads an LP result: safe by its witnesses, else
    its own interval, and exact when the rank test found it fixed."""
    by_witness = lp.settled(result.witness_low, result.witness_high, integer, k)
    status = np.where(by_witness, "safe", classify(result.low, result.high, integer, k))
    return np.where(result.determined, "exact", status)


def _table_part(seed: int) -> lp.Part:
    a, b, n = _suppressed_table(14, 14, 0.25, seed, least=1)
    ones = np.ones(n, dtype=bool)
    return lp.Part(a, b, np.ones(len(b), dtype=bool), np.ones(n), np.full(n, np.inf), ones, ones)


def _alone(part: lp.Part, k: int) -> lp.Result:
    return lp.solve_component(
        part.a, part.b, part.eq, part.lo, part.hi, part.integer, k, part.candidates
    )


def test_components_in_one_lp_get_the_statuses_they_get_alone():
    """Components side by side in one LP (block diagonal) share every LP of their
    witness rounds and own LPs, and each cell keeps the status it has when its component
    is solved alone (which the test above checks against a max and a min LP per cell)."""
    k = 5
    parts = [_table_part(seed) for seed in (1, 2, 3, 4)]
    together = lp.solve_components(parts, k)
    alone = [_alone(part, k) for part in parts]
    for part, batched, single in zip(parts, together, alone, strict=True):
        assert (_statuses(batched, part.integer, k) == _statuses(single, part.integer, k)).all()
    leaks = [
        _statuses(result, part.integer, k) != "safe"
        for result, part in zip(alone, parts, strict=True)
    ]
    assert any(leak.any() for leak in leaks)  # not only safe cells
    assert sum(r.n_lp for r in together) < sum(r.n_lp for r in alone)


def test_a_batch_whose_lp_has_no_optimum_is_solved_component_by_component():
    """A sum bounded by nothing above (x0 <= x1, both unknown sums) makes the batch's
    maximum unbounded: no point for the other components, so each is solved alone."""
    from scipy import sparse

    k = 5
    unbounded = lp.Part(
        sparse.csr_matrix(np.array([[1.0, -1.0]])), np.zeros(1), np.array([False]),
        np.zeros(2), np.full(2, np.inf), np.zeros(2, dtype=bool), np.ones(2, dtype=bool),
    )  # fmt: skip
    parts = [_table_part(1), unbounded]
    for batched, part in zip(lp.solve_components(parts, k), parts, strict=True):
        single = _alone(part, k)
        for field in ("low", "high", "witness_low", "witness_high", "determined"):
            assert np.array_equal(getattr(batched, field), getattr(single, field), equal_nan=True)


def test_lp_batches_put_small_components_together_and_large_ones_alone(monkeypatch):
    from studentflow.audit import solving as audit_solving

    monkeypatch.setattr(audit_solving, "LP_BATCH_LARGEST", 10)
    monkeypatch.setattr(audit_solving, "LP_BATCH_COLUMNS", 12)
    sizes = [3, 4, 50, 5, 2, 11, 10, 1]
    assert audit_solving.lp_batches(sizes) == [[2], [0, 1, 3], [5], [4, 6], [7]]


def test_witness_rounds_ask_only_for_the_point_a_cell_lacks():
    """A count seen only at k or more lacks a lower point, one seen only below k a
    higher one, a sum both until two points differ; nothing is asked of a cell with
    two points, and before any point every cell lacks a low one (the minimum comes
    first). The old rounds weighed every undecided cell in both LPs."""
    k = 5
    integer = np.array([True, True, True, False, True])
    witness_low = np.array([7.0, 2.0, 1.0, 3.0, np.inf])
    witness_high = np.array([7.0, 2.0, 6.0, 3.0, -np.inf])
    pending = np.array([True, True, False, True, True])
    down, up = lp._lacking(pending, integer, witness_low, witness_high, k)
    assert down.tolist() == [True, False, False, True, True]
    assert up.tolist() == [False, True, False, True, True]


def test_each_cell_is_named_with_every_relation_kind_it_is_in():
    """The report's relations column, against a join per cell: cells of different
    lengths, one cell in every relation (a sequence of about 150 kinds), and a kind in
    a cell twice named once."""
    rng = np.random.default_rng(7)
    kinds = [f"mart_{i % 7}: kind {i:03d}" for i in range(150)]
    n_relations = 400
    labels = [kinds[i] for i in rng.integers(0, len(kinds), n_relations)]
    # not every cell index is in a relation; cell 9 999 is in all of them
    rel = np.r_[rng.integers(0, n_relations, 3_000), np.arange(n_relations)]
    cell = np.r_[rng.integers(0, 500, 3_000) * 3, np.full(n_relations, 9_999)]
    expected = {
        int(c): "; ".join(sorted({labels[r] for r in rel[cell == c]})) for c in np.unique(cell)
    }
    named = run._labels_per_cell(rel, cell, labels)
    assert named.to_dict() == expected
    assert named.map(lambda text: text.count(";")).max() >= 64  # the long sequence


def test_lp_cache_gives_back_every_stored_result(tmp_path):
    """The cache file holds the results as a few long arrays; each component must get
    back its own arrays, an inconsistent one (None) stays None, and a result without
    a rank test keeps determined None."""
    rng = np.random.default_rng(3)

    def result(n, with_rank_test):
        values = [rng.normal(size=n) for _ in range(4)]
        values[0][0] = np.nan  # not solved on its own
        determined = rng.random(n) < 0.3 if with_rank_test else None
        return lp.Result(*values, n_lp=int(rng.integers(0, 9)), determined=determined)

    stored = {f"component {i}": result(i % 5 + 1, i % 3 > 0) for i in range(40)}
    stored["inconsistent"] = None
    cache.save(tmp_path, stored)
    back = cache.load(tmp_path)
    assert list(back) == list(stored) and back["inconsistent"] is None
    for key, expected in stored.items():
        if expected is None:
            continue
        got = back[key]
        assert got.n_lp == expected.n_lp
        for name in ("low", "high", "witness_low", "witness_high"):
            np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))
        if expected.determined is None:
            assert got.determined is None
        else:
            np.testing.assert_array_equal(got.determined, expected.determined)


def test_relation_sides_match_on_the_attributes_they_share(tmp_path):
    """Alumni category 1 names its degree code twice (group_code, degree_code);
    analysis 8 has degree_code alone. A relation between them is matched on the
    attributes both sides share, as the engine matches it: the category-1 cell
    hidden beside analysis 8's published 7 is found, exactly (the old audit
    stopped with 'matches on')."""
    alumni = pd.DataFrame(
        {
            "institution_code": ["uu", "uu"],
            "group_code": ["SJSK", "SJSK"],
            "degree_code": ["SJSK", "SJSK"],
            "sex": ["Kvinnor", "Totalt"],
            "n": [7, 7],
        }
    )
    employment = pd.DataFrame(
        {"degree_code": ["SJSK"], "institution_code": ["uu"], "sex": ["Kvinnor"], "n": [7]}
    )
    spec = {
        "version": 1,
        "total_label": fx.TOTAL,
        "populations": {
            "alumni": {
                "relations": [
                    {
                        "total": {"mart": "alumni", "where": {}},
                        "parts": [{"mart": "employment", "where": {}}],
                    }
                ]
            },
            "graduates": {},
        },
        "marts": {
            "alumni": {
                "population": "alumni",
                "aggregate": "agg_alumni",
                "count": "n",
                "cells": ["institution_code", "group_code", "degree_code", "sex"],
                "additive": ["sex"],
                "rows": "present_only",
            },
            "employment": {
                "population": "graduates",
                "aggregate": "agg_employment",
                "count": "n",
                "cells": ["degree_code", "institution_code", "sex"],
                "rows": "present_only",
            },
        },
    }
    db = tmp_path / "w.duckdb"
    fx.write_published(
        db,
        {"alumni": alumni, "employment": employment},
        {"alumni": pd.Series([True, True]), "employment": pd.Series([False])},
    )
    result = fx._audit(db, fx.write_manifest(tmp_path / "m.yml", spec))
    assert result.failed
    leaked = result.frame.loc[result.leaks["cell_index"]]
    assert set(zip(leaked["mart"], leaked["sex"], strict=True)) >= {("alumni", "Kvinnor")}


def _total_and_parts(tmp_path, relation: dict, parts_n: list[int]):
    """The audit of a published total (10) of population p and a parts mart of
    population q with a published 'ja' and a hidden 'nej' cell, under ``relation``
    (declared in p)."""
    total = pd.DataFrame({"a": ["1"], "n": [10]})
    parts = pd.DataFrame({"a": ["1", "1"], "b": ["ja", "nej"], "n": parts_n})
    spec = {
        "version": 1,
        "total_label": fx.TOTAL,
        "populations": {"p": {"relations": [relation]}, "q": {}},
        "marts": {
            "total": {
                "population": "p",
                "aggregate": "agg_total",
                "count": "n",
                "cells": ["a"],
                "rows": "present_only",
            },
            "parts": {
                "population": "q",
                "aggregate": "agg_parts",
                "count": "n",
                "cells": ["a", "b"],
                "rows": "present_only",
            },
        },
    }
    db = tmp_path / "w.duckdb"
    fx.write_published(
        db,
        {"total": total, "parts": parts},
        {"total": pd.Series([False]), "parts": pd.Series([False, True])},
    )
    result = fx._audit(db, fx.write_manifest(tmp_path / "m.yml", spec))
    return result.cells[["mart", "b", "low", "high", "status"]].values.tolist()


def test_relation_with_sense_ge_bounds_the_parts_by_the_total(tmp_path):
    """total >= sum(parts): the entrants' 10 published, 8 of them published in
    one part, the other part hidden. The attacker learns 1..2 for it (present
    row: at least 1), not 2: the old audit read any sense but '<=' as '='."""
    relation = {
        "total": {"mart": "total", "where": {}},
        "parts": [
            {"mart": "parts", "where": {"b": "ja"}},
            {"mart": "parts", "where": {"b": "nej"}},
        ],
        "sense": ">=",
    }
    assert _total_and_parts(tmp_path, relation, [8, 2]) == [["parts", "nej", 1.0, 2.0, "small"]]


def test_relation_with_plus_reads_its_cells_on_the_totals_side(tmp_path):
    """total + plus <= parts: the published total 10 and the published part 12
    bound the hidden plus cell (2) to 1..2 (present row: at least 1). Read on the
    parts' side (10 <= 12 + n) it would bound nothing."""
    relation = {
        "total": {"mart": "total", "where": {}},
        "plus": [{"mart": "parts", "where": {"b": "nej"}}],
        "parts": [{"mart": "parts", "where": {"b": "ja"}}],
        "sense": "<=",
    }
    assert _total_and_parts(tmp_path, relation, [12, 2]) == [["parts", "nej", 1.0, 2.0, "small"]]


def test_relation_with_an_unknown_sense_is_refused(tmp_path):
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "sdc" / "linked_tables.yml").read_text(
            encoding="utf-8"
        )
    )
    raw["populations"]["registered_per_year"]["relations"][0]["sense"] = "=<"
    with pytest.raises(manifest.ManifestError, match="sense '=<' is not one of"):
        manifest.load(fx.write_manifest(tmp_path / "m.yml", raw))


def test_parts_within_total_names_a_covering_dim(tmp_path):
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "sdc" / "linked_tables.yml").read_text(
            encoding="utf-8"
        )
    )
    raw["marts"]["foreign_background_by_programme"]["parts_within_total"] = ["sex"]
    with pytest.raises(
        manifest.ManifestError, match="parts_within_total dim 'sex' is not in covering"
    ):
        manifest.load(fx.write_manifest(tmp_path / "m.yml", raw))


@pytest.mark.parametrize(("within_total", "status"), [(True, "exact"), (False, "safe")])
def test_a_part_of_a_covering_dim_bounds_its_total_from_below(tmp_path, within_total, status):
    """Programme rows cover an institution's 'Totalt' of programme students (a
    person on two programmes counts in both, once in the total), so the
    attacker also knows each programme <= the total (``parts_within_total``).
    Here the men's total is hidden but one programme publishes 5 men, so the
    men are at least 5, the women at most 9 - 5 = 4: the women's 4 is
    determined. Where the definitions give no such bound (analysis 1's
    programme entrants against institution entrants) the attacker sees 4..8;
    the old audit assumed the bound for every covering dim."""
    cells = pd.DataFrame(
        {
            "programme": [fx.TOTAL, fx.TOTAL, fx.TOTAL, "P1", "P1", "P2", "P2"],
            "sex": [fx.TOTAL, "Kvinnor", "Män", fx.TOTAL, "Kvinnor", fx.TOTAL, "Män"],
            "n": [9, 4, 5, 4, 4, 5, 5],
        }
    )
    hidden = pd.Series([False, True, True, True, True, False, False])
    spec = {
        "version": 1,
        "total_label": fx.TOTAL,
        "populations": {"p": {}},
        "marts": {
            "m": {
                "population": "p",
                "aggregate": "agg_m",
                "count": "n",
                "cells": ["programme", "sex"],
                "additive": ["sex"],
                "covering": ["programme"],
                "rows": "present_only",
            }
        },
    }
    if within_total:
        spec["marts"]["m"]["parts_within_total"] = ["programme"]
    db = tmp_path / "w.duckdb"
    fx.write_published(db, {"m": cells}, {"m": hidden})
    result = fx._audit(db, fx.write_manifest(tmp_path / "m.yml", spec))
    found = result.cells.set_index(["programme", "sex"]).loc[(fx.TOTAL, "Kvinnor")]
    assert found["status"] == status
    if within_total:
        assert (found["low"], found["high"]) == (4.0, 4.0)


@pytest.mark.parametrize("renamed", [False, True])
def test_a_relation_can_leave_values_of_a_matched_column_out(tmp_path, renamed):
    """Programme entrants <= programme students per programme, the 'Totalt' rows
    left out (institution entrants include 'Utan program', who are no
    programme students). The students' hidden P1 is 2..5 from its own mart
    (Totalt 5 <= P1 + P2 = P1 + 3, P1 <= Totalt); the entrants' published 5 on
    P1 pins it to 5. The entrants' hidden Totalt stays safe. The old audit
    read no `except` and matched the Totalt rows too: it held the entrants'
    Totalt at most the students' 5, wrongly exact (the truth is 7). With the
    entrants' column renamed (``start_programme`` holding the attribute
    ``programme``, as credits_by_background's start_institution_code holds
    institution_code), `except` names the attribute, as the engine reads it;
    the old audit refused it ("not a cell dim")."""
    students = pd.DataFrame({"programme": [fx.TOTAL, "P1", "P2"], "n": [5, 5, 3]})
    entrants = pd.DataFrame({"programme": [fx.TOTAL, "P1", "Utan program"], "n": [7, 5, 2]})
    spec = {
        "version": 1,
        "total_label": fx.TOTAL,
        "populations": {
            "students": {
                "relations": [
                    {
                        "total": {"mart": "students"},
                        "parts": [{"mart": "entrants"}],
                        "except": {"programme": [fx.TOTAL]},
                        "sense": ">=",
                    }
                ]
            },
            "entrants": {},
        },
        "marts": {
            name: {
                "population": name,
                "aggregate": f"agg_{name}",
                "count": "n",
                "cells": ["programme"],
                "covering": ["programme"],
                "rows": "present_only",
            }
            for name in ("students", "entrants")
        },
    }
    # the students' Totalt is the union of the programmes' students
    spec["marts"]["students"]["parts_within_total"] = ["programme"]
    if renamed:
        entrants = entrants.rename(columns={"programme": "start_programme"})
        spec["marts"]["entrants"].update(
            cells=["start_programme"],
            covering=["start_programme"],
            attributes={"start_programme": "programme"},
        )
    db = tmp_path / "w.duckdb"
    fx.write_published(
        db,
        {"students": students, "entrants": entrants},
        {"students": pd.Series([False, True, False]), "entrants": pd.Series([True, False, False])},
    )
    result = fx._audit(db, fx.write_manifest(tmp_path / "m.yml", spec))
    cells = result.cells
    if renamed:
        programme = cells["programme"].astype(object)
        cells = cells.assign(programme=programme.fillna(cells["start_programme"].astype(object)))
    found = cells.set_index(["mart", "programme"])
    assert found.loc[("entrants", fx.TOTAL), "status"] == "safe"
    students = found.loc[("students", "P1")]
    assert (students["low"], students["high"], students["status"]) == (5.0, 5.0, "exact")


@pytest.mark.parametrize(
    ("excluded", "message"),
    [
        ({"programme_code": [fx.TOTAL]}, "column 'programme_code' is not a cell dim of"),
        ({"sex": fx.TOTAL}, "column 'sex' needs a list of values"),
        ([fx.TOTAL], "needs a mapping column"),
    ],
)
def test_a_relation_except_that_cannot_be_read_is_refused(tmp_path, excluded, message):
    """`except` maps a cell dim of every side to a list: a text would be read
    letter by letter, a column one side lacks would not be matched."""
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "sdc" / "linked_tables.yml").read_text(
            encoding="utf-8"
        )
    )
    raw["populations"]["registered_per_year"]["relations"][0]["except"] = excluded
    with pytest.raises(manifest.ManifestError, match=message):
        manifest.load(fx.write_manifest(tmp_path / "m.yml", raw))


@pytest.mark.parametrize(
    ("place", "value"),
    [("where", True), ("where", 1.0), ("where", None), ("except", False), ("identity", 2.5)],
)
def test_a_relation_value_the_engine_and_the_audit_would_read_apart_is_refused(
    tmp_path, place, value
):
    """A YAML boolean, float or null is text 'true', '1' or '' to the engine (as
    SQL casts it) and 'True', '1.0' or 'None' to the audit: refused in a
    relation and in an identity, so both read one declaration."""
    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "sdc" / "linked_tables.yml").read_text(
            encoding="utf-8"
        )
    )
    relation = raw["populations"]["registered_per_year"]["relations"][0]
    if place == "where":
        relation["total"]["where"]["born_abroad"] = value
    elif place == "except":
        relation["except"] = {"sex": [value]}
    else:
        raw["populations"]["entrants_per_window"]["identities"][0]["left"]["indicator"] = value
    with pytest.raises(manifest.ManifestError, match="must be a string or an integer"):
        manifest.load(fx.write_manifest(tmp_path / "m.yml", raw))


@pytest.mark.parametrize("aggregate_names", ["mart", "attribute"])
def test_score_reads_an_aggregate_under_the_marts_column_names(tmp_path, aggregate_names):
    """`--score` joins the exact aggregates to the audited cells. A mart whose
    `attributes` rename a cell column (category 2's group_code is a programme_code)
    has an aggregate with the mart's names; the old score asked the aggregate for
    the attribute names and stopped with a binder error. Another keeps the
    attribute's name (outcome_matching_by_programme's matching_code is its
    aggregate's category_code), where the score stopped the same way. The true
    counts come back for every protected cell."""
    marts = {
        "alumni": pd.DataFrame(
            {"group_code": ["P1", "P1", "P1"], "sex": ["Kvinnor", "Män", "Totalt"], "n": [3, 9, 12]}
        )
    }
    spec = fx.alumni_spec("present_only", {"group_code": "programme_code"})
    db = tmp_path / "w.duckdb"
    fx.write_published(db, marts, {"alumni": pd.Series([True, True, False])})
    if aggregate_names == "attribute":
        with duckdb.connect(str(db)) as con:
            con.execute("alter table aggregates.agg_alumni rename group_code to programme_code")
    manifest_path = fx.write_manifest(tmp_path / "m.yml", spec)
    result = fx._audit(db, manifest_path)
    con = duckdb.connect(str(db), read_only=True)
    try:
        cells, checks = run.score(con, manifest.load(manifest_path), result)
    finally:
        con.close()
    assert sorted(cells["true_n"]) == [3, 9]
    assert checks["intervals_missing_true_count"] == 0


def _each_within_spec(declared: bool) -> dict:
    """Category 2's programme rows within analysis 9's rows of their institution
    and degree code (`match`: the programme's degree code is a degree code)."""
    relation = {
        "kind": "each_within",
        "total": {"mart": "occupation", "where": {}},
        "parts": [{"mart": "programmes", "where": {}}],
        "match": {"programme_degree_code": "degree_code"},
    }
    return {
        "version": 1,
        "total_label": fx.TOTAL,
        "populations": {"alumni": {"relations": [relation] if declared else []}, "graduates": {}},
        "marts": {
            "programmes": {
                "population": "alumni",
                "aggregate": "agg_programmes",
                "count": "n",
                "cells": ["institution_code", "group_code", "degree_code", "sex"],
                "attributes": {
                    "group_code": "programme_code",
                    "degree_code": "programme_degree_code",
                },
                "additive": ["sex"],
                "rows": "present_only",
            },
            "occupation": {
                "population": "graduates",
                "aggregate": "agg_occupation",
                "count": "n",
                "cells": ["degree_code", "institution_code", "sex"],
                "additive": ["sex"],
                "rows": "present_only",
            },
        },
    }


@pytest.mark.parametrize(
    ("declared", "status", "high"), [(True, "exact", 1.0), (False, "small", 3.0)]
)
def test_each_part_cell_within_its_total_bounds_it(tmp_path, declared, status, high):
    """Programme P1 publishes 4 graduates of KAND at uu, its women and men hidden;
    analysis 9 publishes uu's KAND graduates as 1 woman and 5 men. P1's women are
    among uu's: at most 1, present so at least 1 - determined, and P1's men are
    then 3. Undeclared, P1's women are 1..3 from P1's own rows. P2, leading to
    KAND too, counts persons P1 may share: a sum over programmes would be
    false, each programme alone is not. The old audit had no such relation."""
    programmes = pd.DataFrame(
        {
            "institution_code": ["uu"] * 4,
            "group_code": ["P1", "P1", "P1", "P2"],
            "degree_code": ["KAND"] * 4,
            "sex": [fx.TOTAL, "Kvinnor", "Män", "Män"],
            "n": [4, 1, 3, 5],
        }
    )
    occupation = pd.DataFrame(
        {
            "degree_code": ["KAND"] * 3,
            "institution_code": ["uu"] * 3,
            "sex": [fx.TOTAL, "Kvinnor", "Män"],
            "n": [6, 1, 5],
        }
    )
    db = tmp_path / "w.duckdb"
    fx.write_published(
        db,
        {"programmes": programmes, "occupation": occupation},
        {"programmes": pd.Series([False, True, True, False]), "occupation": pd.Series([False] * 3)},
    )
    result = fx._audit(db, fx.write_manifest(tmp_path / "m.yml", _each_within_spec(declared)))
    women = result.cells.set_index(["mart", "sex"]).loc[("programmes", "Kvinnor")]
    assert (women["status"], women["low"], women["high"]) == (status, 1.0, high)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "each_part"}, "relation kind 'each_part' is not one of"),
        ({"sense": ">="}, "an each_within relation takes no sense"),
        ({"plus": []}, "only a sum relation takes plus"),
        (
            {"match": {"programme_degree_code": "programme_code"}},
            "match names 'programme_code', not in occupation",
        ),
        ({"match": {"degree_code": "degree_code"}}, "match names 'degree_code', not in programmes"),
        ({"kind": None}, "only an each_within relation takes match"),
        (
            {"match": {"programme_degree_code": "institution_code"}},
            "match names 'institution_code', which programmes has itself",
        ),
    ],
)
def test_an_each_within_relation_that_cannot_be_read_is_refused(tmp_path, change, message):
    """A kind the audit does not know would be read as a sum relation (the old
    audit did), a sense has no meaning for it, and `match` must name an
    attribute of each part and one of the total the part lacks (the engine
    refuses that too)."""
    spec = _each_within_spec(declared=True)
    relation = spec["populations"]["alumni"]["relations"][0]
    relation.update(change)
    if change.get("kind", "each_within") is None:
        del relation["kind"]
    with pytest.raises(manifest.ManifestError, match=message):
        manifest.load(fx.write_manifest(tmp_path / "m.yml", spec))


def _choice_spec(at_least: list[dict]) -> dict:
    mart = {
        "population": "registered",
        "aggregate": "agg_choice",
        "count": "n",
        "cells": ["institution_choice_code"],
        "additive": ["institution_choice_code"],
        "rows": "present_only",
    }
    return {
        "version": 1,
        "total_label": fx.TOTAL,
        "populations": {"registered": {}},
        "marts": {"choice": {**mart, **({"at_least": at_least} if at_least else {})}},
    }


NAMED_AT_LEAST_20 = [
    {"where": {}, "except": {"institution_choice_code": ["Övriga", fx.TOTAL]}, "value": 20}
]


@pytest.mark.parametrize(
    ("at_least", "status", "high"), [(NAMED_AT_LEAST_20, "small", 4.0), ([], "safe", 23.0)]
)
def test_a_public_lower_bound_bounds_the_other_parts(tmp_path, at_least, status, high):
    """Institution choice names an institution only where 20 persons chose it, so a
    hidden named row is at least 20: with 48 in all, X's 24 published and Y hidden
    beside Övriga, Övriga is at most 48 - 24 - 20 = 4, and present, so 1..4. Read
    as any hidden row (at least 1), Övriga is 1..23. The old audit knew no
    at_least."""
    choice = pd.DataFrame(
        {"institution_choice_code": [fx.TOTAL, "X", "Y", "Övriga"], "n": [48, 24, 21, 3]}
    )
    db = tmp_path / "w.duckdb"
    fx.write_published(db, {"choice": choice}, {"choice": pd.Series([False, False, True, True])})
    result = fx._audit(db, fx.write_manifest(tmp_path / "m.yml", _choice_spec(at_least)))
    other = result.cells.set_index(["mart", "institution_choice_code"]).loc[("choice", "Övriga")]
    assert (other["status"], other["low"], other["high"]) == (status, 1.0, high)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"where": {}, "value": "20"}, "an integer value"),
        ({"where": {"sex": fx.TOTAL}, "value": 20}, "at_least names ['sex']"),
        ({"except": {"institution_choice_code": "Övriga"}, "value": 20}, "column: [values]"),
        (
            {"where": {"institution_choice_code": 1.0}, "value": 20},
            "value 1.0 of 'institution_choice_code' must be a string or an integer",
        ),
    ],
)
def test_an_at_least_that_cannot_be_read_is_refused(tmp_path, entry, message):
    path = fx.write_manifest(tmp_path / "m.yml", _choice_spec([entry]))
    with pytest.raises(manifest.ManifestError, match=re.escape(message)):
        manifest.load(path)
