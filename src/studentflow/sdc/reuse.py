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
from importlib import metadata
from pathlib import Path

import pandas as pd

# the modules whose code decides a component's suppression
_ENGINE_MODULES = ("gauss.py", "intervals.py", "protect.py", "protection.py", "reuse.py")


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


def fingerprint(parts: Iterable[object]) -> str:
    """A stable hash of a component's task: every part by its repr."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def stored_decisions(previous: pd.DataFrame | None) -> dict[str, frozenset[tuple[str, str]]]:
    """fingerprint -> the (mart, cell_id) it suppressed, from the last build's cells
    (columns component_hash, mart, cell_id, is_suppressed)."""
    if previous is None or previous.empty:
        return {}
    known = previous[previous["component_hash"].notna()]
    hashes = known["component_hash"].astype(str).tolist()
    decisions: dict[str, set[tuple[str, str]]] = {h: set() for h in hashes}
    flags = known["is_suppressed"].astype(bool).tolist()
    marts = known["mart"].astype(str).tolist()
    cells = known["cell_id"].astype(str).tolist()
    for component, flag, mart, cell in zip(hashes, flags, marts, cells, strict=True):
        if flag:
            decisions[component].add((mart, cell))
    return {component: frozenset(found) for component, found in decisions.items()}
