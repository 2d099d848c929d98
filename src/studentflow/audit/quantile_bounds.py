"""The attacker's side of ``quantile_bounds`` (sdc/linked_tables.yml; the engine's
side and the reasoning: src/studentflow/sdc/quantile_bounds.py).

The published quartiles of a row and its published count say how many of its
persons lie in a run of bands; the bands are published rows of the same cell.
Each run is a cell no mart publishes, equal to the sum of its band cells, with
that floor as its lower bound, numbered after the published cells and the
window sums. Everything here is read from the published marts: the quartiles
are published only where the row's count is (macro sdc_publish).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from studentflow.audit.manifest import Manifest, ManifestError, computed_entries
from studentflow.audit.structure import Cells
from studentflow.audit.window_sums import Sums, as_sums
from studentflow.sdc import quantile_bounds as declared
from studentflow.sql import quote_ident, texts_equal

LABEL = "quantile bound: the quartiles put at least so many in a run of bands"


def entries(manifest: Manifest) -> list[dict]:
    """The declared quantile bounds, each on a declared mart with one count."""
    return computed_entries(manifest, "quantile_bounds", declared.declarations)


def build(con, manifest: Manifest, cells: Cells, schema: str, first: int) -> Sums:
    """The runs of every entry over the cells loaded in ``cells``, numbered from
    ``first``."""
    pieces = []
    for entry in entries(manifest):
        mart = manifest.marts[entry["mart"]]
        rows, keys = cells.count_rows(entry["mart"]), declared.keys_of({"cells": mart.cells}, entry)
        if not len(rows):
            continue
        found = declared.floors(entry, keys, published_rows(con, entry, mart, keys, schema), "n")
        loaded = rows[declared.of_rows(rows, entry)][keys].astype(str).drop_duplicates()
        found = found.merge(loaded, on=keys, how="inner")
        framed = rows[mart.cells].assign(__var=rows.index.to_numpy())
        pieces.append(declared.members(entry, keys, framed, found)[["floor", "members"]])
    table = (
        pd.concat(pieces, ignore_index=True)
        if pieces
        else pd.DataFrame({"floor": pd.Series(dtype=float), "members": []})
    )
    members = table.pop("members").tolist()
    return as_sums(first, table.astype({"floor": float}), members, {})


def published_rows(con, entry: dict, mart, keys: list[str], schema: str) -> pd.DataFrame:
    """The published rows with the quartiles: the keys, the count ``n`` and the
    quartile columns (a row shows its quartiles only beside its count)."""
    (count,) = mart.counts
    quartiles = [f"{entry['measure']}_{suffix}" for suffix in declared.QUANTILES]
    where = " and ".join(
        [texts_equal(entry["of"]), *(f"{quote_ident(c)} is not null" for c in [count, *quartiles])]
    )  # fmt: skip
    listed = ", ".join([*(f'cast("{c}" as varchar) as "{c}"' for c in keys),
                        f'"{count}" as n', *(f'"{c}"' for c in quartiles)])  # fmt: skip
    try:
        return con.sql(f'select {listed} from "{schema}"."{entry["mart"]}" where {where}').df()
    except duckdb.Error as error:
        raise ManifestError(
            f"quantile_bounds: the published quartiles of '{entry['mart']}': {error}"
        ) from error
