"""The input contract: failure paths stop the build with a clear message, and
the same delivery as Parquet or as SCB-style text gives identical staging.

The failure paths are asserted on the delivery check that dbt's on-run-start hook
runs (conftest.hook_check: same checks, contract and settings, no dbt parse);
test_delivery_checks proves end to end that dbt stops with that message."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import assert_refused, hook_check, run_dbt

STAGING = "path:models/staging"


def _copy(raw: Path, tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(raw, target)
    return target


def _rewrite(path: Path, select_sql: str) -> None:
    """Replace a Parquet extract by a query over itself (`src` is the old file)."""
    con = duckdb.connect()
    con.execute(f"create table src as select * from '{path}'")
    con.execute(f"copy ({select_sql}) to '{path}' (format parquet)")


def test_parquet_and_text_give_identical_staging(small_parquet, small_csv, tmp_path):
    runs = {}
    for fmt, raw in (("parquet", small_parquet), ("csv", small_csv)):
        workdir = tmp_path / fmt
        result = run_dbt(
            ["build", "--select", f"{STAGING} +{STAGING}", "--exclude", "test_type:data"],
            workdir=workdir,
            raw_dir=raw,
            raw_format=fmt,
        )
        assert result.returncode == 0, result.output
        runs[fmt] = workdir / "warehouse.duckdb"

    con = duckdb.connect()
    con.execute(f"attach '{runs['parquet']}' as p (read_only)")
    con.execute(f"attach '{runs['csv']}' as c (read_only)")
    views = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'p' and table_schema = 'staging'"
        ).fetchall()
    ]
    assert len(views) == 11
    # every staged value, not the incremental models' input_checksum: that one
    # hashes the delivered columns as typed in the file, so a change of format
    # rebuilds every year once (docs block incremental_revisions)
    values = "columns(lambda c: c <> 'input_checksum')"
    for view in views:
        only_p = con.execute(
            f"select count(*) from (select {values} from p.staging.{view} except all "
            f"select {values} from c.staging.{view})"
        ).fetchone()[0]
        only_c = con.execute(
            f"select count(*) from (select {values} from c.staging.{view} except all "
            f"select {values} from p.staging.{view})"
        ).fetchone()[0]
        assert (only_p, only_c) == (0, 0), f"{view} differs between Parquet and text"
    # Swedish letters survive Windows-1252 -> Latin-1 -> UTF-8
    names = {
        r[0]
        for r in con.execute(
            "select programme_name from c.staging.stg_ladok__programmes"
        ).fetchall()
    }
    assert any(ch in "".join(names) for ch in "åäöÅÄÖ")


def test_missing_file_names_the_file(demo_parquet, tmp_path):
    raw = _copy(demo_parquet, tmp_path)
    (raw / "examina.parquet").unlink()
    # what `dbt run --select stg_ladok__degrees` stops with
    assert_refused(hook_check(raw, extracts=["examina"]), "examina", "file not found")


def test_missing_column_names_file_and_column(demo_parquet, tmp_path):
    raw = _copy(demo_parquet, tmp_path)
    _rewrite(raw / "folkbokforing.parquet", "select LopNr, Ar from src")
    # what `dbt run --select stg_scb__residences` stops with
    assert_refused(
        hook_check(raw, extracts=["folkbokforing"]),
        "folkbokforing.parquet", "required column(s) missing: Kommun",
    )  # fmt: skip


def _set_csv_field(path: Path, line: int, column: str, value: str) -> None:
    """Set one field of an SCB-style text extract (';', Windows-1252); ``line``
    0 is the header, so line 3 is data row 3."""
    text = path.read_bytes()
    lines = text.split(b"\r\n") if b"\r\n" in text else text.split(b"\n")
    index = lines[0].decode("cp1252").split(";").index(column)
    fields = lines[line].decode("cp1252").split(";")
    fields[index] = value
    lines[line] = ";".join(fields).encode("cp1252")
    path.write_bytes(b"\n".join(lines))


def test_wrong_type_names_column_value_and_row(small_csv, tmp_path):
    raw = _copy(small_csv, tmp_path)
    _set_csv_field(raw / "personer.csv", 3, "FodelseAr", "nittonhundra")
    # what `dbt run --select stg_scb__persons` stops with
    assert_refused(
        hook_check(raw, "csv", extracts=["personer"]),
        "personer.csv", "column FodelseAr", "'nittonhundra' in data row 3",
    )  # fmt: skip


def test_missing_birth_year_names_file_column_and_row(small_parquet, small_csv, tmp_path):
    """A person without a birth year has no age: the populations defined by age
    (registered 18-25, analyses 3-4) lost them silently. The contract requires it
    (meta.required): the delivery is refused, in Parquet (NULL) and in text (empty)."""
    raw = _copy(small_parquet, tmp_path / "parquet")
    _rewrite(
        raw / "personer.parquet",
        "select * replace (case when row_number() over () in (5, 9) then null "
        "else FodelseAr end as FodelseAr) from src",
    )
    assert_refused(
        hook_check(raw, extracts=["personer"]),
        "personer.parquet", "column FodelseAr", "2 row(s) without a value", "data row 5",
    )  # fmt: skip
    raw = _copy(small_csv, tmp_path / "csv")
    _set_csv_field(raw / "personer.csv", 3, "FodelseAr", "")
    assert_refused(
        hook_check(raw, "csv", extracts=["personer"]),
        "personer.csv", "column FodelseAr", "1 row(s) without a value", "data row 3 (line 4)",
    )  # fmt: skip


def test_personnummer_like_column_stops_the_build(demo_parquet, tmp_path):
    raw = _copy(demo_parquet, tmp_path)
    # 19900101-0017 style: valid dates and Luhn check digits (check digit 0..9 chosen to fit)
    _rewrite(
        raw / "personer.parquet",
        """
        select * replace (
            cast(strftime(date '1970-01-01' + cast(LopNr % 9000 as integer), '%Y%m%d')
                 || lpad(cast(LopNr % 1000 as varchar), 3, '0') as varchar) as FodLand
        ) from src""",
    )
    # add the Luhn digit in SQL-free Python to be sure the values are valid personnummer
    con = duckdb.connect()
    rows = con.execute(f"select * from '{raw / 'personer.parquet'}'").fetchdf()

    def luhn_complete(nine_plus: str) -> str:
        ten = nine_plus[-9:]
        total = 0
        for i, ch in enumerate(ten):
            product = int(ch) * (2 if i % 2 == 0 else 1)
            total += product // 10 + product % 10
        return nine_plus + str((10 - total % 10) % 10)

    rows["FodLand"] = rows["FodLand"].map(luhn_complete)
    con.register("fixed", rows)
    con.execute(f"copy fixed to '{raw / 'personer.parquet'}' (format parquet)")
    # what `dbt run --select stg_scb__persons` stops with
    assert_refused(
        hook_check(raw, extracts=["personer"]), "column FodLand", "look like personnummer"
    )


def test_unknown_code_is_kept_and_counted(demo_parquet, tmp_path):
    raw = _copy(demo_parquet, tmp_path)
    _rewrite(
        raw / "examina.parquet",
        "select * replace (case when row_number() over () <= 7 then 'ZZZZ' "
        "else Examenskod end as Examenskod) from src",
    )
    # the code lists come with the selection (+): one dbt invocation, one parse
    workdir = tmp_path / "work"
    result = run_dbt(
        ["build", "--select", "+dq_unmapped_codes", "--exclude", "test_type:data"],
        workdir=workdir,
        raw_dir=raw,
    )
    assert result.returncode == 0, result.output
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    kept = con.execute(
        "select count(*) from staging.stg_ladok__degrees "
        "where degree_code = 'Okänt' and degree_code_delivered = 'ZZZZ'"
    ).fetchone()[0]
    delivered = con.execute(f"select count(*) from '{raw / 'examina.parquet'}'").fetchone()[0]
    staged = con.execute("select count(*) from staging.stg_ladok__degrees").fetchone()[0]
    counted = con.execute(
        "select n_rows from data_quality.dq_unmapped_codes "
        "where raw_column_name = 'Examenskod' and delivered_value = 'ZZZZ'"
    ).fetchone()
    assert kept == 7 and staged == delivered and counted == (7,)
