"""Codes outside their national code list (``meta.code_list`` on a column: seed and
column), counted per column with the most frequent values.  A warning only: staging
keeps them as 'Okänt' and ``dq_unmapped_codes`` counts them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from studentflow.sql import quote_ident, sql_text

from .contract import Extract
from .reading import Loaded
from .report import ExtractReport


def normalised(expression: str, how: str | None) -> str:
    """The same normalisation staging applies before the code-list lookup."""
    value = f"nullif(trim(cast({expression} as varchar)), '')"
    if not how:
        return value
    if how in ("lower", "upper"):
        return f"{how}({value})"
    if how.startswith("zero_pad"):
        width = int(how.split()[-1])
        return f"lpad({value}, {width}, '0')"
    raise ValueError(f"unknown normalise {how!r}")


def _codes_sql(path: Path, column: str) -> str:
    return (
        f"select cast({quote_ident(column)} as varchar) "
        f"from read_csv({sql_text(str(path))}, header=true, all_varchar=true)"
    )


def check_codes(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    rep: ExtractReport,
    *,
    seeds_dir: Path | None,
) -> None:
    if seeds_dir is None:
        return
    outside = {}
    for column in extract.columns:
        if not column.code_list or column.name not in found:
            continue
        seed, code_column = column.code_list.split(".")
        path = Path(seeds_dir) / f"{seed}.csv"
        if not path.exists():
            continue
        known = _codes_sql(path, code_column)
        if column.historical_codes:
            # old codes that staging translates to today's code are not outside the list
            old_seed, old_column = column.historical_codes.split(".")
            old_path = Path(seeds_dir) / f"{old_seed}.csv"
            if old_path.exists():
                known += " union all " + _codes_sql(old_path, old_column)
        # count the delivered values first (a code column has few distinct values), then
        # normalise and look up only those: one cheap scan instead of string work per row
        raw = quote_ident(found[column.name])
        rows = con.execute(
            f"select code, sum(__n) as n from (select {normalised('__value', column.normalise)} "
            f"as code, __n from (select {raw} as __value, count(*) as __n from {loaded.relation} "
            f"group by all)) where code is not null and code not in ({known}) "
            "group by all order by n desc, code"
        ).fetchall()
        if rows:
            n = sum(r[1] for r in rows)
            top = ", ".join(f"{code!r} {count}" for code, count in rows[:5])
            outside[column.name] = n
            rep.warning(
                "codes",
                f", column {column.name}: {n} row(s) with {len(rows)} code(s) outside code list "
                f"{seed} ({top}{', ...' if len(rows) > 5 else ''}); kept as 'Okänt' and "
                "counted in dq_unmapped_codes.",
                column=column.name,
            )
    if outside:
        rep.facts["rows with codes outside code lists"] = outside
