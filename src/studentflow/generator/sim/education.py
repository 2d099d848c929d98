"""Education of one cohort's entrants (stream 'education'): upper-secondary degree
(gymnasieexamen) and the education-level history (UREG, SUN 2020 levels) from
school, 60 credits, degrees and third-cycle degrees."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..rng import stream
from ..world import World, sample_grouped
from .draws import categorical, year_of


def education(w: World, c: int, end_year: int, d, st, ph) -> SimpleNamespace:
    """gym (pid, year, kommun of the gymnasieexamen); reg (all registration rows of
    both spells); deg_all / dyear (all degree rows and their year); edu_s
    (pid, year, level) - the level history, only rising levels."""
    re_ = stream(w.seed, c, "education")
    ed = SimpleNamespace()
    has_gy, gy = _gymnasium(re_, w, d, ed)
    s1, s2 = st.s1, st.s2
    ed.reg = {k_: np.concatenate([s1["rows"][k_], s2["rows"][k_]]) for k_ in s1["rows"]}
    y60 = _year_reaching_60hp(ed.reg, d.n)
    ed.deg_all = {k_: np.concatenate([s1["deg"][k_], s2["deg"][k_]]) for k_ in s1["deg"]}
    ed.dyear = year_of(ed.deg_all["date"])
    y5d, y6 = _degree_years(w, ed.deg_all, ed.dyear, d.n)
    y7 = np.where(
        ph.phd, year_of(np.where(ph.lic_only | ph.lic_dok, ph.lic_date, ph.dok_date)), 99999
    )
    ymin = w.knobs["first_register_year"]
    n, birth, imm, allp = d.n, d.birth, d.imm, np.arange(d.n)
    ar0 = np.maximum.reduce([np.full(n, ymin), birth + 16, imm + 1])
    lvl0 = np.where(
        imm - birth > 15, np.array([4, 6, 3, 0])[categorical(re_, [0.5, 0.1, 0.1, 0.3], n)], 2
    )
    lvl0 = np.where(re_.random(n) < w.knobs["p_sun_null"], 0, lvl0)
    lv_gy = np.where(re_.random(n) < 0.08, 3, 4)
    e_pid = np.concatenate([allp, allp[has_gy], allp, allp, allp])
    e_ar = np.concatenate([ar0, gy[has_gy] + 1, np.minimum(y60, y5d) + 1, y6 + 1, y7 + 1])
    e_lv = np.concatenate([lvl0, lv_gy[has_gy], np.full(n, 5), np.full(n, 6), np.full(n, 7)])
    ed.edu_s = monotone(e_pid, e_ar, e_lv.astype(np.int64), end_year)
    return ed


def _gymnasium(re_, w: World, d, ed):
    """Who has a Swedish gymnasieexamen, its year and school municipality."""
    n, birth, home = d.n, d.birth, d.home
    has_gy = (d.imm - birth <= 15) & (re_.random(n) < 0.97)
    gy_off = np.array([-1, 0, 1, 2, 3, 4])[
        categorical(re_, [0.04, 0.88, 0.06, 0.01, 0.005, 0.005], n)
    ]
    gy = np.maximum(np.minimum(birth + 19 + gy_off, d.c - d.vt.astype(np.int64)), birth + 17)
    u_sk = re_.random(n)
    sk = np.where(
        u_sk < 0.72,
        home,
        np.where(
            u_sk < 0.95,
            sample_grouped(w.kommun_in_lan_table, w.kommun_lan[home], re_.random(n)),
            categorical(re_, w.kommun_pop, n),
        ),
    )
    ed.gym = {"pid": np.flatnonzero(has_gy), "year": gy[has_gy], "kommun": sk[has_gy]}
    return has_gy, gy


def _year_reaching_60hp(reg: dict, n: int) -> np.ndarray:
    """Per person the year cumulative credits passed reach 60 hp (99999 never)."""
    o = np.lexsort((reg["term"], reg["pid"]))
    rpid, rterm, rprest = reg["pid"][o], reg["term"][o], reg["prest"][o]
    cum = np.cumsum(rprest)
    starts = np.r_[0, np.flatnonzero(np.diff(rpid)) + 1]
    grp_first = np.repeat(starts, np.diff(np.r_[starts, len(rpid)]))
    cum_p = cum - np.r_[0, cum][grp_first]
    hit = cum_p >= 600
    hp, hidx = np.unique(rpid[hit], return_index=True)
    y60 = np.full(n, 99999)
    y60[hp] = rterm[hit][hidx] // 2
    return y60


def _degree_years(w: World, deg_all: dict, dyear, n: int):
    """First year of a short degree (level 5) and of a long one (level 6)."""
    credits = w.degree_credits[deg_all["degree"]]
    hi = (credits >= 180) | (credits < 100)
    y6 = np.full(n, 99999)
    np.minimum.at(y6, deg_all["pid"][hi], dyear[hi])
    y5d = np.full(n, 99999)
    np.minimum.at(y5d, deg_all["pid"][~hi], dyear[~hi])
    return y5d, y6


def monotone(pid, ar, lv, end_year):
    """Keep a change history: per person rows sorted by year, only strictly rising
    levels (unknown = 0 counts as lowest), one row per year, Ar <= end_year."""
    keep = ar <= end_year
    pid, ar, lv = pid[keep], ar[keep], lv[keep]
    o = np.lexsort((-lv, ar, pid))
    pid, ar, lv = pid[o], ar[o], lv[o]
    first_of_year = np.r_[True, (pid[1:] != pid[:-1]) | (ar[1:] != ar[:-1])]
    pid, ar, lv = pid[first_of_year], ar[first_of_year], lv[first_of_year]
    key = pid.astype(np.int64) * 10 + lv
    cm = np.maximum.accumulate(key)
    prev = np.r_[-1, cm[:-1]]
    new_person = np.r_[True, pid[1:] != pid[:-1]]
    ok = new_person | (key > prev)
    return pid[ok], ar[ok], np.where(lv[ok] == 0, -1, lv[ok])
