"""Persons in an extract who are not in ``personer`` (``meta.person_key``).

They would be kept with sex and municipality 'Okänt' and no age; up to var
``raw_orphan_persons_tolerated`` (per extract) is a warning, more stops the build.
``dq_orphan_persons`` counts them after the build.
"""

from __future__ import annotations

import duckdb

from .contract import Extract
from .reading import ROW, Loaded, quote_ident
from .report import ExtractReport
from .schema import INTEGERS


def _as_bigint(column: str, loaded: Loaded) -> str:
    """The person key as staging casts it; typed (Parquet) integers need no string work."""
    col = quote_ident(column)
    if loaded.columns[column] in INTEGERS:
        return f"cast({col} as bigint)"
    return f"try_cast(trim(cast({col} as varchar)) as bigint)"


def check_orphans(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    persons: tuple[Loaded, str] | None,
    rep: ExtractReport,
    *,
    tolerated: int,
    is_text_file: bool,
) -> None:
    if not extract.person_key or extract.person_key not in found or persons is None:
        return
    person_rel, person_col = persons
    key = _as_bigint(found[extract.person_key], loaded)
    pkey = _as_bigint(person_col, person_rel)
    n_persons, n_rows, first_row = con.execute(
        f"select count(distinct k), count(*), min(r) from (select {key} as k, {ROW} as r "
        f"from {loaded.relation}) as rows_ anti join (select distinct {pkey} as k "
        f"from {person_rel.relation}) as persons using (k) where k is not null"
    ).fetchone()
    rep.facts["persons not in personer"] = int(n_persons)
    if not n_persons:
        return
    where = f"data row {first_row}" + (f" (line {first_row + 1})" if is_text_file else "")
    text = (
        f", column {extract.person_key}: {n_persons} person(s) in {n_rows} row(s) are not in "
        f"personer (first in {where}); they would get sex and municipality 'Okänt' and no age"
    )
    if n_persons > tolerated:
        rep.error(
            "orphans",
            text + f". At most {tolerated} tolerated (var raw_orphan_persons_tolerated): ask for "
            "the missing persons, or raise the var; dq_orphan_persons counts them.",
            column=extract.person_key,
            row=int(first_row),
            line=int(first_row) + 1 if is_text_file else None,
        )
    else:
        rep.warning(
            "orphans",
            text + f" (tolerated up to {tolerated}, var raw_orphan_persons_tolerated; "
            "counted in dq_orphan_persons).",
            column=extract.person_key,
        )
