"""Years covered and which terms (or years) look complete (``meta.period``).

A period is flagged when it is missing inside the covered range, or when it is one
of the last periods and has fewer than half the rows of the periods before it (a
delivery cut off early; registers built up over time are thin at the start, which
is not flagged).  Warnings only: the
windows and follow-ups decide what they need (var ``last_data_year``).
"""

from __future__ import annotations

from statistics import median

import duckdb

from studentflow.sql import quote_ident

from .contract import Extract
from .reading import Loaded
from .report import ExtractReport
from .schema import INTEGERS


def _label(kind: str, year: int, season: int) -> str:
    return f"{'VT' if season == 1 else 'HT'}{year}" if kind == "term" else str(year)


def _period_sql(kind: str, col: str, typed: str) -> tuple[str, str]:
    """SQL for the year and the season (1 VT, 2 HT; 0 for years and dates) of a
    period value in column ``col`` (quoted) of DuckDB type ``typed``."""
    text = f"trim(cast({col} as varchar))"
    if kind == "term":
        year = f"try_cast(substr({text}, 3, 4) as integer)"
        season = f"case upper(left({text}, 2)) when 'VT' then 1 when 'HT' then 2 end"
    elif kind == "date":
        year = (
            f"year({col})" if typed in ("DATE", "TIMESTAMP") else f"year(try_cast({text} as date))"
        )
        season = "0"
    else:
        year = f"cast({col} as integer)" if typed in INTEGERS else f"try_cast({text} as integer)"
        season = "0"
    return year, season


def _count_periods(
    con: duckdb.DuckDBPyConnection, kind: str, loaded: Loaded, name: str
) -> list[tuple[int, int, int]]:
    """(year, season, rows) per parseable period of column ``name``, in order."""
    col = quote_ident(name)
    year, season = _period_sql(kind, col, loaded.columns[name])
    # periods have few distinct values: count them as delivered, then parse those
    return con.execute(
        f"select {year} as y, {season} as s, sum(__n) from (select {col}, count(*) as __n "
        f"from {loaded.relation} group by all) where y is not null and s is not null "
        "group by all order by y, s"
    ).fetchall()


def _expected_periods(
    kind: str, first: int, last: int, have: dict[tuple[int, int], int]
) -> list[tuple[int, int]]:
    """Every period from ``first`` to ``last`` a complete delivery has."""
    seasons = (1, 2) if kind == "term" else (0,)
    return [
        (y, s)
        for y in range(first, last + 1)
        for s in seasons
        # a delivery may start with an autumn term and end with a spring term
        if not (kind == "term" and (y, s) not in have and (y, s) in ((first, 1), (last, 2)))
    ]


def _thin_at_end(
    present: list[tuple[int, int]], have: dict[tuple[int, int], int]
) -> list[tuple[int, int]]:
    """From the end: a period with less than half the median of the (up to) four
    periods of the same season before it is incomplete."""
    thin = []
    for i in range(len(present) - 1, 0, -1):
        before = [have[q] for q in present[:i] if q[1] == present[i][1]][-4:]
        if before and have[present[i]] < median(before) / 2:
            thin.insert(0, present[i])
        else:
            break
    return thin


def _report_periods(
    rep: ExtractReport,
    kind: str,
    column: str,
    have: dict[tuple[int, int], int],
    present: list[tuple[int, int]],
    missing: list[tuple[int, int]],
) -> None:
    """Years covered and complete periods as facts; gaps and a thin end as warnings."""
    first, last = min(have)[0], max(have)[0]
    thin = _thin_at_end(present, have)
    complete = [p for p in present if p not in thin]
    unit = "terms" if kind == "term" else "years"
    rep.facts["years covered"] = f"{first}-{last}"
    if complete:
        rep.facts[f"complete {unit}"] = (
            f"{_label(kind, *complete[0])}-{_label(kind, *complete[-1])}"
            + (f" except {', '.join(_label(kind, *p) for p in missing)}" if missing else "")
        )
    if missing:
        rep.warning(
            "periods",
            f", column {column}: no rows for {', '.join(_label(kind, *p) for p in missing)} "
            f"inside {first}-{last}.",
            column=column,
        )
    if thin:
        rep.warning(
            "periods",
            f", column {column}: {', '.join(f'{_label(kind, *p)} ({have[p]} rows)' for p in thin)} "
            f"at the end of the delivery have fewer than half the rows of the {unit} before: "
            "incomplete?",
            column=column,
        )


def check_periods(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    rep: ExtractReport,
) -> None:
    kind, column = extract.period_kind, extract.period_column
    if not kind or column not in found:
        return
    counts = _count_periods(con, kind, loaded, found[column])
    if not counts:
        return
    have = {(y, s): n for y, s, n in counts}
    expected = _expected_periods(kind, counts[0][0], counts[-1][0], have)
    present = [p for p in expected if p in have]
    missing = [p for p in expected if p not in have]
    _report_periods(rep, kind, column, have, present, missing)
