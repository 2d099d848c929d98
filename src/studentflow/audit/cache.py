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

from studentflow.audit import lp

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


def fingerprint(version: str, arrays: list[np.ndarray], k: int) -> str:
    """The hash of one component's LP input: its block's CSR arrays (sorted column
    indices, as the audit's blocks are) and its dense arrays."""
    digest = hashlib.sha256(version.encode())
    for array in arrays:
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
            return _unpacked(pickle.load(handle))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError):
        return {}  # a damaged or foreign file: attack everything again


def save(directory: Path | None, results: dict) -> None:
    """Keep this audit's results only (components no longer published drop out)."""
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / FILE).open("wb") as handle:
        pickle.dump(_packed(results), handle, protocol=pickle.HIGHEST_PROTOCOL)


# The results as a few long arrays: pickling each component's own small arrays
# (nationally 65 000 components, five arrays each) took 2.1 s to save and 2.1 s to load.
_ARRAYS = ("low", "high", "witness_low", "witness_high")
_FORMAT = "columns-1"


def _packed(results: dict) -> dict:
    keys = list(results)
    found = [results[key] for key in keys]
    sizes = np.array([0 if r is None else len(r.low) for r in found], dtype=np.int64)
    packed = {
        "format": _FORMAT,
        "keys": keys,
        "sizes": sizes,
        "missing": np.array([r is None for r in found], dtype=bool),
        "n_lp": np.array([0 if r is None else r.n_lp for r in found], dtype=np.int64),
        "has_determined": np.array([r is not None and r.determined is not None for r in found]),
    }
    present = [r for r in found if r is not None]
    for name in _ARRAYS:
        packed[name] = np.concatenate([getattr(r, name) for r in present] or [np.empty(0)])
    packed["determined"] = np.concatenate(
        [np.zeros(len(r.low), bool) if r.determined is None else r.determined for r in present]
        or [np.empty(0, dtype=bool)]
    )
    return packed


def _unpacked(packed: dict) -> dict:
    if packed.get("format") != _FORMAT:
        return {}
    ends = np.cumsum(packed["sizes"]).tolist()
    starts = [0, *ends[:-1]]
    arrays = [packed[name] for name in _ARRAYS]
    missing, has_determined = packed["missing"].tolist(), packed["has_determined"].tolist()
    n_lp = packed["n_lp"].tolist()
    results: dict = {}
    for i, key in enumerate(packed["keys"]):
        if missing[i]:
            results[key] = None
            continue
        window = slice(starts[i], ends[i])
        determined = packed["determined"][window] if has_determined[i] else None
        results[key] = lp.Result(*(array[window] for array in arrays), n_lp[i], determined)
    return results
