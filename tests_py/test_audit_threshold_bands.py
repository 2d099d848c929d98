"""The audit reads ``threshold_bands`` (audit/threshold_bands.py): the published
etablerad within the published bands from the window's lowest threshold up, the
threshold read from the aggregate. The case of the engine's test."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402
from test_sdc_threshold_bands import AGGREGATE, THRESHOLDS, alumni_spec

# a (3) hidden with b (6) beside c (8) and the band total (17); etablerad (13)
# published. Alone, a + b = 9 leaves a anywhere in 1..8; with etablerad <= b + c,
# a <= 17 - 13 = 4
HIDDEN = {"a", "b"}


def _warehouse(tmp: Path, threshold=150) -> Path:
    exact = AGGREGATE.assign(etablering_threshold_sek=threshold)
    published = exact.drop(columns=["etablering_threshold_sek"]).rename(columns={"n_persons": "n"})
    published["n_is_suppressed"] = published["category_code"].isin(HIDDEN)
    published["n_display"] = np.where(
        published["n_is_suppressed"], "..", published["n"].astype(str)
    )
    published["n"] = published["n"].astype("Int64").mask(published["n_is_suppressed"])
    db = tmp / "threshold_bands.duckdb"
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    for schema, name, frame in [("published", "alm", published), ("aggregates", "agg_alm", exact)]:
        con.execute(f"create schema if not exists {schema}")
        con.register("frame", frame)
        con.execute(f"create table {schema}.{name} as select * from frame")
        con.unregister("frame")
    con.close()
    return db


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
