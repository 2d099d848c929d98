"""The programme catalogue: per institution the config's programme templates that
fit its flags and have a degree in the seed, with a random size (world stream)."""

from __future__ import annotations

import numpy as np

from .. import config as C
from .codelists import find_degree
from .model import Catalogue, World

MASTER_KINDS = ("master", "artmaster")
MASTERS_PER_INSTITUTION = 4  # with a programme cap: up to 4 masters, the rest first-cycle


def catalogue(w: World, degree_names: list[str], rng, cap: int | None) -> Catalogue:
    """All programmes, institution by institution (cap: programmes per institution)."""
    fidx_of = {c: i for i, c in enumerate(w.fields)}
    rows = []
    for j, _code in enumerate(w.inst_codes):
        digit = str(1 + int(rng.integers(0, 9)))
        cand = _candidates(w, j, degree_names, fidx_of, rng)
        if cap:
            cand = _largest(cand, cap)
        for c in cand:
            rows.append((j, digit + c[1]) + c)
    return _as_catalogue(rows)


def _candidates(w: World, j: int, degree_names, fidx_of, rng) -> list[tuple]:
    """(kind, abbr, name, degree, terms, women, completion, family, field, niva, weight)."""
    cand = []
    for t in C.PROGRAMME_TEMPLATES:
        kind, abbr, pname, dpref, terms, women, compl, famname, fld, flags, size, niva = t
        if not (flags & w.inst_flags[j]):
            continue
        di = find_degree(degree_names, dpref)
        if di < 0:
            continue
        wt = size * rng.lognormal(0, 0.5) * (0.1 if rng.random() < C.SMALL_PROGRAMME_SHARE else 1.0)
        field = fidx_of.get(fld, -1)
        cand.append((kind, abbr, pname, di, terms, women, compl, famname, field, niva, wt))
    return cand


def _largest(cand: list[tuple], cap: int) -> list[tuple]:
    """The largest first-cycle programmes and masters within cap, in template order."""
    by_size = sorted([c for c in cand if c[0] not in MASTER_KINDS], key=lambda c: -c[-1])
    first = by_size[: cap - MASTERS_PER_INSTITUTION]
    mast = sorted([c for c in cand if c[0] in MASTER_KINDS], key=lambda c: -c[-1])
    keep = {c[1] for c in first + mast[:MASTERS_PER_INSTITUTION]}
    return [c for c in cand if c[1] in keep]


def _as_catalogue(rows: list[tuple]) -> Catalogue:
    return Catalogue(
        inst=np.array([r[0] for r in rows]),
        code=[r[1] for r in rows],
        name=[r[4] for r in rows],
        degree=np.array([r[5] for r in rows]),
        kind=[r[2] for r in rows],
        abbr=[r[3] for r in rows],
        terms=np.array([r[6] for r in rows]),
        women=np.array([r[7] for r in rows]),
        completion=np.array([r[8] for r in rows]),
        family=[r[9] for r in rows],
        field=np.array([r[10] for r in rows]),
        niva=[r[11] for r in rows],
        weight=np.array([r[12] for r in rows]),
        a_from_term=np.array(
            [6 if r[3] in C.A_LEVEL_INTEGRATED else (0 if r[11] == "A" else 99) for r in rows]
        ),
    )
