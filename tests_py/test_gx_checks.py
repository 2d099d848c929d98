"""Great Expectations checks (studentflow.gx) on tiny planted data.

Builds a clean set of raw Parquet extracts and a tiny warehouse with a
`published` schema in tmp_path, checks that everything passes, then plants one
violation at a time and checks that the right suite fails. Independent of the
demo data and of dbt. GX import takes ~4 s and each checkpoint ~0.5 s, so plants share runs where
they can; the module runs in about 30 s of CPU.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")
pytest.importorskip("great_expectations")

from studentflow import gx  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

I16, I32, I64, STR, DEC, DATE = (
    pa.int16(),
    pa.int32(),
    pa.int64(),
    pa.string(),
    pa.decimal128(5, 1),
    pa.date32(),
)

# extract -> list of (column, arrow type)
SCHEMAS = {
    "personer": [
        ("LopNr", I64),
        ("Kon", I16),
        ("FodelseAr", I16),
        ("FodLand", STR),
        ("LopNrMor", I64),
        ("LopNrFar", I64),
    ],
    "folkbokforing": [("LopNr", I64), ("Ar", I16), ("Kommun", STR)],
    "utvandringar": [("LopNr", I64), ("UtvandringDatum", DATE)],
    "utbildningsniva": [("LopNr", I64), ("Ar", I16), ("SUN2020Niva", STR)],
    "gymnasieexamina": [("LopNr", I64), ("ExamensAr", I16), ("SkolKommun", STR)],
    "program": [
        ("Larosate", STR),
        ("Programkod", STR),
        ("Programnamn", STR),
        ("Examenskod", STR),
        ("Niva", STR),
    ],
    "registreringar": [
        ("LopNr", I64),
        ("Termin", STR),
        ("Larosate", STR),
        ("Programkod", STR),
        ("Huvudomrade", STR),
        ("Niva", STR),
        ("HpReg", DEC),
        ("HpPrest", DEC),
    ],
    "examina": [
        ("LopNr", I64),
        ("Larosate", STR),
        ("ExamensDatum", DATE),
        ("Examenskod", STR),
        ("Programkod", STR),
        ("Huvudomrade", STR),
    ],
    "forskarexamina": [
        ("LopNr", I64),
        ("Larosate", STR),
        ("ExamensDatum", DATE),
        ("Examen", STR),
        ("Forskningsamne", STR),
    ],
    "sysselsattning": [
        ("LopNr", I64),
        ("Ar", I16),
        ("SyssStat", STR),
        ("ArbInk", I32),
        ("ArbLos", STR),
        ("Studerande", STR),
        ("AstSNI2007", STR),
        ("AstSektor", STR),
        ("SSYK2012", STR),
        ("Matchning", STR),
        ("AstKommun", STR),
    ],
    "befolkning_kommun": [
        ("Ar", I16),
        ("Kommun", STR),
        ("Kon", I16),
        ("Alder", I16),
        ("UtrikesFodd", STR),
        ("Antal", I32),
    ],
}


def clean_raw_rows() -> dict[str, list[tuple]]:
    from decimal import Decimal as D

    return {
        "personer": [
            (101, 1, 1995, "SE", 201, 202),
            (102, 2, 1996, "FI", None, None),
            (201, 2, 1965, "SE", None, None),
            (202, 1, 1963, None, None, None),
        ],
        "folkbokforing": [(101, 2014, "0580"), (101, 2015, "0580"), (102, 2015, "0180")],
        "utvandringar": [(102, dt.date(2019, 5, 1))],
        "utbildningsniva": [(101, 2014, "4"), (101, 2019, "6"), (201, 1985, "5")],
        "gymnasieexamina": [(101, 2014, "0580"), (102, 2015, "0180")],
        "program": [("liu", "6MMEC", "Maskinteknik", "CING", "A")],
        "registreringar": [
            (101, "HT2014", "liu", "6MMEC", None, "G", D("30.0"), D("22.5")),
            (102, "VT2016", "liu", None, None, "G", D("7.5"), D("7.5")),
        ],
        "examina": [(101, "liu", dt.date(2019, 6, 10), "CING", "6MMEC", None)],
        "forskarexamina": [(102, "liu", dt.date(2024, 3, 1), "DOK", "101")],
        "sysselsattning": [
            (101, 2020, "1", 412000, "N", "N", "62010", "1510", "2512", "11", "0580"),
            (102, 2020, "5", 0, "J", "J", None, None, None, None, None),
        ],
        "befolkning_kommun": [(2020, "0580", 1, 19, "N", 812), (2020, "0580", 2, 19, "J", 0)],
    }


def write_raw(raw_dir: Path, rows: dict[str, list[tuple]]) -> None:
    raw_dir.mkdir(parents=True, exist_ok=True)
    for name, schema in SCHEMAS.items():
        columns = list(zip(*rows[name], strict=True))
        arrays = [
            pa.array(list(values), type=kind)
            for values, (_, kind) in zip(columns, schema, strict=True)
        ]
        pq.write_table(pa.table(arrays, names=[c for c, _ in schema]), raw_dir / f"{name}.parquet")


MART_DDL = """
create schema published;
create table published.mart_example (
    institution_code varchar, sex_label varchar, category_code varchar,
    n bigint, n_display varchar, n_is_suppressed boolean,
    share double, share_display varchar, share_is_suppressed boolean, share_denominator bigint,
    income_sek_median double, income_sek_p25 double, income_sek_p75 double,
    income_sek_mean double, income_sek_is_suppressed boolean
);
insert into published.mart_example values
    ('liu', 'Totalt', 'Totalt', 40, '40', false, 1.0, '100,0', false, 40,
     300000, 250000, 350000, 310000, false),
    ('liu', 'Totalt', 'A', 30, '30', false, 0.75, '75,0', false, 40,
     310000, 260000, 360000, 320000, false),
    ('liu', 'Totalt', 'B', null, '..', true, null, '..', true, 40,
     null, null, null, null, true),
    ('liu', 'Totalt', 'C', null, '..', true, null, '..', true, 40,
     null, null, null, null, true),
    ('liu', 'Totalt', 'D', 0, '0', false, 0.0, '0,0', false, 40,
     null, null, null, null, true),
    ('liu', 'Totalt', 'E', 6, '6', false, 0.15, '15,0', false, 40,
     null, null, null, null, true);
create table published.mart_rates (
    county_code varchar, n bigint, n_display varchar, n_is_suppressed boolean,
    rate double, rate_display varchar,
    rate_is_suppressed boolean, rate_denominator bigint
);
insert into published.mart_rates values
    ('05', 12, '12', false, 0.12, '12,0', false, 100),
    ('06', null, '..', true, null, '..', true, 50);
-- two counts pivoted into one row (relationstal, net migration): no column n
create table published.mart_pivoted (
    municipality_code varchar,
    n_living bigint, n_living_display varchar, n_living_is_suppressed boolean,
    n_recruited bigint, n_recruited_display varchar, n_recruited_is_suppressed boolean,
    relationstal double, relationstal_display varchar, relationstal_is_suppressed boolean
);
insert into published.mart_pivoted values
    ('0580', 20, '20', false, 10, '10', false, 2.0, '2,0', false),
    ('0581', 8, '8', false, null, '..', true, null, '..', true);
"""


def write_warehouse(path: Path, plant_sql: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(MART_DDL)
        if plant_sql:
            con.execute(plant_sql)
    finally:
        con.close()


def settings_for(tmp_path: Path, **overrides) -> gx.Settings:
    values = dict(
        raw_dir=tmp_path / "raw",
        duckdb_path=tmp_path / "warehouse" / "studentflow.duckdb",
        out_dir=tmp_path / "gx_out",
        seeds_dir=REPO / "seeds",
        data_docs=False,
    )
    values.update(overrides)
    return gx.Settings(**values)


def failed(reports) -> set[tuple[str, str, str]]:
    return {
        (row.suite, row.expectation, row.column)
        for report in reports
        for row in report.rows
        if not row.success
    }


@pytest.fixture
def clean(tmp_path: Path) -> gx.Settings:
    write_raw(tmp_path / "raw", clean_raw_rows())
    write_warehouse(tmp_path / "warehouse" / "studentflow.duckdb")
    return settings_for(tmp_path)


def test_clean_data_passes_and_writes_results(clean: gx.Settings) -> None:
    clean.data_docs = True  # once: the HTML data docs build offline
    success, reports = gx.run(clean)
    assert failed(reports) == set()
    assert success
    suites = {r.suite for r in reports}
    assert {f"raw_extracts.{name}" for name in gx.RAW_CONTRACT} <= suites
    assert {
        "published_marts.mart_example",
        "published_marts.mart_rates",
        "published_marts.mart_pivoted",
    } <= suites
    summary = (clean.out_dir / "summary.md").read_text(encoding="utf-8")
    assert "overall: **PASS**" in summary
    assert json.loads((clean.out_dir / "results.json").read_text())["success"] is True
    assert (
        clean.out_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    ).is_file()


# plant id -> (base table, SQL applied to the copy {t}, expected failed (expectation, column))
MART_PLANTS = {
    "count_of_3": (
        "mart_example",
        "update {t} set n = 3, n_display = '3', n_is_suppressed = false where category_code = 'C'",
        ("expect_column_values_to_not_be_in_set", "n"),
    ),
    "share_with_null_n": (
        "mart_example",
        "update {t} set share = 0.1 where category_code = 'B'",
        ("expect_column_values_to_be_null", "share"),
    ),
    "median_from_6_persons": (
        "mart_example",
        "update {t} set income_sek_median = 1 where category_code = 'E'",
        ("expect_column_values_to_be_null", "income_sek_median"),
    ),
    "dots_beside_published_count": (
        "mart_example",
        "update {t} set n_display = '..' where category_code = 'A'",
        ("expect_column_values_to_match_regex", "n_display"),
    ),
    "identifier_column": (
        "mart_rates",
        "alter table {t} add column LopNr bigint",
        ("expect_table_columns_to_not_be_identifiers", "(table)"),
    ),
    "pivoted_count_of_2": (
        "mart_pivoted",
        "update {t} set n_recruited = 2, n_recruited_display = '2', "
        "n_recruited_is_suppressed = false "
        "where municipality_code = '0581'",
        ("expect_column_values_to_not_be_in_set", "n_recruited"),
    ),
    "pivoted_ratio_beside_suppressed_count": (
        "mart_pivoted",
        "update {t} set relationstal = 4.0 where municipality_code = '0581'",
        ("expect_column_values_to_be_null", "relationstal"),
    ),
    "published_suppression_reason": (
        "mart_example",
        "alter table {t} add column n_suppression_reason varchar",
        ("expect_table_columns_to_not_be_identifiers", "(table)"),
    ),
    "date_column": (
        "mart_rates",
        "alter table {t} add column graduation_date date",
        ("expect_table_columns_to_not_be_identifiers", "(table)"),
    ),
}


@pytest.fixture(scope="module")
def planted_mart_run(tmp_path_factory):
    """One warehouse: the clean marts plus one copy per planted violation, run once
    (each GX checkpoint costs ~0.5 s, so the plants share one run)."""
    tmp_path = tmp_path_factory.mktemp("planted_marts")
    plants = []
    for plant_id, (base, sql, _) in MART_PLANTS.items():
        table = f"published.plant_{plant_id}"
        plants.append(f"create table {table} as select * from published.{base};")
        plants.append(sql.format(t=table) + ";")
    write_warehouse(tmp_path / "warehouse" / "studentflow.duckdb", "\n".join(plants))
    return gx.run(settings_for(tmp_path), raw=False)


def test_clean_marts_pass_beside_planted_ones(planted_mart_run) -> None:
    success, reports = planted_mart_run
    assert not success
    by_suite = {r.suite: r.success for r in reports}
    assert by_suite["published_marts.mart_example"]
    assert by_suite["published_marts.mart_rates"]
    assert by_suite["published_marts.mart_pivoted"]


@pytest.mark.parametrize("plant_id", list(MART_PLANTS))
def test_planted_mart_violation_fails(planted_mart_run, plant_id: str) -> None:
    _, reports = planted_mart_run
    suite = f"published_marts.plant_{plant_id}"
    report = next(r for r in reports if r.suite == suite)
    assert not report.success
    assert {(s, e, c) for s, e, c in failed([report])} == {(suite, *MART_PLANTS[plant_id][2])}


def test_cell_key_method_allows_small_counts(tmp_path: Path) -> None:
    write_warehouse(
        tmp_path / "warehouse" / "studentflow.duckdb",
        "update published.mart_example set n = 3, n_display = '3', n_is_suppressed = false "
        "where category_code = 'C'",
    )
    success, reports = gx.run(settings_for(tmp_path, sdc_method="cell_key"), raw=False)
    assert failed(reports) == set()
    assert success


@pytest.mark.parametrize(
    ("extract", "row_index", "column", "value", "expected"),
    [
        pytest.param(
            "personer",
            1,
            0,
            101,
            ("raw_extracts.personer", "expect_column_values_to_be_unique", "LopNr"),
            id="duplicated-LopNr",
        ),
        pytest.param(
            "personer",
            0,
            2,
            1850,
            ("raw_extracts.personer", "expect_column_values_to_be_between", "FodelseAr"),
            id="birth-year-1850",
        ),
        pytest.param(
            "folkbokforing",
            1,
            1,
            2014,
            ("raw_extracts.folkbokforing", "expect_compound_columns_to_be_unique", "LopNr,Ar"),
            id="duplicated-LopNr-Ar",
        ),
        pytest.param(
            "registreringar",
            0,
            1,
            "HT14",
            ("raw_extracts.registreringar", "expect_column_values_to_match_regex", "Termin"),
            id="bad-term",
        ),
        pytest.param(
            "registreringar",
            0,
            6,
            __import__("decimal").Decimal("120.0"),
            ("raw_extracts.registreringar", "expect_column_values_to_be_between", "HpReg"),
            id="credits-120",
        ),
        pytest.param(
            "forskarexamina",
            0,
            3,
            "MAG",
            ("raw_extracts.forskarexamina", "expect_column_values_to_be_in_set", "Examen"),
            id="unknown-degree",
        ),
    ],
)
def test_planted_raw_violation_fails(
    tmp_path: Path, extract, row_index, column, value, expected
) -> None:
    rows = clean_raw_rows()
    row = list(rows[extract][row_index])
    row[column] = value
    rows[extract][row_index] = tuple(row)
    write_raw(tmp_path / "raw", rows)
    # only the planted extract's suite: each GX checkpoint costs ~0.7 s
    success, reports = gx.run(settings_for(tmp_path, extracts=(extract,)), marts=False)
    assert not success
    assert expected in failed(reports)
    assert {s for s, _, _ in failed(reports)} == {expected[0]}


def test_wrong_type_and_missing_file_fail(tmp_path: Path) -> None:
    write_raw(tmp_path / "raw", clean_raw_rows())
    (tmp_path / "raw" / "utvandringar.parquet").unlink()
    # Kommun delivered as an integer (leading zero lost): a contract violation
    pq.write_table(
        pa.table(
            {
                "LopNr": pa.array([101], I64),
                "Ar": pa.array([2014], I16),
                "Kommun": pa.array([580], I32),
            }
        ),
        tmp_path / "raw" / "folkbokforing.parquet",
    )
    settings = settings_for(tmp_path, extracts=("utvandringar", "folkbokforing"))
    success, reports = gx.run(settings, marts=False)
    assert not success
    bad = failed(reports)
    assert ("raw_extracts.utvandringar", "input_is_readable", "(input)") in bad
    assert (
        "raw_extracts.folkbokforing",
        "expect_column_values_to_be_in_type_list",
        "Kommun",
    ) in bad


def test_sampling_is_deterministic_and_keeps_persons(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    n = 3000
    pq.write_table(
        pa.table(
            {
                "LopNr": pa.array([i // 3 for i in range(n)], I64),
                "Ar": pa.array([2010 + i % 3 for i in range(n)], I16),
                "Kommun": pa.array(["0580"] * n, STR),
            }
        ),
        raw / "folkbokforing.parquet",
    )
    settings = settings_for(tmp_path, max_rows=1000)
    first = gx.read_raw_extract(settings, "folkbokforing")
    second = gx.read_raw_extract(settings, "folkbokforing")
    assert first.rows_total == n and 0 < len(first.frame) < n
    assert first.frame["LopNr"].tolist() == second.frame["LopNr"].tolist()
    assert (first.frame.groupby("LopNr").size() == 3).all()  # whole persons
    assert "sampled" in first.note


def test_csv_delivery_with_decimal_comma(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_raw(raw, clean_raw_rows())
    text = (
        "LopNr;Termin;Larosate;Programkod;Huvudomrade;Niva;HpReg;HpPrest\n"
        "101;HT2014;liu;6MMEC;;G;30,0;22,5\n102;VT2016;liu;;;G;7,5;sju\n"
    )
    (raw / "registreringar.csv").write_bytes(text.encode("latin-1"))
    settings = settings_for(tmp_path, raw_format="csv")
    loaded = gx.read_raw_extract(settings, "registreringar")
    assert loaded.frame["HpReg"].tolist() == [30.0, 7.5]
    codes = gx.load_seed_codes(settings.seeds_dir)
    context = gx.make_context(settings.out_dir)
    source = context.data_sources.add_pandas(name="raw_csv")
    report = gx.run_suite(
        context,
        source,
        "raw_extracts",
        "registreringar",
        loaded.frame,
        gx.raw_expectations("registreringar", codes, text_delivery=True),
    )
    assert not report.success
    assert {(r.expectation, r.column) for r in report.rows if not r.success} == {
        ("expect_column_values_to_match_regex", "HpPrest__text")
    }


def test_missing_warehouse_fails_clearly(tmp_path: Path, capsys) -> None:
    write_raw(tmp_path / "raw", clean_raw_rows())
    code = gx.main(
        [
            "--raw-dir",
            str(tmp_path / "raw"),
            "--duckdb",
            str(tmp_path / "nope.duckdb"),
            "--out",
            str(tmp_path / "out"),
            "--project-dir",
            str(REPO),
            "--no-data-docs",
            "--extract",
            "personer",
        ]
    )
    assert code == 1
    output = capsys.readouterr().out
    assert "warehouse not found" in output
    assert "FAIL  published_marts" in output
    code = gx.main(
        [
            "--raw-dir",
            str(tmp_path / "raw"),
            "--duckdb",
            str(tmp_path / "nope.duckdb"),
            "--out",
            str(tmp_path / "out"),
            "--project-dir",
            str(REPO),
            "--no-data-docs",
            "--extract",
            "personer",
            "--raw-only",
        ]
    )
    assert code == 0


def test_empty_published_schema_fails(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    success, reports = gx.run(settings_for(tmp_path, duckdb_path=path), raw=False)
    assert not success
    assert "published" in reports[0].rows[0].detail
