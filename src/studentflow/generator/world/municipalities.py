"""Counties and municipalities: codes, population, historical codes and the
municipal education and foreign-background indices."""

from __future__ import annotations

import numpy as np

from .. import config as C
from ..history import kommun_code_history, read_code_changes
from .model import World
from .seeds import read_seed


def municipalities(w: World, seeds_dir) -> list[dict]:
    """Fill the county and municipality fields of w; return the municipality rows."""
    lan_rows = read_seed(seeds_dir, "lan")
    w.lan_codes = sorted(r["lan_code"] for r in lan_rows if r["lan_code"] in C.COUNTY_CENTROIDS)
    lan_ix = {c: i for i, c in enumerate(w.lan_codes)}
    kom = [
        r
        for r in read_seed(seeds_dir, "kommuner")
        if r["lan_code"] in lan_ix and r["population_2024"]
    ]
    kom.sort(key=lambda r: r["kommun_code"])
    w.kommun_codes = np.array([r["kommun_code"] for r in kom], dtype=object)
    w.kommun_names = [r["kommun_name"] for r in kom]
    w.kommun_lan = np.array([lan_ix[r["lan_code"]] for r in kom])
    w.kommun_pop = np.array([float(r["population_2024"]) for r in kom])
    # municipality codes as each year's registers carry them (history.py)
    w.kommun_vocab, w.kommun_history = kommun_code_history(
        read_code_changes(seeds_dir), C.KOMMUN_SPLITS, w.kommun_codes
    )
    return kom


def municipal_indices(w: World, rng) -> None:
    """edu_index (centred) and foreign_index (mean 1), population-weighted; needs
    w.is_seat. Two normal draws per municipality from the world stream."""
    n_k = len(w.kommun_codes)
    edu = 0.25 * np.log10(w.kommun_pop / 15000) + rng.normal(0, 0.15, n_k) + 0.3 * w.is_seat
    fidx = np.exp(0.15 * np.log10(w.kommun_pop / 15000) + rng.normal(0, 0.2, n_k))
    for i, nm in enumerate(w.kommun_names):
        edu[i] += C.EDU_INDEX_BONUS.get(nm, 0.0)
        if nm in C.FOREIGN_INDEX:
            fidx[i] = C.FOREIGN_INDEX[nm]
    w.edu_index = edu - np.average(edu, weights=w.kommun_pop)
    w.foreign_index = fidx / np.average(fidx, weights=w.kommun_pop)
