"""Annual update: after one more year of data, an incremental `dbt run` gives
exactly the same warehouse as a full refresh (demo scale)."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import generate, run_dbt

# Relations compared: everything a user can see or that feeds it.
SCHEMAS = ("intermediate", "aggregates", "published")


@pytest.fixture(scope="module")
def incremental_and_full(tmp_path_factory):
    root = tmp_path_factory.mktemp("annual")
    raw = root / "raw"
    # last year's delivery, fully built
    generate(raw, extra=["--end-year", "2023"])
    incremental = root / "incremental"
    for args in (["seed"], ["run"]):
        result = run_dbt(args, workdir=incremental, raw_dir=raw)
        assert result.returncode == 0, result.output
    # this year's delivery: the same seed, one more year
    shutil.rmtree(raw)
    generate(raw, extra=["--end-year", "2024"])
    result = run_dbt(["run"], workdir=incremental, raw_dir=raw)
    assert result.returncode == 0, result.output
    incremental_target = result.target

    full = root / "full"
    for args in (["seed"], ["run", "--full-refresh"]):
        result = run_dbt(args, workdir=full, raw_dir=raw)
        assert result.returncode == 0, result.output
    return incremental / "warehouse.duckdb", full / "warehouse.duckdb", incremental_target


def _relations(con, catalog):
    return {
        (schema, name)
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_catalog = '{catalog}' and table_type = 'BASE TABLE'"
        ).fetchall()
        if schema in SCHEMAS
    }


def test_incremental_run_equals_full_refresh(incremental_and_full):
    incremental_db, full_db, _ = incremental_and_full
    con = duckdb.connect()
    con.execute(f"attach '{incremental_db}' as inc (read_only)")
    con.execute(f"attach '{full_db}' as ful (read_only)")
    relations = _relations(con, "ful")
    assert relations == _relations(con, "inc")
    assert any(schema == "published" for schema, _ in relations)
    for schema, name in sorted(relations):
        for left, right in (("inc", "ful"), ("ful", "inc")):
            differing = con.execute(
                f"select count(*) from (select * from {left}.{schema}.{name} "
                f"except all select * from {right}.{schema}.{name})"
            ).fetchone()[0]
            assert differing == 0, f"{schema}.{name}: {differing} rows only in {left}"


def test_large_models_ran_incrementally(incremental_and_full):
    """The second run must have taken the incremental path, not rebuilt them."""
    _, _, target = incremental_and_full
    compiled = list((target / "run").rglob("*.sql"))
    incremental_sql = [
        path
        for path in compiled
        if "delete from" in path.read_text().lower() or "insert into" in path.read_text().lower()
    ]
    assert incremental_sql, "no model was updated incrementally"
