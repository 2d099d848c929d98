"""The audit reads ``threshold_bands`` (audit/threshold_bands.py): the published
etablerad within the published bands from the window's lowest threshold up, the
threshold read from the aggregate. The case of the engine's test."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402
from test_sdc_threshold_bands import AGGREGATE, THRESHOLDS, alumni_spec

from studentflow.audit import manifest, slices

# a (3) hidden with b (6) beside c (8) and the band total (17); etablerad (13)
# published. Alone, a + b = 9 leaves a anywhere in 1..8; with etablerad <= b + c,
# a <= 17 - 13 = 4
HIDDEN = {"a", "b"}


def _warehouse(tmp: Path, threshold=150) -> Path:
    exact = AGGREGATE.assign(etablering_threshold_sek=threshold)
    published = exact.drop(columns=["etablering_threshold_sek"]).rename(columns={"n_persons": "n"})
    hidden = published["category_code"].isin(HIDDEN).to_numpy()
    tables = {
        "published": {"alm": fx.as_published(published, hidden)},
        "aggregates": {"agg_alm": exact},
    }
    return fx.write_warehouse(tmp / "threshold_bands.duckdb", tables)


def _audited(db: Path, thresholds: list[dict]):
    return fx.audited_and_scored(db, {"version": 1, **alumni_spec(thresholds)})


def test_the_audit_reads_etablerad_within_the_bands_above_its_threshold(tmp_path):
    result, checks = _audited(_warehouse(tmp_path), [THRESHOLDS])
    leaks = result.leaks
    assert leaks["category_code"].tolist() == ["a"]
    assert leaks[["low", "high"]].values.tolist() == [[1.0, 4.0]]
    # b is in the relation (a is bounded through it), and names it
    b = result.cells[result.cells["category_code"] == "b"]
    assert b["relations"].str.contains("threshold band").all()
    assert checks["intervals_missing_true_count"] == 0


def test_without_the_relation_the_bands_alone_are_safe(tmp_path):
    result, _ = _audited(_warehouse(tmp_path), [])
    assert not result.failed, result.leaks


def test_a_threshold_in_the_lowest_band_bounds_nothing_new(tmp_path):
    """Threshold 50, in band a: etablerad <= a + b + c, the band total already."""
    result, _ = _audited(_warehouse(tmp_path, threshold=50), [THRESHOLDS])
    assert not result.failed, result.leaks


def test_a_window_whose_rows_and_thresholds_did_not_change_keeps_its_slice(tmp_path):
    """The audit keeps a slice whose rows and thresholds did not change
    (audit/slices.py). A threshold revised in window 2019 renews 2019's slice
    only; one digest of all a mart's thresholds renewed every window's (the
    national update kept 28 of 76 slices instead of 37)."""
    spec = alumni_spec([THRESHOLDS])
    spec["populations"]["alumni"]["period"] = "window_start_year"
    spec["marts"]["alm"]["cells"] = ["window_start_year", *spec["marts"]["alm"]["cells"]]
    path = fx.write_manifest(tmp_path / "linked_tables.yml", {"version": 1, **spec})

    def fingerprints(later: int) -> dict:
        exact = pd.concat(
            [
                AGGREGATE.assign(window_start_year=2013),
                AGGREGATE.assign(window_start_year=2019, etablering_threshold_sek=later),
            ]
        )
        published = exact.drop(columns=["etablering_threshold_sek"]).rename(
            columns={"n_persons": "n"}
        )
        tables = {
            "published": {"alm": fx.as_published(published, published["n"].lt(5).to_numpy())},
            "aggregates": {"agg_alm": exact},
        }
        db = fx.write_warehouse(tmp_path / f"{later}.duckdb", tables)
        with duckdb.connect(str(db), read_only=True) as con:
            found = slices.plan(con, manifest.load(path), 5, "published", tmp_path, "v")
        return {period: value for (_, period), value in found.hashes.items()}

    before, after = fingerprints(150), fingerprints(250)
    assert before.keys() == {"2013", "2019"}
    assert before["2013"] == after["2013"]
    assert before["2019"] != after["2019"]
