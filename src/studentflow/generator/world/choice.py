"""Choice tables: per group (institution and sex, county, ...) a categorical
distribution over programmes, institutions or municipalities, drawn vectorised."""

from __future__ import annotations

import numpy as np

from .model import World

FIRST_KINDS = ["yrkes", "kand", "art"]
MASTER_KINDS = ["master", "artmaster"]


def grouped_cdf(weights: np.ndarray):
    """weights: (G, P) non-negative. Returns flat offset-cdf for sample_grouped."""
    G, P = weights.shape
    tot = weights.sum(1, keepdims=True)
    has = tot[:, 0] > 0
    cdf = np.cumsum(weights / np.where(tot > 0, tot, 1), axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(G)[:, None]).ravel()
    return flat, P, has


def sample_grouped(table, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Vectorised categorical draw where each row has its own distribution (group)."""
    flat, P, _ = table
    pos = np.searchsorted(flat, group + np.minimum(u, 1 - 1e-12), side="right")
    return np.clip(pos - group * P, 0, P - 1)


def prepare_choice_tables(w: World) -> None:
    """Fill w's programme tables (first, master, freemover, second, specialist),
    the gravity table by county and the municipality-within-county table."""
    cat = w.cat
    kinds = np.array(cat.kind)
    first = np.isin(kinds, FIRST_KINDS)
    mast = np.isin(kinds, MASTER_KINDS)
    w.first_prog_table, w.inst_has_first = _first_programme(w, first)
    # master-type programmes, by (previous institution, sex); same institution preferred
    w.master_table = grouped_cdf(_by_previous_institution(w, mast, 12.0))
    w.any_master = mast.any()
    # freemovers: masters nationally
    wm = np.where(mast, cat.weight, 0.0)[None, :]
    w.freemover_table = grouped_cdf(wm if wm.sum() > 0 else np.ones((1, len(cat.code))))
    # second programme after drop-out: same institution preferred
    w.second_prog_table = grouped_cdf(_by_previous_institution(w, first, 6.0))
    w.spec_tables = _specialist(w, kinds == "spec")
    # gravity table as grouped cdf by lan
    P = np.diff(np.concatenate([np.zeros((w.gravity_cdf.shape[0], 1)), w.gravity_cdf], 1), axis=1)
    w.gravity_table = grouped_cdf(P)
    # kommun choice within county (pop-weighted), used for school/moves
    n_l = len(w.lan_codes)
    Wk = np.zeros((n_l, len(w.kommun_codes)))
    Wk[w.kommun_lan, np.arange(len(w.kommun_codes))] = w.kommun_pop
    w.kommun_in_lan_table = grouped_cdf(Wk)


def _sex_factors(w: World):
    """(sex, factor) so that P(woman | programme) ~ the template's share of women."""
    sw, women = w.knobs["share_women"], w.cat.women
    return ((0, (1 - women) / (1 - sw)), (1, women / sw))


def _first_programme(w: World, first):
    """(inst, sex) -> first-cycle programme of that institution; and which
    institutions have one."""
    cat = w.cat
    J, NP = len(w.inst_codes), len(cat.code)
    W = np.zeros((J * 2, NP))
    for s, fac in _sex_factors(w):
        for j in range(J):
            m = first & (cat.inst == j)
            W[j * 2 + s, m] = cat.weight[m] * fac[m]
    return grouped_cdf(W), W.reshape(J, 2, NP).sum((1, 2)) > 0


def _by_previous_institution(w: World, sel, own_factor: float) -> np.ndarray:
    """(previous inst, sex) weights over the programmes sel; own institution x own_factor."""
    cat = w.cat
    J, NP = len(w.inst_codes), len(cat.code)
    W = np.zeros((J * 2, NP))
    for s, fac in _sex_factors(w):
        for j in range(J):
            W[j * 2 + s, sel] = (
                cat.weight[sel] * fac[sel] * np.where(cat.inst[sel] == j, own_factor, 1.0)
            )
    return W


def _specialist(w: World, spec) -> dict:
    """Specialist programmes by (previous institution) per abbreviation group."""
    cat = w.cat
    J, NP = len(w.inst_codes), len(cat.code)
    tables = {}
    for ab in ("SPSK", "BMOR", "SPPE"):
        m = spec & (np.array(cat.abbr) == ab)
        W = np.zeros((J, NP))
        for j in range(J):
            W[j, m] = cat.weight[m] * np.where(cat.inst[m] == j, 10.0, 1.0)
        tables[ab] = grouped_cdf(W) if m.any() else None
    return tables
