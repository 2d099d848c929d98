"""Values the contract requires (``meta.required`` on a column): a row without
one stops the build, naming the file, the column and the first such row.

Only for columns whose NULL no model can keep as 'Okänt': a person without a
birth year has no age, so the populations defined by age (registered persons
aged 18-25, analyses 3-4) would leave them out silently."""

from __future__ import annotations

import duckdb

from studentflow.sql import quote_ident

from .contract import Extract
from .reading import ROW, Loaded
from .report import ExtractReport


def check_required(
    con: duckdb.DuckDBPyConnection,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    rep: ExtractReport,
    *,
    is_text_file: bool,
) -> None:
    for column in extract.columns:
        if not column.required or column.name not in found:
            continue
        value = quote_ident(found[column.name])
        # a text delivery reads every value as text: an empty field is no value either
        empty = f"{value} is null" + (f" or trim({value}) = ''" if is_text_file else "")
        n_missing, first_row = con.execute(
            f"select count(*), min({ROW}) from {loaded.relation} where {empty}"
        ).fetchone()
        rep.facts[f"{column.name} missing"] = int(n_missing)
        if not n_missing:
            continue
        where = f"data row {first_row}" + (f" (line {first_row + 1})" if is_text_file else "")
        rep.error(
            "required",
            f", column {column.name}: {n_missing} row(s) without a value (first in {where}); "
            "the contract requires one (docs/raw-extracts.md). Ask the data provider for "
            "a corrected delivery.",
            column=column.name,
            row=int(first_row),
            line=int(first_row) + 1 if is_text_file else None,
        )
