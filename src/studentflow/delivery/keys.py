"""Duplicates of an extract's key (``meta.key`` in the source YAML).

By default duplicates stop the build; with var ``raw_duplicate_keys: remove`` staging
keeps one row per key and ``dq_raw_row_counts`` counts the removed rows.  Never
silently summed.
"""

from __future__ import annotations

import duckdb

from studentflow.sql import quote_ident

from .contract import Extract
from .reading import ROW, Loaded
from .report import ExtractReport


def check_duplicates(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    rep: ExtractReport,
    *,
    mode: str,
    is_text_file: bool,
) -> None:
    if not extract.key or any(k not in found for k in extract.key):
        return
    cols = ", ".join(quote_ident(found[k]) for k in extract.key)
    # count first (no per-group lists: national extracts have tens of millions of keys),
    # then look for an example only when there is a duplicate
    n_extra, n_keys = con.execute(
        f"select coalesce(sum(n - 1), 0), count(*) from (select count(*) as n "
        f"from {loaded.relation} group by {cols} having count(*) > 1)"
    ).fetchone()
    first_row = None
    if n_extra:
        first_row = con.execute(
            f"select min({ROW}) from (select {ROW}, row_number() over (partition by {cols} "
            f"order by {ROW}) as nth from {loaded.relation}) where nth = 2"
        ).fetchone()[0]
    rep.facts["duplicate key rows"] = int(n_extra)
    if not n_extra:
        return
    where = f"data row {first_row}" + (f" (line {first_row + 1})" if is_text_file else "")
    text = (
        f", key ({', '.join(extract.key)}): {n_extra} row(s) repeat the key of another row "
        f"({n_keys} key value(s) delivered more than once; first repeat in {where})"
    )
    if mode == "remove":
        rep.warning(
            "key",
            text + ". Staging keeps one row per key (var raw_duplicate_keys: remove); "
            "the removed rows are counted in dq_raw_row_counts.",
        )
    else:
        rep.error(
            "key",
            text + ". Ask the data provider for a corrected delivery, or set var "
            "raw_duplicate_keys: remove to keep one row per key and count the rest.",
            row=int(first_row),
            line=int(first_row) + 1 if is_text_file else None,
        )
