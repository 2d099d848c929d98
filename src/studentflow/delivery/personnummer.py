"""Values that look like a Swedish personnummer or samordningsnummer, in any column
(declared or not): 10 or 12 digits (separators - + and space allowed), month 01-12,
day 01-31 or 61-91, and a valid Luhn check digit.  A column where at least half the
sampled values look like one stops the build; the value itself is never printed.
"""

from __future__ import annotations

import duckdb

from studentflow.sql import quote_ident, sql_text

from .reading import ROW, Loaded
from .report import ExtractReport

#: delivered types that cannot hold a personnummer
SKIPPED = ("DATE", "TIMESTAMP", "DECIMAL", "DOUBLE", "FLOAT", "SMALLINT", "TINYINT", "BOOLEAN")


def looks_like_personnummer(digits: str) -> str:
    """SQL: true when ``digits`` (text with separators already removed, computed once
    per value in a CTE so the regex runs once) has the shape of a personnummer."""
    ten = f"right({digits}, 10)"

    def digit(i: int) -> str:
        return f"cast(substr({ten}, {i}, 1) as integer)"

    def luhn_term(i: int) -> str:
        weight = 2 if i % 2 == 1 else 1
        return f"({digit(i)} * {weight}) // 10 + ({digit(i)} * {weight}) % 10"

    luhn = " + ".join(luhn_term(i) for i in range(1, 10))
    return (
        f"(length({digits}) in (10, 12) and regexp_full_match({digits}, '[0-9]+') "
        f"and cast(substr({ten}, 3, 2) as integer) between 1 and 12 "
        f"and (cast(substr({ten}, 5, 2) as integer) between 1 and 31 "
        f"or cast(substr({ten}, 5, 2) as integer) between 61 and 91) "
        f"and ({luhn} + {digit(10)}) % 10 = 0)"
    )


def check_personnummer(
    con: duckdb.DuckDBPyConnection,
    loaded: Loaded,
    rep: ExtractReport,
    *,
    sample_rows: int,
    is_text_file: bool,
) -> None:
    probes = []
    for name, actual in loaded.columns.items():
        if actual.startswith(SKIPPED):
            continue
        probes.append(
            f"select {sql_text(name)} as column_name, {ROW} as row_nr, "
            f"regexp_replace(cast({quote_ident(name)} as varchar), '[-+ ]', '', 'g') as d "
            "from sampled"
        )
    if not probes:
        return
    # only values of 10 or 12 digits reach the date and Luhn arithmetic (CASE guards it)
    shape = "regexp_full_match(d, '[0-9]{10}|[0-9]{12}')"
    like = f"case when {shape} then {looks_like_personnummer('d')} else false end"
    hits = con.execute(
        f"with sampled as (select * from {loaded.relation} limit {int(sample_rows)}), "
        f"values_ as ({' union all '.join(probes)}) "
        f"select column_name, count(d) as n, count(*) filter ({like}) as n_like, "
        f"min(row_nr) filter ({like}) as first_row from values_ group by column_name "
        "having n_like > 0 and n_like * 2 >= n order by column_name"
    ).fetchall()
    for column, n, n_like, first_row in hits:
        where = f"data row {first_row}" + (f", line {first_row + 1}" if is_text_file else "")
        rep.error(
            "personnummer",
            f", column {column}: {n_like} of {n} sampled values look like personnummer (first "
            f"in {where}). Extracts must carry SCB's pseudonymised LopNr, never personnummer: "
            "stop and ask the data provider for a pseudonymised delivery.",
            column=column,
            row=int(first_row),
            line=int(first_row) + 1 if is_text_file else None,
        )
