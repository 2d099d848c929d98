"""Labour-market profiles per field family: the config's preferred SSYK, SNI,
sector and matching codes, kept where the seeds have them, as probabilities."""

from __future__ import annotations

import numpy as np

from .. import config as C
from .model import World
from .seeds import read_seed


def probs(d: dict) -> tuple[list, np.ndarray]:
    keys = list(d)
    p = np.array([d[k] for k in keys], dtype=float)
    return keys, p / p.sum()


def labour_profiles(w: World, seeds_dir) -> None:
    """Fill w.ssyk, w.sni, w.sector, w.matchning ({family: (codes, p)}) and the
    unknown-sector and not-employed matching codes."""
    ssyk_codes = sorted(r["ssyk_code"] for r in read_seed(seeds_dir, "ssyk2012_yrkesgrupper"))
    for famname, prefs in C.SSYK_PROFILES.items():
        p: dict[str, float] = {}
        for pre, wt in prefs:
            hits = [c for c in ssyk_codes if c.startswith(pre)]
            for c in hits:
                p[c] = p.get(c, 0) + wt / len(hits)
        w.ssyk[famname] = probs(p or {c: 1 for c in ssyk_codes})
    divisions = {r["sni_division"] for r in read_seed(seeds_dir, "sni2007_huvudgrupper")}
    for famname, d5 in C.SNI_PROFILES.items():
        ok = {k: v for k, v in d5.items() if k[:2] in divisions}
        w.sni[famname] = probs(ok or {sorted(divisions)[0] + "000": 1})
    sectors = {r["sector_code"] for r in read_seed(seeds_dir, "sektorer")}
    for famname, d in C.SECTOR_PROFILES.items():
        ok = {k: v for k, v in d.items() if k in sectors}
        w.sector[famname] = probs(ok or {sorted(sectors)[0]: 1})
    mcodes = {r["matching_code"] for r in read_seed(seeds_dir, "matchning")}
    for k, d in C.MATCHNING_PROFILES.items():
        ok = {c: v for c, v in d.items() if c in mcodes}
        w.matchning[k] = probs(ok or {sorted(mcodes)[0]: 1})
    w.matchning_not_employed = "91" if "91" in mcodes else None
    w.sector_unknown = "US" if "US" in sectors else None
