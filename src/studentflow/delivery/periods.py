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

from .contract import Extract
from .reading import Loaded, quote_ident
from .report import ExtractReport
from .schema import INTEGERS


def _label(kind: str, year: int, season: int) -> str:
    return f"{'VT' if season == 1 else 'HT'}{year}" if kind == "term" else str(year)


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
    col = quote_ident(found[column])
    typed = loaded.columns[found[column]]
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
    # periods have few distinct values: count them as delivered, then parse those
    counts = con.execute(
        f"select {year} as y, {season} as s, sum(__n) from (select {col}, count(*) as __n "
        f"from {loaded.relation} group by all) where y is not null and s is not null "
        "group by all order by y, s"
    ).fetchall()
    if not counts:
        return
    first, last = counts[0][0], counts[-1][0]
    seasons = (1, 2) if kind == "term" else (0,)
    have = {(y, s): n for y, s, n in counts}
    expected = [
        (y, s)
        for y in range(first, last + 1)
        for s in seasons
        # a delivery may start with an autumn term and end with a spring term
        if not (kind == "term" and (y, s) not in have and (y, s) in ((first, 1), (last, 2)))
    ]
    present = [p for p in expected if p in have]
    missing = [p for p in expected if p not in have]
    thin = []
    # from the end: a period with less than half the median of the (up to) four
    # periods of the same season before it is incomplete
    for i in range(len(present) - 1, 0, -1):
        before = [have[q] for q in present[:i] if q[1] == present[i][1]][-4:]
        if before and have[present[i]] < median(before) / 2:
            thin.insert(0, present[i])
        else:
            break
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
