"""`make bench`'s figures read from a warehouse (src/studentflow/bench.py)."""

from __future__ import annotations

import os
import sys

import duckdb

from studentflow import bench
from studentflow.bench import engine_components


def test_engine_components_counts_each_component_once_by_its_reuse(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema intermediate")
    con.execute(
        "create table intermediate.int_sdc_cells_suppressed as select * from (values "
        "('a', false), ('a', false), ('b', true), ('c', true), ('c', true), (null, null)"
        ") cells(component_hash, component_reused)"
    )
    con.close()
    assert engine_components(database) == {"components_solved": 1, "components_reused": 2}


def _decisions(database, rows: str) -> None:
    con = duckdb.connect(str(database))
    con.execute("create schema if not exists intermediate")
    con.execute(
        "create or replace table intermediate.int_sdc_cells_suppressed as select * from "
        f"(values {rows}) cells(mart, cell_id, is_suppressed, n_exact)"
    )
    con.close()


def test_state_changes_count_the_cells_whose_count_did_not_change(tmp_path):
    """The update's figure for the held decisions: cells with an unchanged count
    that changed state, each way, of all cells with an unchanged count."""
    database, last = tmp_path / "warehouse.duckdb", tmp_path / "last.parquet"
    _decisions(database, "('m', 'a', false, 10), ('m', 'b', true, 3), ('m', 'c', true, 9), "
                         "('m', 'd', false, 7)")  # fmt: skip
    bench.save_decisions(database, last)
    # a hidden, b kept, c shown, d's count changed (hidden, not counted)
    _decisions(database, "('m', 'a', true, 10), ('m', 'b', true, 3), ('m', 'c', false, 9), "
                         "('m', 'd', true, 12)")  # fmt: skip
    assert bench.state_changes(database, last) == "1 hidden, 1 shown of 3"


def test_run_measured_gives_the_child_s_own_peak_and_its_exit_code(monkeypatch):
    """The audit's peak memory is measured like the build's (its own process, os.wait4),
    and a failing audit is reported, not raised."""
    monkeypatch.setattr(bench, "PROJECT", bench.Path.cwd())
    allocate = "x = bytearray(300 * 2**20); x[::4096] = b'1' * len(x[::4096]); raise SystemExit(3)"
    seconds, peak, code = bench.run_measured([sys.executable, "-c", allocate], dict(os.environ))
    assert code == 3
    assert 300 * 2**20 <= peak < 1000 * 2**20
    assert seconds > 0


def test_audit_slices_kept_reads_the_audit_s_summary(tmp_path):
    """The update's audit reports how many of its periods it kept (audit/slices.py)."""
    (tmp_path / "summary.json").write_text('{"slices": 154, "slices_kept": 140}')
    assert bench.audit_slices_kept(tmp_path) == "140 of 154"


def test_published_windows_reads_every_mart_with_a_window(tmp_path):
    """The update's `incremental_new_windows`: the windows some published mart has a
    row for (a per-year mart has none)."""
    database = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    con.execute("create schema published")
    con.execute(
        "create table published.a as select * from (values (2013), (2013)) t(window_start_year)"
    )
    con.execute(
        "create table published.b as select * from (values (2019), (null)) t(window_start_year)"
    )
    con.execute("create table published.c as select * from (values (2024)) t(academic_year)")
    con.close()
    assert bench.published_windows(database) == {2013, 2019}


def test_layer_figures_name_the_build_they_come_from(tmp_path):
    """The update's seconds per layer go beside the full build's, under their own names."""
    (tmp_path / "manifest.json").write_text(
        '{"nodes": {"model.p.stg_a": {"resource_type": "model",'
        ' "original_file_path": "models/staging/a/stg_a.sql"}}}'
    )
    (tmp_path / "run_results.json").write_text(
        '{"results": [{"unique_id": "model.p.stg_a", "execution_time": 2.04},'
        ' {"unique_id": "test.p.t", "execution_time": 1.0}]}'
    )
    figures = {"layer_staging_s": 9.0}
    bench._layer_figures(figures, tmp_path, "incremental_layer")
    assert figures == {
        "layer_staging_s": 9.0,
        "incremental_layer_staging_s": 2.0,
        "incremental_layer_tests_s": 1.0,
    }


def test_an_audit_across_releases_that_stops_leaves_the_other_figures(monkeypatch, tmp_path):
    """The last figure of a national run: an across-releases audit that stopped
    (its summary not written) is reported as such, and the run's other figures
    are still written. The first national run with it lost them all."""
    monkeypatch.setattr(bench, "run_audit", lambda *args: (12.5, False, 2**30))
    figures = {"build_total_s": 1571.7}
    paths = tmp_path / "w.duckdb", tmp_path / "last.duckdb"
    bench._across_releases(figures, bench.ACROSS, *paths, tmp_path, {})
    assert figures["incremental_audit_across_releases_revealed"] == "the audit stopped"
    assert figures["incremental_audit_across_releases_passed"] is False
    assert figures["build_total_s"] == 1571.7

    def finished(database, out, env, extra):
        (out / "summary.json").write_text(
            '{"revealed_by_last_release": 1273, "determined_exactly": 0, "provably_small": 5,'
            ' "means_derivable": 0}'
        )
        return 30.0, False, 2**30

    monkeypatch.setattr(bench, "run_audit", finished)
    bench._across_releases(figures, bench.ACROSS, *paths, tmp_path, {})
    assert figures["incremental_audit_across_releases_revealed"] == 1273
    assert figures["incremental_audit_across_releases_leaks"] == "0 exact, 5 small, 0 means"
