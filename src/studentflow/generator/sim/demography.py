"""Who the entrants of one cohort are: home municipality, sex, foreign background,
age at entry, entry term, immigration year and birth country (stream 'demography')."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import config as C
from ..rng import stream
from ..world import World
from .draws import categorical


def demography(w: World, c: int, n: int) -> SimpleNamespace:
    """Entrants of cohort c. The stream stays in the result (d.rng): the ability
    draw (ability()) continues it after the parents."""
    rd = stream(w.seed, c, "demography")
    d = SimpleNamespace(rng=rd, n=n, c=c)
    _background(rd, w, d)
    _age_and_entry(rd, w, d)
    _birth_country(rd, w, d)
    return d


def _background(rd, w: World, d):
    """fm (freemover), home, female, g (foreign-background group 0..3), abroad."""
    kn, n = w.knobs, d.n
    d.fm = (rd.random(n) < kn["share_freemovers"]) & w.any_master
    pk = w.kommun_pop * np.exp(kn["transition_beta"] * w.edu_index) * w.lan_access[w.kommun_lan]
    d.home = categorical(rd, pk, n)
    d.female = rd.random(n) < kn["share_women"]
    fb = np.array(kn["foreign_background"], float)
    fb[3] = max(fb[3] - kn["share_freemovers"], 0.0)
    f = w.foreign_index[d.home]
    pg = fb[None, :] * np.stack([np.ones(n), f, f, f], 1)
    pg = np.cumsum(pg / pg.sum(1, keepdims=True), 1)
    g = np.minimum((pg < rd.random(n)[:, None]).sum(1), 3)
    d.g = np.where(d.fm, 3, g)
    d.abroad = d.g == 3


def _age_and_entry(rd, w: World, d):
    """birth year, vt (spring entry), t0 (first term index), imm (immigration year)."""
    kn, n, c, fm = w.knobs, d.n, d.c, d.fm
    offs = np.array(kn["age_offsets"])
    off = np.searchsorted(np.cumsum(offs), rd.random(n), side="right").astype(np.int64)
    tail = 6 + np.floor(rd.exponential(kn["age_tail_mean"], n)).astype(np.int64)
    off = np.where(off >= len(offs), tail, off)
    off = off + np.where(d.abroad & ~fm, np.floor(rd.exponential(1.5, n)).astype(np.int64), 0)
    off = np.where(fm, 3 + np.floor(rd.exponential(3, n)).astype(np.int64), off)
    age = 19 + np.minimum(off, 26)
    d.birth = c - age
    d.vt = rd.random(n) < kn["entry_vt_share"]
    d.t0 = 2 * c + (~d.vt).astype(np.int64)
    u_imm = rd.random(n)
    imm = np.where(d.abroad, d.birth + np.floor(u_imm * (c - d.birth)).astype(np.int64), d.birth)
    d.imm = np.where(fm, c, imm)


def _birth_country(rd, w: World, d):
    """fodland: index into d.vocab_ctry (0 = SE, -1 = unknown)."""
    n = d.n
    ctry_keys = list(C.BIRTH_COUNTRIES)
    fm_keys = list(C.FREEMOVER_COUNTRIES)
    c_reg = categorical(rd, list(C.BIRTH_COUNTRIES.values()), n)
    c_fm = categorical(rd, list(C.FREEMOVER_COUNTRIES.values()), n)
    d.vocab_ctry = ["SE"] + ctry_keys + fm_keys
    fodland = np.where(d.abroad, np.where(d.fm, 1 + len(ctry_keys) + c_fm, 1 + c_reg), 0)
    d.fodland = np.where(rd.random(n) < w.knobs["unknown_fodland"], -1, fodland)


def ability(d, parents) -> np.ndarray:
    """Standardised study ability: parents' education, sex, background and noise
    (the demography stream's last draw)."""
    ab = 0.35 * parents.Lmax + 0.15 * d.female - 0.15 * d.abroad + d.rng.normal(0, 0.9, d.n)
    return (ab - ab.mean()) / ab.std()
