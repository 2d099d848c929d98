"""Persons in an extract who are not in ``personer`` (``meta.person_key``).

They would be kept with sex and municipality 'Okänt' and no age; up to var
``raw_orphan_persons_tolerated`` (per extract) is a warning, more stops the build.
``dq_orphan_persons`` counts them after the build.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from studentflow.sql import quote_ident

from .contract import Extract
from .reading import ROW, Loaded
from .report import ExtractReport
from .schema import INTEGERS


def _as_bigint(column: str, loaded: Loaded) -> str:
    """The person key as staging casts it; typed (Parquet) integers need no string work."""
    col = quote_ident(column)
    if loaded.columns[column] in INTEGERS:
        return f"cast({col} as bigint)"
    return f"try_cast(trim(cast({col} as varchar)) as bigint)"


@dataclass
class Checked:
    """An extract already read, whose person keys are to be looked up in ``personer``."""

    extract: Extract
    loaded: Loaded
    found: dict[str, str]
    rep: ExtractReport
    is_text_file: bool


def check_orphans(
    con: duckdb.DuckDBPyConnection,
    checked: list[Checked],
    persons: tuple[Loaded, str] | None,
    *,
    tolerated: int,
) -> None:
    """All extracts in one anti join: the persons' hash table is built once, not once per
    extract (national ``personer`` has millions of keys)."""
    todo = [
        c for c in checked
        if c.extract.person_key and c.extract.person_key in c.found and c.loaded.rows
    ]  # fmt: skip
    if persons is None or not todo:
        return
    person_rel, person_col = persons
    keys = " union all ".join(
        f"select {i} as x, {_as_bigint(c.found[c.extract.person_key], c.loaded)} as k, "
        f"{ROW} as r from {c.loaded.relation}"
        for i, c in enumerate(todo)
    )
    pkey = _as_bigint(person_col, person_rel)
    found = {
        x: (n_persons, n_rows, first_row)
        for x, n_persons, n_rows, first_row in con.execute(
            f"select x, count(distinct k), count(*), min(r) from ({keys}) as rows_ "
            f"anti join (select distinct {pkey} as k from {person_rel.relation}) as persons "
            "using (k) where k is not null group by x"
        ).fetchall()
    }
    for i, c in enumerate(todo):
        _report(c, *found.get(i, (0, 0, None)), tolerated=tolerated)


def _report(c: Checked, n_persons: int, n_rows: int, first_row, *, tolerated: int) -> None:
    rep, is_text_file, person_key = c.rep, c.is_text_file, c.extract.person_key
    rep.facts["persons not in personer"] = int(n_persons)
    if not n_persons:
        return
    where = f"data row {first_row}" + (f" (line {first_row + 1})" if is_text_file else "")
    text = (
        f", column {person_key}: {n_persons} person(s) in {n_rows} row(s) are not in "
        f"personer (first in {where}); they would get sex and municipality 'Okänt' and no age"
    )
    if n_persons > tolerated:
        rep.error(
            "orphans",
            text + f". At most {tolerated} tolerated (var raw_orphan_persons_tolerated): ask for "
            "the missing persons, or raise the var; dq_orphan_persons counts them.",
            column=person_key,
            row=int(first_row),
            line=int(first_row) + 1 if is_text_file else None,
        )
    else:
        rep.warning(
            "orphans",
            text + f" (tolerated up to {tolerated}, var raw_orphan_persons_tolerated; "
            "counted in dq_orphan_persons).",
            column=person_key,
        )
