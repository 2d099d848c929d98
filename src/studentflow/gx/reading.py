"""Reading data into pandas for GX: raw files through an in-memory DuckDB, the published
marts from the warehouse opened read-only."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from studentflow.gx.contract import DATE, INTEGER, NUMBER, RAW_CONTRACT, TEXT
from studentflow.gx.settings import Settings
from studentflow.sql import quote_ident, sql_text


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
            f"read_csv({sql_text(str(path))}, delim={sql_text(settings.csv_delimiter)}, "
            f"header=true, encoding={sql_text(settings.csv_encoding)}, all_varchar=true)"
        )
    else:
        source = f"read_parquet({sql_text(str(path))})"
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
                con.sql(f"select * from published.{quote_ident(name)}").to_arrow_table(),
                nullable_integers=False,
            )
            for name in names
        }
    finally:
        con.close()
    return marts, None
