"""The attacker's side of the quartiles of several rows of a cell together
(``quantile_bounds`` with ``split``, sdc/linked_tables.yml; the reasoning and
the relations: src/studentflow/sdc/quantile_slices.py).

For every cell with a published quartile row, the employed of each leaf row by
income slice are cells no mart publishes, numbered after every other cell and
at least 0, tied to the published cells by the relations. They are never
attacked: no mart publishes them. Everything here is read from the published
marts (the quartiles are published only where the row's count is), but for
``employed_from_threshold``'s public thresholds, read from the aggregate as
audit/threshold_bands.py reads them.
"""

from __future__ import annotations

import pandas as pd

from studentflow.audit import threshold_bands
from studentflow.audit.manifest import Manifest
from studentflow.audit.quantile_bounds import entries as quantile_entries
from studentflow.audit.quantile_bounds import published_rows
from studentflow.audit.relations import Relations
from studentflow.audit.structure import Cells
from studentflow.sdc import quantile_bounds as declared
from studentflow.sdc import quantile_slices

LABEL = "quantile slices: the quartiles of a cell's rows over the employed by income slice"


def add(con, manifest: Manifest, cells: Cells, schema: str, first: int, out: Relations) -> int:
    """Adds every split entry's relations over the cells loaded in ``cells`` to
    ``out``; the hidden slice cells are numbered from ``first``. Returns how many."""
    written = quantile_slices.Written(first)
    for entry in quantile_entries(manifest):
        rows = cells.count_rows(entry["mart"])
        if not entry.get("split") or not len(rows):
            continue
        mart = manifest.marts[entry["mart"]]
        spec = {"cells": mart.cells}
        row_keys = declared.keys_of(spec, entry)
        shown = published_rows(con, entry, mart, row_keys, schema)
        shown = quantile_slices.with_thresholds(
            entry, row_keys, shown, _thresholds(con, entry, mart, row_keys)
        )
        framed = rows[mart.cells].assign(__var=rows.index.to_numpy())
        keys = quantile_slices.cell_keys(spec, entry)
        quantile_slices.relations(entry, manifest.total_label, keys, framed, shown, written)
    out.add_dicts(written.equations, "eq", LABEL)
    out.add_dicts(written.inequalities, "le", LABEL)
    return len(written.owner)


def _thresholds(con, entry: dict, mart, keys: list[str]) -> pd.DataFrame:
    """The aggregate's rows that ``employed_from_threshold`` names, with their
    threshold (public: from a seed, as audit/threshold_bands.py reads it)."""
    told = entry.get("employed_from_threshold")
    if not told:
        return pd.DataFrame()
    found = {"mart": entry["mart"], "cell": told["where"], "threshold": told["threshold"]}
    return threshold_bands.thresholds(con, found, mart, keys)
