"""Deterministic random streams and the LopNr scrambler.

Every random draw comes from a numpy Generator whose SeedSequence entropy is
(seed, entry cohort year, purpose[, calendar year]).  A cohort's draws therefore
never depend on --end-year or on other cohorts: the simulation is prefix-stable.
"""

from __future__ import annotations

import numpy as np

PURPOSES = {
    "world": 1,
    "demography": 2,
    "parents": 3,
    "spell1": 4,
    "spell2": 5,
    "degrees": 6,
    "phd": 7,
    "migration": 8,
    "jobs": 9,
    "panel": 10,
    "residence_noise": 11,
    "population": 12,
    "education": 13,
    "exchange": 14,
}


def stream(seed: int, cohort: int, purpose: str, year: int | None = None) -> np.random.Generator:
    entropy = [int(seed), int(cohort), PURPOSES[purpose]]
    if year is not None:
        entropy.append(int(year))
    return np.random.default_rng(np.random.SeedSequence(entropy))


_BITS = 29
_MASK = (1 << _BITS) - 1
_COHORT_BITS = 22  # up to 4.19 M persons (students + parents) per entry cohort
LOPNR_OFFSET = 100_000_000  # LopNr in [1e8, 1e8 + 2^29): 9 digits, never personnummer-like


def lopnr(seed: int, cohort: int, k: np.ndarray) -> np.ndarray:
    """Bijective scramble of (cohort, k) into 9-digit serial numbers < 10^9."""
    if not (1980 <= cohort < 1980 + (1 << (_BITS - _COHORT_BITS))):
        raise ValueError(f"cohort {cohort} outside the LopNr key space")
    x = (np.uint64(cohort - 1980) << np.uint64(_COHORT_BITS)) | np.asarray(k, dtype=np.uint64)
    r = np.random.default_rng(np.random.SeedSequence([int(seed), 424242]))
    mask = np.uint64(_MASK)
    for _ in range(3):
        a = np.uint64(int(r.integers(1, 1 << 28)) * 2 + 1)
        b = np.uint64(int(r.integers(0, 1 << _BITS)))
        x = (x * a + b) & mask
        x ^= x >> np.uint64(13)
    return x.astype(np.int64) + LOPNR_OFFSET
