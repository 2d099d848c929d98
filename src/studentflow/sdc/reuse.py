"""Keep the decision of a component that has not changed since the last build.

A component (cells linked by relations) is in practice one period of one
population, so an annual delivery changes few of them: the new year, the
windows and follow-ups that it completes, and the years it revises. Each
component is solved from its task alone (values, lower bounds, relations,
preference order, settings, engine code), so the same fingerprint gives the same
suppression: the stored decision is reused instead of solved again. Anything
that can change the result is in the fingerprint; a change of the engine's code
or of the solver's version invalidates every stored decision.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# the modules whose code decides a component's suppression
_ENGINE_MODULES = (
    "gauss.py",
    "held.py",
    "highs_lp.py",
    "identities.py",
    "intervals.py",
    "partners.py",
    "protect.py",
    "protection.py",
    "relations.py",
    "reuse.py",
    "tasks.py",
)


def engine_version() -> str:
    """A hash of the deciding code and the solver's version."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _ENGINE_MODULES:
        digest.update((here / name).read_bytes())
    for package in ("highspy", "numpy", "scipy"):
        digest.update(f"{package}={_version(package)}".encode())
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def fingerprint(parts: Iterable[bytes | str]) -> str:
    """A stable hash of a component's task: every part (bytes, or text) with its length,
    so that no two different sequences of parts run together into the same bytes."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode()
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class StoredDecisions:
    """The decisions of the last build: per stored component's fingerprint, the
    places (``component_cell``) of the cells it suppressed in the component's
    identity. Integers, not the cells' names: nationally these are millions of
    cells, and joining them by (fingerprint, mart, cell id) as text held about
    4 GiB more at the update's peak."""

    suppressed: dict[str, np.ndarray]  # fingerprint -> component_cell (int32)

    def __contains__(self, component: object) -> bool:
        return component in self.suppressed

    def __len__(self) -> int:
        return len(self.suppressed)

    def cells(self, component: str) -> np.ndarray:
        return self.suppressed[component]


def read_stored_cells(con, relation: str) -> pa.Table:
    """The last build's cells that the update needs, read from its table (the
    model's own relation): the suppressed rows with a fingerprint, as an Arrow
    table of (component_hash, component_cell, is_suppressed). Every component
    with a fingerprint has a primary cell, which is always suppressed, so these
    rows name every stored component too."""
    return con.sql(
        f"select component_hash, component_cell, is_suppressed from {relation} "
        "where is_suppressed and component_hash is not null and component_cell is not null"
    ).to_arrow_table()


def stored_decisions(previous: pa.Table | pd.DataFrame | None) -> StoredDecisions:
    """The last build's cells (columns component_hash, component_cell,
    is_suppressed) as :class:`StoredDecisions`."""
    if isinstance(previous, pd.DataFrame):
        previous = pa.Table.from_pandas(
            previous[["component_hash", "component_cell", "is_suppressed"]], preserve_index=False
        )
    if previous is None or previous.num_rows == 0:
        return StoredDecisions({})
    known = previous.filter(
        pc.and_(pc.is_valid(previous["component_hash"]), pc.is_valid(previous["component_cell"]))
    )
    if known.num_rows == 0:
        return StoredDecisions({})
    encoded = pc.dictionary_encode(known["component_hash"].combine_chunks())
    component = encoded.indices.to_numpy(zero_copy_only=False)
    cell = known["component_cell"].to_numpy().astype(np.int32)
    suppressed = known["is_suppressed"].fill_null(False).to_numpy(zero_copy_only=False)
    component, cell = component[suppressed], cell[suppressed]
    order = np.lexsort((cell, component))
    bounds = np.searchsorted(component[order], np.arange(len(encoded.dictionary) + 1))
    by_component = np.split(cell[order], bounds[1:-1])
    return StoredDecisions(dict(zip(encoded.dictionary.to_pylist(), by_component, strict=True)))


@dataclass(frozen=True)
class StoredSlices:
    """The slices of the last build (``slices.py``): the fingerprints it stored, and
    ``rows(fingerprints)`` giving those slices' cells as stored (an Arrow table: no
    Python object per cell), each component marked as kept (``component_reused``)."""

    hashes: frozenset[str]
    rows: Callable[[list[str]], pa.Table]


def read_stored_slices(con, relation: str, columns: list[str]) -> StoredSlices:
    """The stored slices of the table ``relation`` (the model's own) on ``con``;
    ``columns`` are the cells' columns (run.COLUMNS) that ``rows`` gives."""
    found = con.sql(f"select distinct slice_hash from {relation} where slice_hash is not null")
    kept = "case when component_hash is not null then true end as component_reused"
    selected = ", ".join(kept if column == "component_reused" else column for column in columns)

    def rows(hashes: list[str]) -> pa.Table:
        return con.sql(
            f"select {selected} from {relation} "
            "where slice_hash in (select unnest(cast($hashes as varchar[])))",
            params={"hashes": hashes},
        ).to_arrow_table()

    return StoredSlices(frozenset(h for (h,) in found.fetchall()), rows)
