"""The entrants' parents (stream 'parents'): who is known, birth years, birth
countries and education level with a possible later upgrade."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import config as C
from ..rng import stream
from ..world import World
from .draws import categorical


def parents(w: World, c: int, d) -> SimpleNamespace:
    """Mother (m) and father (f) of every entrant in d (demography())."""
    rpar = stream(w.seed, c, "parents")
    p = SimpleNamespace()
    _known(rpar, w, d, p)
    _countries(rpar, d, p)
    _education(rpar, w, d, p)
    return p


def _known(rpar, w: World, d, p):
    """mf/ff: mother/father born abroad; m_known/f_known; birth years mb/fbirth."""
    n, g = d.n, d.g
    u_which = rpar.random(n) < 0.5
    p.mf = np.select([g == 0, g == 1, g == 2], [False, u_which, True], rpar.random(n) > 0.05)
    ff = np.select([g == 0, g == 1, g == 2], [False, ~u_which, True], rpar.random(n) > 0.05)
    p.ff = np.where(g == 3, np.where(p.mf, ff, True), ff)
    p_unk = w.knobs["unknown_parent"] * np.where(d.abroad, 4.0, 1.0)
    p.m_known = (rpar.random(n) >= p_unk) & ~d.fm
    p.f_known = (rpar.random(n) >= p_unk * 1.3) & ~d.fm
    p.mb = d.birth - np.clip(np.round(rpar.normal(30, 5, n)), 17, 45).astype(np.int64)
    fbirth = p.mb - np.clip(np.round(rpar.normal(2.5, 3.5, n)), -8, 20).astype(np.int64)
    p.fbirth = np.minimum(fbirth, d.birth - 18)


def _countries(rpar, d, p):
    """m_ctry/f_ctry: birth country index into d.vocab_ctry (0 = SE)."""
    n = d.n
    same_c = rpar.random(n) < 0.9
    rc_m, rc_f = (
        categorical(rpar, list(C.BIRTH_COUNTRIES.values()), n),
        categorical(rpar, list(C.BIRTH_COUNTRIES.values()), n),
    )
    child_c = np.where(d.fodland > 0, d.fodland, 1 + rc_m)
    p.m_ctry = np.where(p.mf, np.where(d.abroad & same_c, child_c, 1 + rc_m), 0)
    p.f_ctry = np.where(p.ff, np.where(d.abroad & same_c, child_c, 1 + rc_f), 0)


def _education(rpar, w: World, d, p):
    """lev_m/lev_f (SUN level 1..7, 0 unknown), Lmax (latent of the known parents),
    up_m/up_f and upy_m/upy_f (a later one-level upgrade and its year)."""
    kn, n = w.knobs, d.n
    shared = rpar.normal(0, 1, n)
    eidx = kn["parent_edu_index_weight"] * w.edu_index[d.home]
    trend = kn["parent_edu_trend_per_year"]
    Lm = (
        eidx
        + trend * (p.mb - 1965)
        + 0.6 * shared
        + 0.7 * rpar.normal(0, 1, n) * np.where(p.mf, 1.3, 1.0)
        - 0.15 * p.mf
    )
    Lf = (
        eidx
        + trend * (p.fbirth - 1965)
        + 0.6 * shared
        + 0.7 * rpar.normal(0, 1, n) * np.where(p.ff, 1.3, 1.0)
        - 0.15 * p.ff
        - 0.1
    )
    cuts = kn["parent_edu_cutpoints"]
    lev_m = 1 + np.searchsorted(cuts, Lm)
    lev_f = 1 + np.searchsorted(cuts, Lf)
    pu = kn["parent_edu_unknown"]
    p.lev_m = np.where(rpar.random(n) < pu * np.where(p.mf, 6, 1), 0, lev_m)
    p.lev_f = np.where(rpar.random(n) < pu * np.where(p.ff, 6, 1), 0, lev_f)
    Lmax = np.maximum(np.where(p.m_known, Lm, -9), np.where(p.f_known, Lf, -9))
    p.Lmax = np.where(Lmax < -8, 0.0, Lmax)
    p.up_m, p.up_f = rpar.random(n) < 0.08, rpar.random(n) < 0.08
    p.upy_m, p.upy_f = p.mb + 30 + rpar.integers(0, 20, n), p.fbirth + 30 + rpar.integers(0, 20, n)
