"""A cell whose persons all have a measure of at least a public threshold lies
within the bands from that threshold up (``threshold_bands`` in
sdc/linked_tables.yml; docs/disclosure-control.md section 10).

An alumni mart's etablerad graduates earn at least UKÄ's threshold of their
follow-up year, so at least the lowest threshold of the years a window's
graduates have at that follow-up (the aggregate's column
``etablering_threshold_sek``, from the seed: public). The income bands count
every graduate by the same earned income, so per cell of the other dims,
etablerad <= the sum of the bands from the one holding that threshold up. The
bands a cell is within depend on its window (the thresholds rise from year to
year), which no declared relation can say: the engine writes one inequality
per cell here, and the audit reads the same (audit/threshold_bands.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from studentflow.sdc import bands
from studentflow.sdc.cells import StructureError

NEEDED = ["mart", "cell", "threshold", "bands"]


def declarations(spec: dict) -> list[dict]:
    """Every population's ``threshold_bands`` entries, checked (bands.declarations)."""
    return bands.declarations(spec, "threshold_bands", NEEDED, "cell")


def keys_of(mart: dict, entry: dict) -> list[str]:
    """The cell dims a relation is per: the mart's, but those ``cell`` fixes."""
    return [dim for dim in mart["cells"] if dim not in entry["cell"]]


def firsts(entry: dict, keys: list[str], rows: pd.DataFrame) -> pd.DataFrame:
    """Per row of ``rows`` (an aggregate's rows, all of them) that ``cell`` fixes and
    that has a threshold: its keys (texts) and ``first``, the band its threshold
    falls in; sorted (DuckDB gives an aggregate's rows in no fixed order)."""
    missing = [c for c in [*keys, entry["threshold"]] if c not in rows]
    if missing:
        raise StructureError(f"threshold_bands: mart '{entry['mart']}' lacks {missing}")
    rows = rows[bands.matching(rows, entry["cell"])]
    rows = rows[rows[entry["threshold"]].notna().to_numpy()]
    out = rows[keys].astype(str).reset_index(drop=True)
    out["first"] = bands.band_of(entry["bands"], rows[entry["threshold"]].to_numpy(float))
    return out.sort_values(keys, ignore_index=True)


def inequalities(entry: dict, keys: list[str], cells: pd.DataFrame, found: pd.DataFrame):
    """Per row of ``found`` (:func:`firsts`) whose cell is among the mart's
    ``cells`` (its dims and ``__var``: a variable or a cell number), the relation
    cell - (its bands from ``first`` up) <= 0 as a dict {var: coef}; a band
    without a row counts 0."""
    is_band, number = bands.band_rows(cells, entry["bands"])
    counted = (
        cells.loc[is_band, keys]
        .astype(str)
        .assign(__band=number[is_band], __var=cells.loc[is_band, "__var"].to_numpy())
    )
    is_cell = bands.matching(cells, entry["cell"])
    own = cells.loc[is_cell, keys].astype(str).assign(__own=cells.loc[is_cell, "__var"].to_numpy())
    rows = found.merge(own, on=keys, how="inner")
    above = rows.merge(counted, on=keys, how="left")
    above = above[above["__band"].isna() | (above["__band"] >= above["first"])]
    relations = []
    for own_var, group in above.groupby("__own", sort=True)["__var"]:
        members = [int(v) for v in group.dropna()]
        relations.append({int(own_var): 1.0, **{member: -1.0 for member in members}})
    return relations


def check(entry: dict, relations: list[dict], values) -> None:
    """Stops where a cell counts more than its bands, which the definitions rule
    out (every person of the cell has the measure at or above the threshold)."""
    exact = np.asarray(values, dtype=np.int64)
    broken = [r for r in relations if sum(coef * exact[var] for var, coef in r.items()) > 0]
    if broken:
        raise StructureError(
            f"threshold_bands: {len(broken)} cells {entry['cell']} of '{entry['mart']}' count "
            f"more persons than their bands from '{entry['threshold']}' up"
        )
