"""The periods of a group of linked marts, and which of them an update changed.

A population may declare its period (``period: window_start_year`` in
sdc/linked_tables.yml): the attribute that no relation crosses. Then each period
of a group is a set of whole components, decided from that period's rows alone,
and an annual delivery changes few periods (nationally one per population: the
newest year or window). Each period of a group is a *slice* with a fingerprint of
its rows and everything else that decides them; an update keeps the stored cells
of every slice whose fingerprint is in the table and builds the structure only
for the others (nationally about a fifth of the cells). A group whose
populations declare no period is one slice.

That no relation crosses a period is checked on every structure built with
periods (:func:`check_within_periods`), so a declaration the relations
contradict stops the build instead of splitting a component.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from studentflow.sdc.cells import text_categorical
from studentflow.sdc.reuse import engine_version
from studentflow.sdc.structure import Structure, StructureError

WHOLE = ""  # the one period of a group that declares none
_HASH_KEYS = ("studentflow-sl-1", "studentflow-sl-2")  # two 64-bit row hashes per row


@dataclass(frozen=True)
class Slices:
    """A group's periods: the period column of each mart (empty: one slice) and
    the fingerprint of each period's slice."""

    columns: dict[str, str]
    hashes: dict[str, str]

    def only(self, frames: dict[str, pd.DataFrame], periods: set[str]) -> dict[str, pd.DataFrame]:
        """The marts' rows in ``periods`` (every row when the group has one slice)."""
        if not self.columns:
            return (
                frames
                if WHOLE in periods
                else {name: frame.iloc[:0] for name, frame in frames.items()}
            )
        return {
            name: frame[text_categorical(frame[self.columns[name]]).isin(list(periods))]
            for name, frame in frames.items()
        }


def period_columns(group: dict) -> dict[str, str]:
    """Per mart of the group, the cell dim (in the aggregate's names) that holds its
    population's declared period; empty when a population of the group declares none.
    A period must be a cell dim of each mart, never totalled, and never fixed or
    varied by a declared relation (an update builds only the changed periods, so
    a relation to a kept one would not be seen there)."""
    populations = group.get("populations") or {}
    columns: dict[str, str] = {}
    for name, mart in group["marts"].items():
        period = (populations.get(mart.get("population")) or {}).get("period")
        if period is None:
            return {}
        found = [dim for dim in mart["cells"] if mart["attributes"].get(dim, dim) == period]
        if not found:
            raise StructureError(
                f"mart '{name}': no cell dim holds its population's period '{period}'"
            )
        if found[0] in (mart.get("additive") or []) + (mart.get("covering") or []):
            raise StructureError(
                f"mart '{name}': the period '{period}' is totalled (additive/covering)"
            )
        columns[name] = found[0]
    _relations_within_periods(populations, columns)
    return columns


def _relations_within_periods(populations: dict, columns: dict[str, str]) -> None:
    """Stops when a declared relation fixes a mart's period (``where``) or runs over
    it (same_cohort's ``column``): such a relation may link two periods."""
    for population, declared in populations.items():
        for relation in (declared or {}).get("relations") or []:
            if relation.get("kind") == "same_cohort":
                sides = [{"mart": relation["mart"], "where": {relation["column"]: None}}]
                sides.append({"mart": relation["mart"], "where": relation.get("leavers") or {}})
            else:
                sides = [relation["total"], *(relation.get("plus") or []), *relation["parts"]]
            for side in sides:
                if columns.get(side["mart"]) in (side.get("where") or {}):
                    raise StructureError(
                        f"population '{population}': a relation on mart '{side['mart']}' "
                        f"fixes or runs over its period '{columns[side['mart']]}'"
                    )


def slices_of(
    group: dict, frames: dict[str, pd.DataFrame], settings: tuple, floors: list = ()
) -> Slices:
    """The group's slices: each period's fingerprint hashes the group's declaration,
    ``settings`` and the engine's code with that period's rows of every mart, and
    of the figures of its computed relations (``floors``: (a name, the figures,
    their period column or None) each; the window sums' floors come from another
    group's counts, the quantile bounds' floors and the threshold bands' first
    bands from figures no mart counts: computed.py).
    The rows are hashed as a multiset (a sum of row hashes), since DuckDB gives
    an aggregate's rows in no fixed order."""
    columns = period_columns(group)
    header = json.dumps(
        [group["marts"], group.get("populations") or {}, group.get("total_label"), settings],
        sort_keys=True,
        default=str,
    )
    parts: dict[str, list[str]] = {}
    for name in sorted(group["marts"]):
        for period, summed in _summed_row_hashes(frames[name], columns.get(name)).items():
            parts.setdefault(period, []).append(f"{name}:{summed}")
    for name, found, column in floors:
        for period, summed in _summed_row_hashes(found, column).items():
            if period in parts:
                parts[period].append(f"{name}:{summed}")
    version = _code_version()
    hashes = {
        period: hashlib.sha256("\n".join([version, header, *found]).encode()).hexdigest()[:32]
        for period, found in parts.items()
    }
    return Slices(columns, hashes)


def _code_version() -> str:
    """The engine's version and the code that turns the aggregates into components
    (every module of this package, and the ranks it sorts by): a kept slice skips
    all of it, so a change to any of it must build every slice again."""
    here = Path(__file__).parent
    digest = hashlib.sha256(engine_version().encode())
    for path in sorted([*here.glob("*.py"), here.parent / "ranks.py"]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _summed_row_hashes(frame: pd.DataFrame, column: str | None) -> dict[str, str]:
    """Per period text, the rows' count, column names and two sums of 64-bit row hashes."""
    if column is None:
        periods = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), [WHOLE])
    else:
        periods = text_categorical(frame[column])
    codes = np.asarray(periods.codes, dtype=np.int64)
    sums = []
    for key in _HASH_KEYS:
        hashed = pd.util.hash_pandas_object(frame, index=False, hash_key=key).to_numpy()
        total = np.zeros(len(periods.categories), dtype=np.uint64)
        np.add.at(total, codes, hashed)  # wraps modulo 2**64
        sums.append(total)
    counts = np.bincount(codes, minlength=len(periods.categories))
    named = ",".join(frame.columns)
    return {
        period: f"{counts[i]}:{named}:{sums[0][i]}:{sums[1][i]}"
        for i, period in enumerate(periods.categories)
        if counts[i]
    }


def check_within_periods(structure: Structure, group: dict) -> None:
    """Stops when a relation links variables of two periods: the group's slices
    would then split a component, and solving them apart would lose the relation."""
    if structure.period is None:
        return
    for relations in (structure.equations, structure.inequalities):
        sizes = relations.sizes()
        if not len(relations) or not sizes.any():
            continue
        period = structure.period[relations.indices]
        starts = relations.indptr[:-1][sizes > 0]
        crossing = np.flatnonzero(
            np.minimum.reduceat(period, starts) != np.maximum.reduceat(period, starts)
        )
        if len(crossing):
            relation = np.flatnonzero(sizes > 0)[crossing[0]]
            members = relations.indices[relations.indptr[relation] : relations.indptr[relation + 1]]
            texts = sorted({structure.period_texts[p] for p in structure.period[members]})
            raise StructureError(
                f"a relation links the periods {texts} of marts {sorted(group['marts'])}: "
                "the declared period (sdc/linked_tables.yml, populations' period) must "
                "never be crossed by a relation"
            )
