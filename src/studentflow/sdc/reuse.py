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
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# the modules whose code decides a component's suppression
_ENGINE_MODULES = (
    "gauss.py",
    "intervals.py",
    "protect.py",
    "protection.py",
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
    """The decisions of the last build: every stored component's fingerprint, and
    the cells each suppressed (columns component_hash, mart, cell_id). Nationally
    these are millions of cells, so they stay one Arrow table (joined once)
    instead of Python strings: 1.0 GiB instead of 3.0 GiB held and 5.4 GiB at
    the peak of the load (4.96 M cells)."""

    components: frozenset[str]
    suppressed: pa.Table

    def __contains__(self, component: object) -> bool:
        return component in self.components

    def __len__(self) -> int:
        return len(self.components)


KEYS = ["component_hash", "mart", "cell_id"]


def read_stored_cells(con, relation: str) -> pa.Table:
    """The last build's cells that the update needs, read from its table (the
    model's own relation): the suppressed rows with a fingerprint, as an Arrow
    table (nationally millions of rows: as pandas' Python strings they took
    5.4 GiB at the peak of the load). Every component with a fingerprint has a
    primary cell, which is always suppressed, so these rows name every stored
    component too."""
    return con.sql(
        f"select component_hash, mart, cell_id, is_suppressed from {relation} "
        "where is_suppressed and component_hash is not null"
    ).to_arrow_table()


def stored_decisions(previous: pa.Table | pd.DataFrame | None) -> StoredDecisions:
    """The last build's cells (columns component_hash, mart, cell_id,
    is_suppressed) as :class:`StoredDecisions`."""
    if isinstance(previous, pd.DataFrame):
        previous = pa.Table.from_pandas(previous, preserve_index=False)
    if previous is None or previous.num_rows == 0:
        return StoredDecisions(
            frozenset(), pa.table({key: pa.array([], pa.string()) for key in KEYS})
        )
    known = previous.filter(pc.is_valid(previous["component_hash"]))
    suppressed = known.filter(pc.fill_null(known["is_suppressed"], False)).select(KEYS)
    return StoredDecisions(
        frozenset(pc.unique(known["component_hash"]).cast(pa.string()).to_pylist()),
        suppressed,
    )


def reused_suppressed(cells: pd.DataFrame, stored: StoredDecisions) -> np.ndarray:
    """The variables to suppress as stored: ``cells`` (var, component_hash, mart,
    cell_id) are the cells of the components whose fingerprint is stored."""
    if cells.empty or stored.suppressed.num_rows == 0:
        return np.zeros(0, dtype=np.int64)
    # DuckDB's hash join: pandas' merge on three text keys took 5 GiB more than
    # this nationally (7.2 M cells against 5.0 M stored ones)
    with duckdb.connect() as con:
        con.register("reused_cells", cells)
        con.register("stored_suppressed", stored.suppressed)
        found = con.sql(
            "select var from reused_cells "
            "join stored_suppressed using (component_hash, mart, cell_id)"
        ).df()
    return found["var"].to_numpy(dtype=np.int64)
