"""`studentflow export`: only published marts leave the warehouse, in Excel-friendly CSV
and Parquet, and the data dictionary covers every exported column.

The fast tests use a tiny hand-made warehouse (schemas published, aggregates,
intermediate) and manifest; one test exports every mart of the demo warehouse
built by test_report's session helper.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from studentflow import export as ex

BOM = "\ufeff"


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    """A warehouse with one published mart, an aggregate and an intermediate model."""
    db = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema published; create schema aggregates; create schema intermediate")
    con.execute(
        """
        create table published.recruitment_by_county as
        select * from (values
            ('liu', 'Totalt', 2013, 'Totalt', 'Riket', 40, '40', false, 1.0, '100,0',
             false, 40),
            ('liu', 'Totalt', 2013, '05', 'Östergötlands län', 37, '37', false, 0.925,
             '92,5', false, 40),
            ('liu', 'Totalt', 2013, '01', 'Stockholms län', null, '..', true, null,
             '..', true, 40),
            ('liu', 'Totalt', 2013, '03', 'Uppsala län', null, '..', true, null,
             '..', true, 40)
        ) as t(institution_code, sex, window_start_year, recruitment_county_code,
               recruitment_county_name, n, n_display, n_is_suppressed,
               share, share_display, share_is_suppressed, share_denominator)
        """
    )
    con.execute(
        "create table aggregates.agg_recruitment_by_county as "
        "select 'liu' as institution_code, '01' as recruitment_county_code, 3 as n_persons"
    )
    con.execute("create table intermediate.int_students_first_term as select 1 as person_id")
    con.close()
    manifest = {
        "nodes": {
            "model.studentflow.recruitment_by_county": {
                "resource_type": "model",
                "name": "recruitment_by_county",
                "alias": "recruitment_by_county",
                "schema": "published",
                "description": "Analysis 1: entrants by recruitment county.",
                "columns": {
                    "institution_code": {"description": "Institution code (larosaten)."},
                    "n": {"description": "Protected count."},
                },
            },
            "model.studentflow.agg_recruitment_by_county": {
                "resource_type": "model",
                "name": "agg_recruitment_by_county",
                "alias": "agg_recruitment_by_county",
                "schema": "aggregates",
                "columns": {},
            },
            "model.studentflow.stg_scb__persons": {
                "resource_type": "model",
                "name": "stg_scb__persons",
                "alias": "stg_scb__persons",
                "schema": "staging",
                "columns": {},
            },
        },
        "sources": {},
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return db, path


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM.encode("utf-8")), f"{path.name} has no UTF-8 BOM"
    text = raw.decode("utf-8")[1:]
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("agg_recruitment_by_county", "schema 'aggregates'"),
        ("aggregates.agg_recruitment_by_county", "exact, unprotected counts"),
        ("int_students_first_term", "schema 'intermediate'"),
        ("stg_scb__persons", "schema 'staging'"),
        ("no_such_mart", "no model of that name"),
    ],
)
def test_refuses_anything_but_published_marts(tiny, tmp_path, capsys, name, expected):
    db, manifest = tiny
    out = tmp_path / "out"
    code = ex.main(
        ["--duckdb", str(db), "--out", str(out), "--manifest", str(manifest), "--models", name]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert f"'{name}' is not a published mart" in err
    assert expected in err
    assert "Published marts: recruitment_by_county" in err
    assert not out.exists() or not any(out.iterdir()), "nothing may be written on refusal"


def test_refusal_lists_every_bad_name_and_exports_nothing(tiny, tmp_path):
    db, manifest = tiny
    with pytest.raises(ex.ExportRefused) as info:
        ex.export(
            db,
            tmp_path / "out",
            ["recruitment_by_county", "agg_recruitment_by_county", "nope"],
            manifest_path=manifest,
        )
    message = str(info.value)
    assert "agg_recruitment_by_county" in message and "nope" in message
    assert not (tmp_path / "out").exists()


def test_csv_is_excel_friendly_with_decimal_comma(tiny, tmp_path):
    db, manifest = tiny
    out = tmp_path / "out"
    assert ex.main(["--duckdb", str(db), "--out", str(out), "--manifest", str(manifest)]) == 0
    rows = read_csv(out / "recruitment_by_county.csv")
    by_county = {r["recruitment_county_code"]: r for r in rows}
    assert by_county["05"]["share"] == "0,925"  # decimal comma in DOUBLE columns
    assert by_county["05"]["recruitment_county_name"] == "Östergötlands län"  # UTF-8 intact
    assert by_county["05"]["share_display"] == "92,5"
    # a suppressed cell: empty figure (NULL), never 0, with '..' and no reason
    assert by_county["01"]["n"] == "" and by_county["01"]["share"] == ""
    assert by_county["01"]["n_display"] == ".."
    assert "n_suppression_reason" not in by_county["01"]
    assert by_county["01"]["n_is_suppressed"] == "true"
    # Parquet keeps the types and the NULLs
    table = pq.read_table(out / "recruitment_by_county.parquet")
    assert table.num_rows == 4
    assert table.column("n").null_count == 2


def test_decimal_point_option(tiny, tmp_path):
    db, manifest = tiny
    out = tmp_path / "out"
    ex.export(db, out, decimal="point", manifest_path=manifest, log=lambda *_: None)
    rows = read_csv(out / "recruitment_by_county.csv")
    assert {r["share"] for r in rows if r["recruitment_county_code"] == "05"} == {"0.925"}


def test_dictionary_covers_every_column(tiny, tmp_path):
    db, manifest = tiny
    out = tmp_path / "out"
    result = ex.export(db, out, manifest_path=manifest, log=lambda *_: None)
    assert_dictionary_complete(out, result)
    rows = read_csv(out / "data_dictionary.csv")
    described = {(r["table"], r["column"]): r for r in rows}
    assert described[("recruitment_by_county", "n")]["description"] == "Protected count."
    assert described[("recruitment_by_county", "n")]["description_source"] == "dbt"
    # a standard suppression column without a dbt description gets the generated one
    flag = described[("recruitment_by_county", "n_is_suppressed")]
    assert flag["description_source"] == "generated" and "suppressed" in flag["description"]
    md = (out / "data_dictionary.md").read_text(encoding="utf-8")
    assert "## Reading the suppression columns" in md
    # reasons stay inside: the dictionary does not describe a reason column
    assert "`n_suppression_reason`" not in md and "sekundär" not in md


def assert_dictionary_complete(out: Path, result: dict) -> None:
    """Every column of every exported CSV and Parquet file has a dictionary row with a type."""
    rows = read_csv(out / "data_dictionary.csv")
    described = {(r["table"], r["column"]): r for r in rows}
    assert result["tables"], "nothing exported"
    for table in result["tables"]:
        csv_columns = next(
            csv.reader(io.StringIO(read_csv_header(out / f"{table}.csv")), delimiter=";")
        )
        parquet_columns = pq.read_schema(out / f"{table}.parquet").names
        assert csv_columns == parquet_columns
        for column in csv_columns:
            assert (table, column) in described, f"{table}.{column} missing from the dictionary"
            assert described[(table, column)]["type"], f"{table}.{column} has no type"
        md = (out / "data_dictionary.md").read_text(encoding="utf-8")
        assert f"### {table}" in md
    exported = {(t, c) for (t, c) in described}
    assert {t for t, _ in exported} == set(result["tables"])


def read_csv_header(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as f:
        return f.readline()


def test_demo_warehouse_export(demo_warehouse, tmp_path):
    """Every published mart of the demo build, with dbt's descriptions for every column."""
    db, target = demo_warehouse
    out = tmp_path / "export"
    result = ex.export(db, out, manifest_path=target / "manifest.json", log=lambda *_: None)
    con = duckdb.connect(str(db), read_only=True)
    published = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'published'"
        ).fetchall()
    }
    con.close()
    assert set(result["tables"]) == published
    assert_dictionary_complete(out, result)
    assert result["columns_without_description"] == [], (
        "columns without any description: " + ", ".join(result["columns_without_description"])
    )
    with pytest.raises(ex.ExportRefused, match="schema 'aggregates'"):
        ex.export(db, tmp_path / "refused", ["agg_recruitment_by_county"])


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory, demo_parquet):
    from test_report import build_demo_warehouse

    return build_demo_warehouse(tmp_path_factory, demo_parquet)
