"""The audit across two releases (`--last-release`, audit/last_release.py).

One programme's graduates: 3 women, 9 men, 12 in all. The last release hid
women and men and published the total; this one hides women and the total and
publishes the men. Each release alone protects the 3 women; together
12 - 9 = 3. The attacker keeps both releases, so the audit given the last one
must find the women exactly, and must not use a value the last release
published for a count that has changed since.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402

from studentflow.audit import manifest, run  # noqa: E402
from studentflow.audit.__main__ import main as audit_main  # noqa: E402
from studentflow.release import keep  # noqa: E402

SPEC = fx.alumni_spec("all")
SEXES = ["Kvinnor", "Män", fx.TOTAL]


def _release(path: Path, counts: list[int], hidden: list[bool]) -> Path:
    mart = pd.DataFrame({"group_code": ["P1"] * 3, "sex": SEXES, "n": counts})
    fx.write_published(path, {"alumni": mart}, {"alumni": pd.Series(hidden)})
    return path


def _audit(db: Path, spec_path: Path, last: Path | None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return run.audit(con, manifest.load(spec_path), fx.K, last=last)
    finally:
        con.close()


@pytest.fixture
def releases(tmp_path):
    spec_path = fx.write_manifest(tmp_path / "linked_tables.yml", SPEC)
    last = _release(tmp_path / "last.duckdb", [3, 9, 12], [True, True, False])
    return tmp_path, spec_path, last


def _women(result) -> pd.Series:
    cells = result.cells
    return cells[cells["sex"].astype(str) == "Kvinnor"].iloc[0]


def test_each_release_alone_protects_the_women(releases):
    tmp, spec_path, last = releases
    now = _release(tmp / "now.duckdb", [3, 9, 12], [True, False, True])
    for db in (now, last):
        result = _audit(db, spec_path, None)
        assert not result.failed
        assert result.revealed is None


def test_the_two_releases_together_give_the_women_away(releases):
    tmp, spec_path, last = releases
    now = _release(tmp / "now.duckdb", [3, 9, 12], [True, False, True])
    result = _audit(now, spec_path, last)
    assert result.revealed == 1  # the total, published last time with 12
    assert result.failed
    women = _women(result)
    assert (women["status"], women["low"], women["high"]) == ("exact", 3.0, 3.0)


def test_a_count_that_changed_keeps_its_protection(releases):
    """13 graduates now (4 women): the last release's 12 is no longer the total."""
    tmp, spec_path, last = releases
    now = _release(tmp / "now.duckdb", [4, 9, 13], [True, False, True])
    result = _audit(now, spec_path, last)
    assert result.revealed == 0
    assert not result.failed


def test_a_kept_release_is_its_published_marts(releases, capsys):
    """`keep-release` copies the published schema; the audit reads it as it reads
    the warehouse, and the command line fails on the leak."""
    tmp, spec_path, last = releases
    kept = tmp / "kept" / "release.duckdb"
    assert keep(last, kept) == ["alumni"]
    con = duckdb.connect(str(kept), read_only=True)
    schemas = {row[0] for row in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    con.close()
    assert "aggregates" not in schemas  # exact counts stay in the warehouse
    now = _release(tmp / "now.duckdb", [3, 9, 12], [True, False, True])
    argv = ["--duckdb", str(now), "--linked-tables", str(spec_path), "--k", str(fx.K)]
    argv += ["--out", str(tmp / "audit"), "--workers", "1"]
    assert audit_main([*argv, "--last-release", str(kept)]) == 1
    assert "with the last release: 1 protected cells" in capsys.readouterr().out
    assert audit_main(argv) == 0


def test_a_missing_last_release_is_named(releases):
    tmp, spec_path, _ = releases
    now = _release(tmp / "now.duckdb", [3, 9, 12], [True, False, True])
    with pytest.raises(FileNotFoundError, match="no DuckDB file"):
        _audit(now, spec_path, tmp / "nowhere.duckdb")


def test_a_warehouse_without_published_marts_is_no_release(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(ValueError, match="no table in schema published"):
        keep(empty, tmp_path / "kept.duckdb")
    assert not (tmp_path / "kept.duckdb").exists()
