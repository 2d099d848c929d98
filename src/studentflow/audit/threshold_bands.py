"""The attacker's side of ``threshold_bands`` (sdc/linked_tables.yml; the engine's
side and the reasoning: src/studentflow/sdc/threshold_bands.py).

Every person of a cell (etablerad) has the measure at least a public threshold,
so the cell is at most the sum of the bands from the one holding it up: one
relation cell - bands <= 0 per published cell. The threshold is public (UKÄ's,
from a seed), and the audit reads it where the models put it, the aggregate's
column: the one figure here not read from the published marts.
"""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from studentflow.audit.manifest import Manifest, ManifestError, computed_entries
from studentflow.audit.relations import Relations
from studentflow.audit.structure import Cells
from studentflow.sdc import threshold_bands as declared
from studentflow.sql import texts_equal

LABEL = "threshold band: a cell within the bands from its public threshold up"


def entries(manifest: Manifest) -> list[dict]:
    """The declared threshold bands, each on a declared mart with one count."""
    return computed_entries(manifest, "threshold_bands", declared.declarations)


def add(con, manifest: Manifest, cells: Cells, out: Relations) -> None:
    """Adds each entry's relations over the cells loaded in ``cells`` to ``out``."""
    for entry in entries(manifest):
        mart = manifest.marts[entry["mart"]]
        rows, keys = cells.count_rows(entry["mart"]), declared.keys_of({"cells": mart.cells}, entry)
        if not len(rows):
            continue
        firsts = declared.firsts(entry, keys, thresholds(con, entry, mart, keys))
        framed = rows[mart.cells].assign(__var=rows.index.to_numpy())
        found = declared.inequalities(entry, keys, framed, firsts)
        out.add_dicts(found, "le", LABEL)


def thresholds(con, entry: dict, mart, keys: list[str]) -> pd.DataFrame:
    """The keys and threshold of the aggregate's rows of the entry's cell (the whole
    aggregate is not read: it is internal and large)."""
    where = texts_equal(entry["cell"])
    columns = ", ".join([*(f'"{c}"' for c in [*keys, *entry["cell"]]), f'"{entry["threshold"]}"'])
    try:
        return con.sql(f'select {columns} from aggregates."{mart.aggregate}" where {where}').df()
    except duckdb.Error as error:
        raise ManifestError(
            f"threshold_bands: the thresholds of '{entry['mart']}' in "
            f"aggregates.{mart.aggregate}: {error}"
        ) from error


def digest(con, manifest: Manifest, periods: dict[str, str]) -> dict[str, dict]:
    """Per mart with threshold bands, a fingerprint of its thresholds per period
    (slices.py: a revised seed changes the relations even where no published row
    changes). ``periods``: a mart's period column, whose values as text key the
    fingerprints, so that a new window's thresholds leave the others' slices kept;
    a mart without one has one fingerprint, under None."""
    found: dict[str, dict] = {}
    for entry in entries(manifest):
        mart = manifest.marts[entry["mart"]]
        keys = declared.keys_of({"cells": mart.cells}, entry)
        table = thresholds(con, entry, mart, keys).astype(str)
        column = periods.get(entry["mart"])
        parts = table.groupby(column, sort=True) if column in table else [(None, table)]
        digests = found.setdefault(entry["mart"], {})
        for period, part in parts:
            rows = part.sort_values(list(part.columns)).to_csv(index=False)
            text = digests.get(period, "") + rows
            digests[period] = hashlib.sha256(text.encode()).hexdigest()
    return found
