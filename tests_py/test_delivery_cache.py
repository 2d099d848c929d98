"""A delivery that passed `studentflow check` is not read again while its bytes, the
code lists, the contract, the settings and the checker are unchanged
(studentflow.delivery.cache); any change, or a failing delivery, is checked afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import PROJECT

from studentflow.delivery import Settings, check_delivery
from studentflow.delivery.contract import load_sources_yaml


def _check(raw: Path, cache: Path, **settings):
    settings = Settings(seeds_dir=str(PROJECT / "seeds"), **settings)
    return check_delivery(raw, load_sources_yaml(PROJECT), settings, cache=cache)


def test_passing_delivery_is_reused_until_a_byte_changes(demo_parquet, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_parquet, raw)
    cache = tmp_path / "cache.json"
    first = _check(raw, cache)
    assert first.ok and not first.cached and cache.exists()
    again = _check(raw, cache)
    assert again.cached and again.ok
    assert again.to_dict()["extracts"] == first.to_dict()["extracts"]
    assert "nothing was re-read" in again.to_text()
    # other settings are another verdict
    assert not _check(raw, cache, duplicates="remove").cached
    # one repeated row in one extract: checked afresh, and the duplicate is found
    path = raw / "program.parquet"
    con = duckdb.connect()
    con.execute(f"create table src as select * from '{path}'")
    con.execute(f"copy (select * from src union all (select * from src limit 1)) to '{path}'")
    changed = _check(raw, cache)
    assert not changed.cached and not changed.ok
    assert any(f.check == "key" for f in changed.errors)


def test_failing_delivery_is_never_reused_and_a_damaged_cache_is_a_miss(demo_parquet, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(demo_parquet, raw)
    cache = tmp_path / "cache.json"
    (raw / "examina.parquet").unlink()
    assert not _check(raw, cache).ok and not cache.exists()
    shutil.copy(demo_parquet / "examina.parquet", raw / "examina.parquet")
    cache.write_text("{not json", encoding="utf-8")
    report = _check(raw, cache)
    assert report.ok and not report.cached
    assert _check(raw, cache).cached
