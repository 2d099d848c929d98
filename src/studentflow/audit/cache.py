"""The LP results of components already attacked, kept between audits.

An annual delivery changes few components of the publication (a component is
in practice one period of one population: the new year, the windows and
follow-ups it completes, the years it revises). A component's LP result
depends only on its own system - the relations over its protected cells with
the published figures folded in, their known bounds, which cells are pending,
k - and on the LP code, so a component whose fingerprint is in the cache gets
the stored result instead of its LPs. What is stored is the attacker's own
earlier result on identical input: the audit stays independent of the
defender (nothing is read from the suppression engine).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from importlib import metadata
from pathlib import Path

import numpy as np

FILE = "lp_cache.pickle"
_CODE = ("lp.py", "bounds.py", "cache.py")


def code_version() -> str:
    """A hash of the LP code and the solver's version: a change invalidates the cache."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    digest.update(metadata.version("highspy").encode())
    return digest.hexdigest()


def fingerprint(version: str, a, arrays: list[np.ndarray], k: int) -> str:
    """The hash of one component's LP input (``a`` sparse, ``arrays`` dense)."""
    digest = hashlib.sha256(version.encode())
    matrix = a.tocsr()
    if not matrix.has_sorted_indices:  # the audit's blocks are sorted: no copy to make
        matrix = matrix.copy()
        matrix.sort_indices()
    for array in (matrix.indptr, matrix.indices, matrix.data, *arrays):
        array = np.ascontiguousarray(array)
        digest.update(f"{_dtype_text(array.dtype)}{array.shape}".encode())
        digest.update(array.tobytes())
    digest.update(f"k={k}".encode())
    return digest.hexdigest()


# numpy names a dtype in Python code (2.3 s of a national audit's 590 000 calls);
# the same text, so the same fingerprints
_dtype_text = functools.cache(str)


def load(directory: Path | None) -> dict:
    """fingerprint -> stored result; empty without a directory or a readable file."""
    if directory is None or not (directory / FILE).exists():
        return {}
    try:
        with (directory / FILE).open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return {}  # a damaged or foreign file: attack everything again


def save(directory: Path | None, results: dict) -> None:
    """Keep this audit's results only (components no longer published drop out)."""
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / FILE).open("wb") as handle:
        pickle.dump(results, handle, protocol=pickle.HIGHEST_PROTOCOL)
