"""Incoming exchange students (inresande utbytesstudenter) of one entry cohort.

UKÄ and SCB leave them out of högskolenybörjare: about 75 000 entrants a year
without them, 92 000 with (knob `share_exchange_students`).  They come for one
or two terms of freestanding courses at an institution of the scale, are not
registered residents (no folkbokföring, LISA or education rows) and have no
parents in the universe.  Their own random stream keeps every other draw of the
cohort unchanged."""

from __future__ import annotations

import numpy as np

from . import config as C
from .rng import stream
from .world import World


def _draw(rng, weights, size):
    cum = np.cumsum(np.asarray(weights, float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(size), side="right"), len(cum) - 1)


def exchange_students(w: World, c: int, n_entrants: int) -> dict:
    """Persons and term registrations of the exchange students arriving in year c.

    Returns arrays: persons (female, birth, country index into
    C.EXCHANGE_COUNTRIES) and registration rows (pid, term, inst, field, niva_a,
    reg, prest) with credits in tenths of hp, as sim.run_spell writes them."""
    n = int(round(n_entrants * w.knobs["share_exchange_students"]))
    r = stream(w.seed, c, "exchange")
    female = r.random(n) < 0.55
    age = 20 + np.minimum(r.poisson(2.0, n), 10)
    country = _draw(r, list(C.EXCHANGE_COUNTRIES.values()), n)
    autumn = r.random(n) < 0.6
    t0 = 2 * c + autumn.astype(np.int64)
    nterm = 1 + (r.random(n) < 0.35).astype(np.int64)  # a term or a whole academic year
    inst = _draw(r, w.inst_share, n)
    field = _draw(r, w.field_weight, n)
    second_cycle = r.random(n) < 0.45

    rp = np.repeat(np.arange(n), nterm)
    k = np.arange(len(rp)) - np.repeat(np.cumsum(nterm) - nterm, nterm)
    reg = np.array([300, 225, 150])[_draw(r, [0.75, 0.10, 0.15], len(rp))]
    prest = r.binomial(reg // 75, 0.85) * 75
    return {
        "n": n,
        "female": female,
        "birth": c - age,
        "country": country,
        "rows": {
            "pid": rp,
            "term": t0[rp] + k,
            "inst": inst[rp],
            "prog": np.full(len(rp), -1),
            "field": field[rp],
            "niva_a": second_cycle[rp],
            "reg": reg,
            "prest": prest,
        },
    }
