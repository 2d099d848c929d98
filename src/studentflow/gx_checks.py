"""Great Expectations checks: a second, independent line of validation.

Two families of expectation suites, each run by GX 1.x checkpoints
(data source -> asset -> batch definition -> suite -> validation definition ->
checkpoint):

* ``raw_extracts.<extract>``   - the raw register extracts (docs/raw-extracts.md):
  columns and types, key uniqueness, code lists, plausible ranges.
* ``published_marts.<mart>``   - every table in the DuckDB schema ``published``:
  the disclosure-control guarantees (docs/disclosure-control.md).

The data reaches GX as pandas DataFrames: raw Parquet/CSV read by an in-memory
DuckDB, marts read from the warehouse opened ``read_only=True`` after
``dbt build``. GX's own SQLAlchemy path to DuckDB (duckdb-engine) is never used
(it fails inside metric resolution: GX issues 10738, 11579), and nothing here
may run from a dbt hook (the warehouse lock).

Run::

    python -m studentflow.gx_checks --raw-dir data/raw \\
        --duckdb data/warehouse/studentflow.duckdb --out target/gx

Results go to ``<out>/summary.md`` (also printed), ``<out>/results.json`` and
the GX data docs under ``<out>/gx/uncommitted/data_docs/local_site/index.html``.
The exit code is 1 when any expectation fails or an input is missing.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studentflow.identifiers import IDENTIFIER_NAMES, IDENTIFIER_SUFFIXES

# --------------------------------------------------------------------------------------
# The raw input contract (shared/spec/raw-extracts.md, models/staging/*/_*__sources.yml)
# --------------------------------------------------------------------------------------

INTEGER, NUMBER, TEXT, DATE = "integer", "number", "text", "date"

#: extract -> {column: logical type}. 'integer' accepts any integer width (as the dbt
#: raw-extract check does), 'number' an integer, float or decimal, 'date' a date or
#: timestamp, 'text' strings. Column order as in the contract.
RAW_CONTRACT: dict[str, dict[str, str]] = {
    "personer": {
        "LopNr": INTEGER,
        "Kon": INTEGER,
        "FodelseAr": INTEGER,
        "FodLand": TEXT,
        "LopNrMor": INTEGER,
        "LopNrFar": INTEGER,
    },
    "folkbokforing": {"LopNr": INTEGER, "Ar": INTEGER, "Kommun": TEXT},
    "utvandringar": {"LopNr": INTEGER, "UtvandringDatum": DATE},
    "utbildningsniva": {"LopNr": INTEGER, "Ar": INTEGER, "SUN2020Niva": TEXT},
    "gymnasieexamina": {"LopNr": INTEGER, "ExamensAr": INTEGER, "SkolKommun": TEXT},
    "program": {
        "Larosate": TEXT,
        "Programkod": TEXT,
        "Programnamn": TEXT,
        "Examenskod": TEXT,
        "Niva": TEXT,
    },
    "registreringar": {
        "LopNr": INTEGER,
        "Termin": TEXT,
        "Larosate": TEXT,
        "Programkod": TEXT,
        "Huvudomrade": TEXT,
        "Niva": TEXT,
        "HpReg": NUMBER,
        "HpPrest": NUMBER,
    },
    "examina": {
        "LopNr": INTEGER,
        "Larosate": TEXT,
        "ExamensDatum": DATE,
        "Examenskod": TEXT,
        "Programkod": TEXT,
        "Huvudomrade": TEXT,
    },
    "forskarexamina": {
        "LopNr": INTEGER,
        "Larosate": TEXT,
        "ExamensDatum": DATE,
        "Examen": TEXT,
        "Forskningsamne": TEXT,
    },
    "sysselsattning": {
        "LopNr": INTEGER,
        "Ar": INTEGER,
        "SyssStat": TEXT,
        "ArbInk": INTEGER,
        "ArbLos": TEXT,
        "Studerande": TEXT,
        "AstSNI2007": TEXT,
        "AstSektor": TEXT,
        "SSYK2012": TEXT,
        "Matchning": TEXT,
        "AstKommun": TEXT,
    },
    "befolkning_kommun": {
        "Ar": INTEGER,
        "Kommun": TEXT,
        "Kon": INTEGER,
        "Alder": INTEGER,
        "UtrikesFodd": TEXT,
        "Antal": INTEGER,
    },
}

#: code list name -> (seed file, code column)
CODE_LISTS: dict[str, tuple[str, str]] = {
    "kommuner": ("kommuner.csv", "kommun_code"),
    "larosaten": ("larosaten.csv", "larosate_code"),
    "examenskoder": ("examenskoder.csv", "degree_code"),
    "huvudomraden": ("huvudomraden.csv", "main_field_code"),
    "forskningsamnen": ("forskningsamnen.csv", "research_subject_code"),
    "sun2020_niva": ("sun2020_niva.csv", "sun_level"),
    "sektorer": ("sektorer.csv", "sector_code"),
    "matchning": ("matchning.csv", "matching_code"),
}

#: share of values that must be in their code list: deliveries carry a few unknown
#: codes, which staging maps to 'Okänt' and counts (never drops).
CODE_LIST_MOSTLY = 0.99
YEAR_MIN, YEAR_MAX = 1990, 2035  # register years of the study period
DEFAULT_MAX_ROWS = 200_000  # per extract; larger files are sampled
RAW_FORMATS = ("parquet", "csv")

MAGNITUDE_STATS = ("median", "p25", "p75", "mean")


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Settings:
    """Everything a run needs; defaults follow dbt_project.yml."""

    raw_dir: Path | None = Path("data/raw")
    duckdb_path: Path | None = Path("data/warehouse/studentflow.duckdb")
    out_dir: Path = Path("target/gx")
    seeds_dir: Path = Path("seeds")
    raw_format: str = "parquet"
    csv_delimiter: str = ";"
    csv_encoding: str = "latin-1"
    csv_decimal: str = ","
    max_rows: int = DEFAULT_MAX_ROWS
    sdc_method: str = "suppression"
    sdc_k: int = 5
    sdc_k_magnitude: int = 10
    sdc_display: str = "dots"
    total_label: str = "Totalt"
    data_docs: bool = True
    extracts: tuple[str, ...] | None = None  # None = every extract in RAW_CONTRACT


def read_dbt_vars(project_dir: Path) -> dict[str, Any]:
    """The ``vars:`` block of dbt_project.yml (empty when there is none)."""
    path = project_dir / "dbt_project.yml"
    if not path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("vars") or {})


def load_seed_codes(seeds_dir: Path) -> dict[str, list[str]]:
    """Code list values from the dbt seeds, read as text (keeps '0580')."""
    import pandas as pd

    codes: dict[str, list[str]] = {}
    for name, (file_name, column) in CODE_LISTS.items():
        path = seeds_dir / file_name
        if path.is_file():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            if column in frame.columns:
                codes[name] = sorted({v.strip() for v in frame[column] if v.strip()})
    return codes


# --------------------------------------------------------------------------------------
# Reading data into pandas (DuckDB in memory for files, read-only for the warehouse)
# --------------------------------------------------------------------------------------


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def arrow_to_pandas(table, nullable_integers: bool) -> Any:
    """Arrow -> pandas with stable dtypes for GX.

    Integers become pandas nullable ``Int*`` (raw: so a type check can tell them
    from floats even with NULLs) or numpy (marts: NULL -> NaN, so row conditions
    like ``n < 10`` never meet pd.NA); decimals become float64; strings become
    object columns of ``str`` (pandas 3's ``str`` dtype is not understood by GX's
    type expectations); dates become datetime64.
    """
    import pandas as pd
    import pyarrow as pa

    mapper: dict[Any, Any] = {}
    if nullable_integers:
        mapper = {
            pa.int8(): pd.Int8Dtype(),
            pa.int16(): pd.Int16Dtype(),
            pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(),
            pa.uint8(): pd.UInt8Dtype(),
            pa.uint16(): pd.UInt16Dtype(),
            pa.uint32(): pd.UInt32Dtype(),
            pa.uint64(): pd.UInt64Dtype(),
        }
    frame = table.to_pandas(types_mapper=mapper.get, date_as_object=False)
    for field in table.schema:
        name = field.name
        if pa.types.is_decimal(field.type):
            frame[name] = frame[name].astype("float64")
        elif pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = frame[name].astype(object)
            frame[name] = column.where(column.notna(), None)
    return frame


@dataclasses.dataclass
class LoadedExtract:
    name: str
    frame: Any | None  # pandas DataFrame, or None when it could not be read
    path: Path
    rows_total: int = 0
    note: str = ""
    error: str | None = None


def read_raw_extract(settings: Settings, name: str) -> LoadedExtract:
    """Read one raw extract into pandas, sampling deterministically when large.

    Sampling keeps whole persons: rows whose ``hash(LopNr) % m = 0`` (plus every
    row with a NULL LopNr), with m chosen so that about ``max_rows`` rows remain,
    so key uniqueness (LopNr, LopNr+Ar) is fully tested for the persons sampled
    and every year is covered. Extracts without LopNr use DuckDB's reservoir
    sample with a fixed seed.
    """
    import duckdb

    assert settings.raw_dir is not None
    path = settings.raw_dir / f"{name}.{'csv' if settings.raw_format == 'csv' else 'parquet'}"
    loaded = LoadedExtract(name=name, frame=None, path=path)
    if not path.is_file():
        loaded.error = f"file not found: {path}"
        return loaded
    if settings.raw_format == "csv":
        source = (
            f"read_csv({_sql_str(str(path))}, delim={_sql_str(settings.csv_delimiter)}, "
            f"header=true, encoding={_sql_str(settings.csv_encoding)}, all_varchar=true)"
        )
    else:
        source = f"read_parquet({_sql_str(str(path))})"
    try:
        con = duckdb.connect(":memory:")
        try:
            columns = [row[0] for row in con.execute(f"describe select * from {source}").fetchall()]
            total = con.execute(f"select count(*) from {source}").fetchall()[0][0]
            loaded.rows_total = int(total)
            query = f"select * from {source}"
            if settings.max_rows and total > settings.max_rows:
                if "LopNr" in columns:
                    modulus = -(-total // settings.max_rows)  # ceil
                    query += f' where "LopNr" is null or hash("LopNr") % {modulus} = 0'
                    how = f"persons with hash(LopNr) % {modulus} = 0"
                else:
                    query += f" using sample reservoir({settings.max_rows} rows) repeatable (42)"
                    how = "reservoir sample, seed 42"
            else:
                how = ""
            table = con.sql(query).to_arrow_table()
        finally:
            con.close()
    except Exception as error:  # noqa: BLE001 - report any read failure as a failed check
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        loaded.error = f"could not read {path}: {first_line}"
        return loaded
    loaded.frame = arrow_to_pandas(table, nullable_integers=True)
    if how:
        loaded.note = f"sampled {len(loaded.frame):,} of {total:,} rows ({how})"
    else:
        loaded.note = f"all {total:,} rows"
    if settings.raw_format == "csv":
        loaded.frame = _type_text_columns(loaded.frame, RAW_CONTRACT[name], settings.csv_decimal)
    return loaded


#: what a text value must look like to convert to its logical type (after trim)
TEXT_PATTERNS = {
    INTEGER: r"^\s*[-+]?\d+\s*$",
    NUMBER: r"^\s*[-+]?\d+(?:[.,]\d+)?\s*$",
    DATE: r"^\s*\d{4}-\d{2}-\d{2}\s*$",
}


def _type_text_columns(frame, contract: dict[str, str], decimal: str):
    """CSV: keep each non-text column's text as ``<col>__text`` and convert ``<col>``.

    The raw suite then checks ``<col>__text`` against TEXT_PATTERNS (the type
    check of a text delivery) and the converted column against ranges. Blank
    text counts as NULL, as in staging.
    """
    import pandas as pd

    for column, logical in contract.items():
        if column not in frame.columns or logical == TEXT:
            continue
        text = frame[column].astype(object)
        text = text.where(text.notna() & (text.astype(str).str.strip() != ""), None)
        frame[f"{column}__text"] = text
        cleaned = text.astype("string").str.strip()
        if logical == DATE:
            frame[column] = pd.to_datetime(cleaned, format="%Y-%m-%d", errors="coerce")
        else:
            if logical == NUMBER and decimal != ".":
                cleaned = cleaned.str.replace(decimal, ".", regex=False)
            numbers = pd.to_numeric(cleaned, errors="coerce")
            if logical == INTEGER:
                whole = numbers.where(numbers.isna() | (numbers == numbers.round()))
                frame[column] = whole.astype("Int64")
            else:
                frame[column] = numbers.astype("float64")
    return frame


def read_published_marts(duckdb_path: Path) -> tuple[dict[str, Any], str | None]:
    """Every table and view in schema ``published``, read with read_only=True."""
    import duckdb

    if not duckdb_path.is_file():
        return {}, (
            f"warehouse not found: {duckdb_path} (run `dbt build` first, or pass --raw-only)"
        )
    try:
        con = duckdb.connect(str(duckdb_path), read_only=True)
    except Exception as error:  # noqa: BLE001
        return {}, f"could not open {duckdb_path} read-only: {error}"
    try:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'published' order by table_name"
            ).fetchall()
        ]
        if not names:
            return {}, (
                f"schema 'published' is missing or empty in {duckdb_path} "
                "(run `dbt build` first, or pass --raw-only)"
            )
        marts = {
            name: arrow_to_pandas(
                con.sql(f"select * from published.{_quote(name)}").to_arrow_table(),
                nullable_integers=False,
            )
            for name in names
        }
    finally:
        con.close()
    return marts, None


# --------------------------------------------------------------------------------------
# Expectations
# --------------------------------------------------------------------------------------


def _identifier_expectation_class():
    """A custom GX 1.x BatchExpectation: no identifier-like column names.

    No built-in expectation says 'this column must NOT exist'; this one reads the
    table's column list (metric ``table.columns``) and fails listing the offenders.
    Defined lazily so importing this module does not import GX.
    """
    global _IDENTIFIER_CLASS
    if _IDENTIFIER_CLASS is not None:
        return _IDENTIFIER_CLASS
    from great_expectations.expectations.expectation import BatchExpectation

    class ExpectTableColumnsToNotBeIdentifiers(BatchExpectation):
        """Expect no column named like a row-level identifier or exact date."""

        forbidden_names: list[str] = list(IDENTIFIER_NAMES)
        forbidden_suffixes: list[str] = list(IDENTIFIER_SUFFIXES)

        metric_dependencies = ("table.columns",)
        success_keys = ("forbidden_names", "forbidden_suffixes")
        domain_keys = ("batch_id",)

        def _validate(self, metrics, runtime_configuration=None, execution_engine=None):
            names = {n.lower() for n in self.forbidden_names}
            found = [
                column
                for column in metrics["table.columns"]
                if column.lower() in names
                or column.lower().endswith(tuple(s.lower() for s in self.forbidden_suffixes))
            ]
            return {
                "success": not found,
                "result": {
                    "observed_value": found,
                    "unexpected_count": len(found),
                    "unexpected_list": found,
                },
            }

    _IDENTIFIER_CLASS = ExpectTableColumnsToNotBeIdentifiers
    return _IDENTIFIER_CLASS


_IDENTIFIER_CLASS = None

#: pandas dtypes accepted per logical type (ExpectColumnValuesToBeInTypeList names)
_INT_TYPES = [
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "Int8Dtype",
    "Int16Dtype",
    "Int32Dtype",
    "Int64Dtype",
    "UInt8Dtype",
    "UInt16Dtype",
    "UInt32Dtype",
    "UInt64Dtype",
]
PANDAS_TYPES = {
    INTEGER: _INT_TYPES,
    NUMBER: _INT_TYPES + ["float32", "float64", "Float32Dtype", "Float64Dtype"],
    DATE: ["datetime64[s]", "datetime64[ms]", "datetime64[us]", "datetime64[ns]"],
    TEXT: ["str"],
}


def raw_expectations(name: str, codes: dict[str, list[str]], text_delivery: bool) -> list:
    """The expectations of suite ``raw_extracts.<name>``."""
    import great_expectations.expectations as gxe

    contract = RAW_CONTRACT[name]
    found: list = [
        gxe.ExpectTableColumnsToMatchSet(column_set=list(contract), exact_match=False),
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
    ]
    for column, logical in contract.items():
        if text_delivery and logical != TEXT:
            found.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=f"{column}__text",
                    regex=TEXT_PATTERNS[logical],
                    meta={"check": f"text converts to {logical}"},
                )
            )
        elif not text_delivery:
            found.append(
                gxe.ExpectColumnValuesToBeInTypeList(
                    column=column,
                    type_list=PANDAS_TYPES[logical],
                    meta={"check": f"type {logical}"},
                )
            )

    def in_code_list(column: str, code_list: str, mostly: float = CODE_LIST_MOSTLY) -> None:
        if code_list in codes:
            found.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=codes[code_list],
                    mostly=mostly,
                    meta={"code_list": code_list},
                )
            )

    def between(column: str, low: Any, high: Any = None, mostly: float = 1.0) -> None:
        found.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high, mostly=mostly
            )
        )

    def not_null(*columns: str) -> None:
        found.extend(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in columns)

    def unique(*columns: str) -> None:
        if len(columns) == 1:
            found.append(gxe.ExpectColumnValuesToBeUnique(column=columns[0]))
        else:
            found.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns)))

    def in_set(column: str, values: Sequence[Any], mostly: float = 1.0) -> None:
        found.append(
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), mostly=mostly)
        )

    def matches(column: str, regex: str, mostly: float = 1.0) -> None:
        found.append(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex, mostly=mostly))

    def dates(column: str, first_year: int) -> None:
        between(column, dt.datetime(first_year, 1, 1), dt.datetime(YEAR_MAX, 12, 31))

    if name == "personer":
        not_null("LopNr", "Kon", "FodelseAr")
        unique("LopNr")
        in_set("Kon", [1, 2])
        between("FodelseAr", 1900, 2010)
        matches("FodLand", r"^[A-Z]{2}$", mostly=CODE_LIST_MOSTLY)
    elif name == "folkbokforing":
        not_null("LopNr", "Ar", "Kommun")
        unique("LopNr", "Ar")
        between("Ar", YEAR_MIN, YEAR_MAX)
        in_code_list("Kommun", "kommuner")
    elif name == "utvandringar":
        not_null("LopNr", "UtvandringDatum")
        dates("UtvandringDatum", 1950)
    elif name == "utbildningsniva":
        not_null("LopNr", "Ar")
        unique("LopNr", "Ar")
        # a level may hold from long before the study period (parents' education)
        between("Ar", 1900, YEAR_MAX)
        in_code_list("SUN2020Niva", "sun2020_niva")
    elif name == "gymnasieexamina":
        not_null("LopNr", "ExamensAr")
        between("ExamensAr", 1920, YEAR_MAX)
        in_code_list("SkolKommun", "kommuner")
    elif name == "program":
        not_null("Larosate", "Programkod", "Niva")
        unique("Larosate", "Programkod")
        in_set("Niva", ["G", "A"])
        in_code_list("Larosate", "larosaten")
        in_code_list("Examenskod", "examenskoder")
    elif name == "registreringar":
        not_null("LopNr", "Termin", "Larosate", "Niva")
        matches("Termin", r"^(?:HT|VT)\d{4}$")
        in_set("Niva", ["G", "A"])
        in_code_list("Larosate", "larosaten")
        in_code_list("Huvudomrade", "huvudomraden")
        between("HpReg", 0, 90)
        between("HpPrest", 0, 90)
    elif name == "examina":
        not_null("LopNr", "Larosate", "ExamensDatum", "Examenskod")
        dates("ExamensDatum", 1950)
        in_code_list("Larosate", "larosaten")
        in_code_list("Examenskod", "examenskoder")
        in_code_list("Huvudomrade", "huvudomraden")
    elif name == "forskarexamina":
        not_null("LopNr", "Larosate", "ExamensDatum", "Examen")
        dates("ExamensDatum", 1950)
        in_set("Examen", ["DOK", "LIC"])
        in_code_list("Larosate", "larosaten")
        in_code_list("Forskningsamne", "forskningsamnen")
    elif name == "sysselsattning":
        not_null("LopNr", "Ar")
        unique("LopNr", "Ar")
        between("Ar", YEAR_MIN, YEAR_MAX)
        in_set("SyssStat", ["1", "5"], mostly=CODE_LIST_MOSTLY)
        between("ArbInk", 0)
        in_set("ArbLos", ["J", "N"], mostly=CODE_LIST_MOSTLY)
        in_set("Studerande", ["J", "N"], mostly=CODE_LIST_MOSTLY)
        matches("AstSNI2007", r"^\d{5}$", mostly=CODE_LIST_MOSTLY)
        matches("SSYK2012", r"^\d{4}$", mostly=CODE_LIST_MOSTLY)
        in_code_list("AstSektor", "sektorer")
        in_code_list("Matchning", "matchning")
        in_code_list("AstKommun", "kommuner")
    elif name == "befolkning_kommun":
        not_null("Ar", "Kommun", "Kon", "Alder", "Antal")
        unique("Ar", "Kommun", "Kon", "Alder", "UtrikesFodd")
        between("Ar", YEAR_MIN, YEAR_MAX)
        in_code_list("Kommun", "kommuner")
        in_set("Kon", [1, 2])
        between("Alder", 0, 120)
        in_set("UtrikesFodd", ["J", "N"])
        between("Antal", 0)
    return found


def _count_expectations(count: str, cols: set[str], settings: Settings) -> list:
    """Rule 1 and the four columns of one published count (`n` or `n_<what>`) agreeing."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    k = settings.sdc_k
    display, flag = f"{count}_display", f"{count}_is_suppressed"
    value_null = Column(count).is_null()
    flagged = Column(flag) == True  # noqa: E712 - a GX condition, not a test
    found: list = []

    # rule 1: no count in 1..k-1 (the cell key method publishes perturbed small counts)
    if settings.sdc_method != "cell_key":
        found.append(
            gxe.ExpectColumnValuesToNotBeInSet(
                column=count, value_set=list(range(1, k)), meta={"rule": "1 primary suppression"}
            )
        )
        if count == "n" and "share_denominator" in cols:
            found.append(
                gxe.ExpectColumnValuesToNotBeInSet(
                    column="share_denominator",
                    value_set=list(range(1, k)),
                    meta={"rule": "1 primary suppression (share denominator = published total)"},
                )
            )
    found.append(gxe.ExpectColumnValuesToBeBetween(column=count, min_value=0))

    # the four columns agree: value NULL <=> suppressed <=> display '..'
    if {flag, display} <= cols:
        suppressed_display = [".."] + (["2,5"] if settings.sdc_display == "midpoint" else [])
        found += [
            gxe.ExpectColumnValuesToNotBeNull(column=flag),
            gxe.ExpectColumnValuesToBeInSet(
                column=flag,
                value_set=[True],
                row_condition=value_null,
                meta={"rule": f"{count} is NULL only when flagged suppressed"},
            ),
            gxe.ExpectColumnValuesToBeNull(
                column=count, row_condition=flagged, meta={"rule": "a suppressed cell has no value"}
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column=display,
                value_set=suppressed_display,
                row_condition=value_null,
                meta={"rule": "display of a suppressed cell"},
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column=display,
                regex=r"^\d+$",
                row_condition=Column(count).is_not_null(),
                meta={"rule": "display of a published cell is its number"},
            ),
        ]
    return found


def mart_expectations(columns: Sequence[str], settings: Settings) -> list:
    """The expectations of suite ``published_marts.<mart>`` for a mart's columns."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    k, k_mag = settings.sdc_k, settings.sdc_k_magnitude
    cols = set(columns)
    found: list = [_identifier_expectation_class()()]
    # the published counts: `n`, or several (`n_living`, `n_recruited` ...) in marts that
    # pivot two counts into one row; a count is `n`/`n_<what>` with a display and a flag
    counts = sorted(
        c
        for c in cols
        if (c == "n" or c.startswith("n_")) and {f"{c}_display", f"{c}_is_suppressed"} <= cols
    ) or ["n"]
    found += [
        gxe.ExpectColumnToExist(column=f"{count}{suffix}")
        for count in counts
        for suffix in ("", "_display", "_is_suppressed")
    ]
    if not set(counts) <= cols:
        return found
    for count in counts:
        found += _count_expectations(count, cols, settings)
    n_null = Column("n").is_null()

    # pivoted marts: a figure derived from the row's counts (net migration,
    # relationstal) is NULL whenever one of them is suppressed
    if counts != ["n"]:
        # one expectation per count: GX row conditions cannot nest ORs (3+ counts)
        for derived in sorted(c for c in cols if f"{c}_is_suppressed" in cols):
            if derived in counts:
                continue
            found += [
                gxe.ExpectColumnValuesToBeNull(
                    column=derived,
                    row_condition=Column(count).is_null(),
                    meta={"rule": f"2 {derived} NULL when its count {count} is suppressed"},
                )
                for count in counts
            ]
        return found

    # rule 2: derived figures follow their inputs
    for derived in ("share", "rate"):
        if derived not in cols:
            continue
        found.append(
            gxe.ExpectColumnValuesToBeNull(
                column=derived,
                row_condition=n_null,
                meta={"rule": f"2 {derived} NULL when n is suppressed"},
            )
        )
        denominator = f"{derived}_denominator"
        if denominator in cols:
            found.append(
                gxe.ExpectColumnValuesToBeNull(
                    column=derived,
                    row_condition=Column(denominator).is_null() | (Column(denominator) < k),
                    meta={"rule": f"2 {derived} NULL when its denominator is below k"},
                )
            )
        if derived == "share":
            found.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="share", min_value=0, max_value=1, meta={"rule": "share in [0, 1]"}
                )
            )
        else:
            found.append(gxe.ExpectColumnValuesToBeBetween(column="rate", min_value=0))

    # rule 3: magnitudes only from at least k_mag persons
    too_few = n_null | (Column("n") < k_mag)
    for column in sorted(cols):
        stat = column.rsplit("_", 1)[-1]
        if "_" in column and stat in MAGNITUDE_STATS:
            found.append(
                gxe.ExpectColumnValuesToBeNull(
                    column=column,
                    row_condition=too_few,
                    meta={"rule": f"3 magnitude NULL unless n >= {k_mag}"},
                )
            )
    return found


# --------------------------------------------------------------------------------------
# Running: GX context, checkpoints, results
# --------------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckRow:
    suite: str
    expectation: str
    column: str
    success: bool
    unexpected: int | None
    detail: str = ""
    rule: str = ""


@dataclasses.dataclass
class SuiteReport:
    suite: str
    success: bool
    rows: list[CheckRow]
    note: str = ""


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import logging

    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def make_context(out_dir: Path):
    """A fresh file data context in ``<out>/gx`` (previous results are replaced)."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_dir = out_dir / "gx"
    if gx_dir.exists() and (gx_dir / "great_expectations.yml").exists():
        shutil.rmtree(gx_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(out_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.variables.save()
    return context


def run_suite(context, data_source, family: str, table: str, frame, expectations: list):
    """asset -> batch definition -> suite -> validation definition -> checkpoint -> run."""
    import great_expectations as gx

    suite_name = f"{family}.{table}"
    asset = data_source.add_dataframe_asset(name=table)
    batch_definition = asset.add_batch_definition_whole_dataframe(name="whole")
    # expectations passed at construction: one store write instead of one per expectation
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=suite_name,
            validation_definitions=[validation],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    rows: list[CheckRow] = []
    for validation_result in result.run_results.values():
        for item in validation_result.results:
            config = item.expectation_config
            kwargs = config.kwargs
            column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or "(table)"
            res = item.result or {}
            detail = ""
            if item.exception_info and item.exception_info.get("raised_exception"):
                detail = "error: " + str(item.exception_info.get("exception_message"))[:160]
            elif not item.success:
                if res.get("partial_unexpected_list"):
                    sample = res["partial_unexpected_list"][:5]
                    detail = "e.g. " + ", ".join(map(str, sample))
                elif "observed_value" in res:
                    detail = f"observed {res['observed_value']}"
            rows.append(
                CheckRow(
                    suite=suite_name,
                    expectation=config.type,
                    column=column,
                    success=bool(item.success),
                    unexpected=res.get("unexpected_count"),
                    detail=detail,
                    rule=_describe(kwargs, config.meta or {}),
                )
            )
    return SuiteReport(suite=suite_name, success=bool(result.success), rows=rows)


def _describe(kwargs: dict, meta: dict) -> str:
    """What an expectation checks, in a few words, for the summary table."""
    parts = []
    if meta.get("rule") or meta.get("check"):
        parts.append(str(meta.get("rule") or meta.get("check")))
    if meta.get("code_list"):
        parts.append(f"code list {meta['code_list']}")
    for key in ("min_value", "max_value"):
        if kwargs.get(key) is not None:
            parts.append(f"{key.split('_')[0]} {kwargs[key]}")
    if kwargs.get("regex"):
        parts.append(f"regex {kwargs['regex']}")
    if kwargs.get("value_set") is not None and len(kwargs["value_set"]) <= 6:
        parts.append("set " + ",".join(map(str, kwargs["value_set"])))
    if kwargs.get("mostly") not in (None, 1, 1.0):
        parts.append(f"mostly {kwargs['mostly']}")
    condition = kwargs.get("row_condition")
    if condition:
        parts.append(f"where {_condition_text(condition)}")
    return "; ".join(parts)


def _condition_text(condition: Any) -> str:
    """A GX row condition (object or its dict form) as short text: 'n is null or n < 10'."""
    if hasattr(condition, "dict") and not isinstance(condition, dict):
        condition = condition.dict()
    if not isinstance(condition, dict):
        return str(condition)
    kind = condition.get("type")
    if kind == "nullity":
        return f"{condition['column']['name']} is {'' if condition['is_null'] else 'not '}null"
    if kind == "comparison":
        return f"{condition['column']['name']} {condition['operator']} {condition['parameter']!r}"
    if kind in ("and", "or"):
        return f" {kind} ".join(_condition_text(c) for c in condition.get("conditions", []))
    return str(condition)


def _failed_input(suite: str, message: str) -> SuiteReport:
    return SuiteReport(
        suite=suite,
        success=False,
        rows=[CheckRow(suite, "input_is_readable", "(input)", False, None, message)],
        note=message,
    )


def run_raw_suites(context, settings: Settings) -> list[SuiteReport]:
    codes = load_seed_codes(settings.seeds_dir)
    data_source = context.data_sources.add_pandas(name="raw_extracts")
    reports = []
    if settings.raw_dir is None or not settings.raw_dir.is_dir():
        return [_failed_input("raw_extracts", f"raw directory not found: {settings.raw_dir}")]
    for name in settings.extracts or tuple(RAW_CONTRACT):
        loaded = read_raw_extract(settings, name)
        if loaded.error:
            reports.append(_failed_input(f"raw_extracts.{name}", loaded.error))
            continue
        expectations = raw_expectations(name, codes, settings.raw_format == "csv")
        report = run_suite(context, data_source, "raw_extracts", name, loaded.frame, expectations)
        report.note = loaded.note
        reports.append(report)
    return reports


def run_mart_suites(context, settings: Settings) -> list[SuiteReport]:
    assert settings.duckdb_path is not None
    marts, error = read_published_marts(settings.duckdb_path)
    if error:
        return [_failed_input("published_marts", error)]
    data_source = context.data_sources.add_pandas(name="published_marts")
    reports = []
    for name, frame in marts.items():
        report = run_suite(
            context,
            data_source,
            "published_marts",
            name,
            frame,
            mart_expectations(list(frame.columns), settings),
        )
        report.note = f"{len(frame):,} rows"
        reports.append(report)
    return reports


def render_summary(reports: Sequence[SuiteReport], settings: Settings, seconds: float) -> str:
    failed = [r for r in reports if not r.success]
    lines = [
        "# Great Expectations results",
        "",
        f"- overall: **{'PASS' if not failed else 'FAIL'}** "
        f"({len(reports) - len(failed)} of {len(reports)} suites passed, {seconds:.1f} s)",
        f"- disclosure settings: sdc_method={settings.sdc_method}, k={settings.sdc_k}, "
        f"k_magnitude={settings.sdc_k_magnitude}, display={settings.sdc_display}",
        f"- raw: {settings.raw_dir} ({settings.raw_format}); warehouse: {settings.duckdb_path}",
        "",
        "| suite | expectation | column | rule | success | unexpected | detail |",
        "|---|---|---|---|---|---|---|",
    ]

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    for report in reports:
        for row in report.rows:
            unexpected = "" if row.unexpected is None else str(row.unexpected)
            lines.append(
                f"| {row.suite} | {row.expectation} | {row.column} | {cell(row.rule)} | "
                f"{'ok' if row.success else '**FAIL**'} | {unexpected} | {cell(row.detail)} |"
            )
    lines += ["", "## Suites", ""]
    for report in reports:
        n_failed = sum(not r.success for r in report.rows)
        status = "PASS" if report.success else f"FAIL ({n_failed} failed)"
        lines.append(
            f"- {report.suite}: {status}; {len(report.rows)} expectations"
            + (f"; {report.note}" if report.note else "")
        )
    return "\n".join(lines) + "\n"


def render_console(reports: Sequence[SuiteReport]) -> str:
    """Short stdout version: one line per suite, then every failed expectation."""
    lines = []
    for report in reports:
        n_failed = sum(not r.success for r in report.rows)
        lines.append(
            f"{'PASS' if report.success else 'FAIL'}  {report.suite:<45} "
            f"{len(report.rows) - n_failed}/{len(report.rows)} ok"
            + (f"  [{report.note}]" if report.note else "")
        )
        for row in report.rows:
            if not row.success:
                unexpected = "" if row.unexpected is None else f" unexpected={row.unexpected}"
                rule = f" [{row.rule}]" if row.rule else ""
                lines.append(
                    f"      x {row.expectation} ({row.column}){rule}{unexpected} {row.detail}"
                )
    return "\n".join(lines)


def run(settings: Settings, raw: bool = True, marts: bool = True) -> tuple[bool, list[SuiteReport]]:
    """Run the selected suites, write the results under ``settings.out_dir``."""
    started = time.monotonic()
    context = make_context(settings.out_dir)
    reports: list[SuiteReport] = []
    if raw:
        reports += run_raw_suites(context, settings)
    if marts:
        reports += run_mart_suites(context, settings)
    docs = ""
    if settings.data_docs:
        try:
            context.build_data_docs()
            index = settings.out_dir / "gx" / "uncommitted" / "data_docs" / "local_site"
            docs = str(index / "index.html")
        except Exception as error:  # noqa: BLE001 - docs are a bonus, the summary is the result
            docs = f"(data docs not built: {error})"
    success = bool(reports) and all(r.success for r in reports)
    seconds = time.monotonic() - started
    summary = render_summary(reports, settings, seconds)
    if docs:
        summary += f"\nData docs: {docs}\n"
    (settings.out_dir / "summary.md").write_text(summary, encoding="utf-8")
    (settings.out_dir / "results.json").write_text(
        json.dumps(
            {
                "success": success,
                "seconds": round(seconds, 2),
                "suites": [
                    {
                        "suite": r.suite,
                        "success": r.success,
                        "note": r.note,
                        "expectations": [dataclasses.asdict(row) for row in r.rows],
                    }
                    for r in reports
                ],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    return success, reports


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studentflow gx",
        description="Great Expectations checkpoints for the raw extracts and the published "
        "marts (results in <out>/summary.md and GX data docs). Exit code 1 on any failure.",
    )
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help="raw extracts (default: $STUDENTFLOW_RAW_DIR or var raw_dir)",
    )
    parser.add_argument(
        "--raw-format",
        choices=RAW_FORMATS,
        default=None,
        help="parquet | csv (default: $STUDENTFLOW_RAW_FORMAT or var raw_format)",
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=Path("data/warehouse/studentflow.duckdb"),
        help="warehouse file, opened read-only (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("target/gx"),
        help="results folder, git-ignored (default: %(default)s)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=Path("."),
        help="dbt project: vars from dbt_project.yml, code lists from seeds/",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="rows per raw extract before sampling; 0 = never sample (default: %(default)s)",
    )
    parser.add_argument(
        "--sdc-method",
        choices=("suppression", "cell_key"),
        default=None,
        help="override var sdc_method (use when dbt build ran with --vars)",
    )
    parser.add_argument("--sdc-k", type=int, default=None, help="override var sdc_k")
    parser.add_argument(
        "--sdc-k-magnitude", type=int, default=None, help="override var sdc_k_magnitude"
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--raw-only", action="store_true", help="only the raw-extract suites")
    only.add_argument("--marts-only", action="store_true", help="only the published-mart suites")
    parser.add_argument("--no-data-docs", action="store_true", help="skip the HTML data docs")
    parser.add_argument(
        "--extract",
        action="append",
        choices=sorted(RAW_CONTRACT),
        help="check only this raw extract (repeatable; default: all)",
    )
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    dbt_vars = read_dbt_vars(args.project_dir)

    def pick(flag: Any, env: str | None, var: str, default: Any) -> Any:
        if flag is not None:
            return flag
        if env and os.environ.get(env):
            return os.environ[env]
        value = dbt_vars.get(var)
        return default if value is None else value

    raw_dir = Path(pick(args.raw_dir, "STUDENTFLOW_RAW_DIR", "raw_dir", "data/raw"))
    if not raw_dir.is_absolute() and args.raw_dir is None:
        raw_dir = args.project_dir / raw_dir
    return Settings(
        raw_dir=raw_dir,
        duckdb_path=args.duckdb,
        out_dir=args.out,
        seeds_dir=args.project_dir / "seeds",
        raw_format=str(pick(args.raw_format, "STUDENTFLOW_RAW_FORMAT", "raw_format", "parquet")),
        csv_delimiter=str(dbt_vars.get("raw_csv_delimiter", ";")),
        csv_encoding=str(dbt_vars.get("raw_csv_encoding", "latin-1")),
        csv_decimal=str(dbt_vars.get("raw_csv_decimal_separator", ",")),
        max_rows=args.max_rows,
        sdc_method=str(pick(args.sdc_method, None, "sdc_method", "suppression")),
        sdc_k=int(pick(args.sdc_k, None, "sdc_k", 5)),
        sdc_k_magnitude=int(pick(args.sdc_k_magnitude, None, "sdc_k_magnitude", 10)),
        sdc_display=str(dbt_vars.get("sdc_display") or "dots"),
        total_label=str(dbt_vars.get("total_label") or "Totalt"),
        data_docs=not args.no_data_docs,
        extracts=tuple(args.extract) if args.extract else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m studentflow.gx_checks`` / ``studentflow gx``."""
    args = build_parser().parse_args(argv)
    settings = settings_from_args(args)
    if settings.raw_format not in RAW_FORMATS:
        print(
            f"raw format must be one of {RAW_FORMATS}, got {settings.raw_format!r}", file=sys.stderr
        )
        return 2
    success, reports = run(settings, raw=not args.marts_only, marts=not args.raw_only)
    print(render_console(reports))
    docs = settings.out_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    print(
        f"\nGreat Expectations: {'PASS' if success else 'FAIL'} - summary "
        f"{settings.out_dir / 'summary.md'}" + (f", data docs {docs}" if settings.data_docs else "")
    )
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
