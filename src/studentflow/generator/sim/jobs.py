"""The job each entrant would hold in each phase of life (stream 'jobs'): occupation
(SSYK), industry (SNI), sector and education-job match, drawn once per person and
slot - S student job, J1 after degree 1, J2 after degree 2, P doctoral student."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..rng import stream
from ..world import World

SLOTS = ["S", "J1", "J2", "P"]
ATTRS = ["ssyk", "sni", "sector", "match"]


class Vocab:
    """Codes in the order first drawn, per attribute (the extract's vocabulary)."""

    def __init__(self):
        self.codes = {a: [] for a in ATTRS}
        self._ix = {a: {} for a in ATTRS}

    def ids(self, attr: str, codes) -> list[int]:
        ix, lst = self._ix[attr], self.codes[attr]
        out = []
        for cd in codes:
            if cd not in ix:
                ix[cd] = len(lst)
                lst.append(cd)
            out.append(ix[cd])
        return out


def jobs(w: World, c: int, d, st) -> SimpleNamespace:
    """e_i (a person's labour-market propensity), slots {slot: (ssyk, sni, sector,
    match) index arrays into vocab.codes}, vocab."""
    rj = stream(w.seed, c, "jobs")
    n, s1 = d.n, st.s1
    e_i = rj.normal(0, 1, n)
    famJ1 = np.where(s1["complete"], s1["family"], "generic")
    famJ2 = np.where(st.comp2, st.fam2, famJ1)
    typJ1 = np.where(s1["complete"], s1["type"], "nongrad")
    typJ2 = np.where(st.comp2, st.type2, typJ1)
    keys = {
        "S": (np.full(n, "student", object), np.full(n, "student", object)),
        "J1": (famJ1, typJ1),
        "J2": (famJ2, typJ2),
        "P": (np.full(n, "phd", object), np.full(n, "phd", object)),
    }
    vocab = Vocab()
    matchning = {**w.matchning, "generic": w.matchning["nongrad"]}
    slots = {}
    for sl, (famv, typv) in keys.items():
        slots[sl] = (
            _draw(vocab, "ssyk", w.ssyk, famv, rj.random(n)),
            _draw(vocab, "sni", w.sni, famv, rj.random(n)),
            _draw(vocab, "sector", w.sector, famv, rj.random(n)),
            _draw(vocab, "match", matchning, typv, rj.random(n)),
        )
    return SimpleNamespace(e_i=e_i, slots=slots, vocab=vocab)


def _draw(vocab: Vocab, attr, table, keys, u):
    """Per person a code from table[key] ((codes, probabilities); 'generic' when
    the key has none) with the uniform u; returns indices into vocab.codes[attr]."""
    out = np.zeros(len(keys), np.int64)
    for key in sorted(set(keys.tolist())):
        codes, p = table.get(key) or table["generic"]
        ids = vocab.ids(attr, codes)
        msk = keys == key
        cum = np.cumsum(p)
        out[msk] = np.array(ids)[
            np.minimum(np.searchsorted(cum, u[msk], side="right"), len(ids) - 1)
        ]
    return out
