"""Columns (missing, extra, renamed-looking) and types (every value converts to the
declared type, the way staging will cast it)."""

from __future__ import annotations

import difflib

import duckdb

from studentflow.sql import quote_ident, sql_text

from .contract import Extract
from .reading import ROW, Loaded
from .report import ExtractReport

INTEGERS = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
}  # fmt: skip


def types_compatible(declared: str, actual: str) -> bool:
    """Typed deliveries (Parquet) may use a narrower or wider integer than the contract."""
    base = declared.split("(")[0]
    if base in INTEGERS:
        return actual in INTEGERS
    if base == "DECIMAL":
        return actual.startswith("DECIMAL") or actual in INTEGERS or actual in ("DOUBLE", "FLOAT")
    if base == "DATE":
        return actual == "DATE" or actual.startswith("TIMESTAMP")
    return actual.split("(")[0] == base


def text_to_typed(expression: str, declared: str, decimal: str) -> str:
    """How staging converts a text value to the declared type (macro raw_decimal for
    DECIMAL: the decimal separator var replaced by a point)."""
    value = f"trim({expression})"
    if declared.startswith("DECIMAL") and decimal != ".":
        value = f"replace({value}, {sql_text(decimal)}, '.')"
    return f"try_cast({value} as {declared})"


def check_columns(extract: Extract, loaded: Loaded, rep: ExtractReport) -> dict[str, str]:
    """Declared column -> delivered column name (matched case-insensitively)."""
    delivered = {c.lower(): c for c in loaded.columns}
    found: dict[str, str] = {}
    missing = []
    for column in extract.columns:
        if column.name.lower() in delivered:
            found[column.name] = delivered[column.name.lower()]
        elif not column.optional:
            missing.append(column.name)
    declared = {c.name.lower() for c in extract.columns}
    extra = [c for c in loaded.columns if c.lower() not in declared]
    renamed = []
    for name in missing:
        close = difflib.get_close_matches(name.lower(), [e.lower() for e in extra], n=1, cutoff=0.6)
        if close:
            renamed.append(f"{name} -> {next(e for e in extra if e.lower() == close[0])}?")
    if missing:
        hint = f" Looks renamed: {', '.join(renamed)}." if renamed else ""
        rep.error(
            "schema",
            f": required column(s) missing: {', '.join(missing)}. "
            f"Columns found: {', '.join(loaded.columns)}.{hint}",
        )
    if extra:
        rep.warning(
            "schema", f": extra column(s) not in the contract (not read): {', '.join(extra)}"
        )
    return found


def check_types(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    rep: ExtractReport,
    *,
    decimal: str,
    is_text_file: bool,
) -> None:
    probes = []
    key = found.get(extract.columns[0].name) if extract.columns else None
    for column in extract.columns:
        name = found.get(column.name)
        if name is None or column.is_text:
            continue
        actual = loaded.columns[name]
        if actual == "VARCHAR":
            col = quote_ident(name)
            probes.append(
                f"select {sql_text(column.name)} as column_name, {ROW} as row_nr, "
                f"cast({col} as varchar) as bad_value, "
                f"{'cast(' + quote_ident(key) + ' as varchar)' if key else 'null'} as row_key "
                f"from {loaded.relation} where trim({col}) <> '' "
                f"and {text_to_typed(col, column.data_type, decimal)} is null"
            )
        elif not types_compatible(column.data_type, actual):
            rep.error(
                "type",
                f", column {column.name}: delivered as {actual} but the contract says "
                f"{column.data_type}.",
                column=column.name,
            )
    if not probes:
        return
    for probe in probes:  # one column at a time: the first bad row of every column
        bad = con.execute(f"select * from ({probe}) order by row_nr limit 1").fetchone()
        if bad is None:
            continue
        column_name, row_nr, value, row_key = bad
        declared = extract.column(column_name).data_type
        where = f" (line {row_nr + 1})" if is_text_file else ""
        first = extract.columns[0].name
        n_bad = con.execute(f"select count(*) from ({probe})").fetchone()[0]
        separator = (
            f" (decimal separator: var raw_csv_decimal_separator = {decimal!r})"
            if declared.startswith("DECIMAL")
            else ""
        )
        rep.error(
            "type",
            f", column {column_name}: value '{value}' in data row {row_nr}{where} "
            f"({first} = {row_key}) is not a valid {declared}"
            f"{separator}; "
            f"{n_bad} value(s) in this column do not convert.",
            column=column_name,
            row=row_nr,
            line=row_nr + 1 if is_text_file else None,
        )
