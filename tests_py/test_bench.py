"""`make bench`'s figures read from a warehouse (src/studentflow/bench.py)."""

from __future__ import annotations

import duckdb

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
