"""Labour market of one cohort (sysselsättning, LISA-style): per resident and year
from the year before entry, employment, income, unemployment, studying and the
job's codes, with the register's unknown values. Streams 'panel' (one per year)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..rng import stream
from ..world import World
from .draws import year_of
from .jobs import SLOTS

PHASES = ("pre", "study", "yrkes", "general", "artistic", "nongrad")


def labour_market(w: World, c: int, end_year: int, d, st, ph, mg, jb, pn) -> dict:
    """Rows (pid, year, syss, income, arblos, stud, sni, sector, ssyk, match, ast);
    appends the unknown sector and 'not employed' match codes to jb.vocab."""
    r = _rows(w, c, end_year, d, pn)
    _phase(c, st, ph, mg, r)
    _employment_and_income(w, d, jb, pn, r)
    sni_i, sec_i, ssyk_i, mat_i, ast = _job_codes(w, mg, jb, r)
    syss = np.where(r.emp, 0, 1)
    syss = np.where(r.u_null < w.knobs["p_syssstat_null"], -1, syss)
    return {
        "pid": r.sp,
        "year": r.sy,
        "syss": syss,
        "income": r.income.astype(np.int64),
        "arblos": r.arblos,
        "stud": r.stud,
        "sni": sni_i,
        "sector": sec_i,
        "ssyk": ssyk_i,
        "match": mat_i,
        "ast": ast,
    }


def _rows(w: World, c: int, end_year: int, d, pn) -> SimpleNamespace:
    """Panel rows from the year before entry, aged <= 74, with their uniforms."""
    ss = (pn.yr >= c - 1) & (pn.yr - d.birth[pn.rp] <= 74)
    r = SimpleNamespace(ss=ss, sp=pn.rp[ss], sy=pn.yr[ss], skom=pn.kom[ss])
    r.studying = pn.study1[ss] | pn.study2[ss]
    r.sphd = pn.in_phd[ss]
    y0 = c - 1
    ny2 = end_year - y0 + 1
    U = np.empty((ny2, 6, d.n), np.float32)
    Z = np.empty((ny2, d.n), np.float32)
    for iy, y in enumerate(range(y0, end_year + 1)):
        rr = stream(w.seed, c, "panel", y)
        U[iy] = rr.random((6, d.n), dtype=np.float32)
        Z[iy] = rr.standard_normal(d.n, dtype=np.float32)
    iy = r.sy - y0
    r.u_emp, r.u_al, r.u_st, r.u_null, r.u_dirty, r.u_zero = (U[iy, v, r.sp] for v in range(6))
    r.z = Z[iy, r.sp]
    return r


def _phase(c: int, st, ph, mg, r) -> None:
    """pre / study / the type of the latest degree (or nongrad); years since it
    (ys); which degree counts (use1, use2)."""
    sp, sy, comp2 = r.sp, r.sy, st.comp2
    r.pre = sy < c
    dy1 = year_of(st.s1["main_date"])[sp]
    date2 = np.where(comp2, st.date2, np.datetime64("2000-01-01"))
    dy2 = np.where(comp2, year_of(date2), 99999)[sp]
    r.use2 = comp2[sp] & (dy2 < sy)
    r.use1 = st.s1["complete"][sp] & (dy1 < sy) & ~r.use2
    typ = np.where(r.use2, st.type2[sp], np.where(r.use1, st.s1["type"][sp], "nongrad"))
    after_dok = ph.phd[sp] & ~ph.lic_only[sp] & (year_of(ph.dok_date)[sp] < sy)
    typ = np.where(after_dok, "yrkes", typ)
    exit_year = np.floor(mg.exit_y).astype(np.int64)[sp]
    ys = np.where(r.use2, sy - dy2, np.where(r.use1, sy - dy1, sy - exit_year))
    r.ys = np.clip(ys, 0, 12)
    r.phase = np.where(r.pre, "pre", np.where(r.studying, "study", typ))


def _employment_and_income(w: World, d, jb, pn, r) -> None:
    """emp, income (rounded to 100 SEK), arblos and stud per row."""
    kn, sp, z = w.knobs, r.sp, r.z
    p_emp, mu, sd = np.zeros(len(sp)), np.zeros(len(sp)), np.zeros(len(sp))
    for ph_ in PHASES:
        msk = r.phase == ph_
        p_emp[msk], mu[msk], sd[msk] = kn["p_emp"][ph_], kn["mu_inc"][ph_], kn["sd_inc"][ph_]
    post_ph = ~r.pre & ~r.studying
    e_i = jb.e_i[sp]
    p_emp = np.clip(p_emp + np.where(post_ph, 0.04, 0.1) * e_i, 0.01, 0.995)
    p_emp = np.where(d.fm[sp] & post_ph, p_emp * 0.85, p_emp)
    p_emp = np.where(r.sphd, 0.99, p_emp)
    r.emp = emp = r.u_emp < p_emp
    thr = w.threshold(r.sy)
    logi = mu + np.where(post_ph, kn["income_growth_per_year"] * r.ys + 0.2 * e_i, 0.0) + sd * z
    phd_years = np.clip(r.sy - pn.phd_s[r.ss], 0, 5)
    logi = np.where(r.sphd, 0.15 + 0.05 * phd_years + 0.1 * z, logi)
    inc_emp = thr * np.exp(logi)
    inc_non = np.where(r.u_zero < 0.45, 0.0, thr * np.exp(-1.8 + 0.8 * z))
    r.income = np.round(np.where(emp, inc_emp, inc_non) / 100) * 100
    r.arblos = np.where(
        emp,
        r.u_al < np.where(post_ph, kn["p_arblos_employed"], 0.03),
        r.u_al < np.where(post_ph, kn["p_arblos_not_employed"], 0.10),
    )
    r.stud = r.studying | (r.pre & (r.u_st < 0.10))


def _job_codes(w: World, mg, jb, r):
    """The codes of the job of the row's slot, blanked for the not employed and
    for the register's unknown values (mutually exclusive bands of one uniform)."""
    kn, sp, emp, vocab = w.knobs, r.sp, r.emp, jb.vocab.codes
    slot_use = np.where(r.pre | r.studying, 0, np.where(r.sphd, 3, np.where(r.use2, 2, 1)))

    def pick(a):
        arr = np.stack([jb.slots[s][a] for s in SLOTS])
        return arr[slot_use, sp]

    ssyk_i, sni_i, sec_i, mat_i = pick(0), pick(1), pick(2), pick(3)
    b = np.cumsum(
        [
            kn["p_sni_null"],
            kn["p_ssyk_null"],
            kn["p_sektor_us"],
            kn["p_matchning_null"],
            kn["p_astkommun_null"],
        ]
    )
    band = np.searchsorted(b, r.u_dirty, side="right")
    sni_i = np.where(~emp | (band == 0), -1, sni_i)
    ssyk_i = np.where(~emp | (band == 1), -1, ssyk_i)
    us_i = len(vocab["sector"])
    vocab["sector"].append(w.sector_unknown or "US")
    sec_i = np.where(~emp, -1, np.where(band == 2, us_i, sec_i))
    nm_i = len(vocab["match"])
    vocab["match"].append(w.matchning_not_employed or "91")
    mat_i = np.where(~emp, nm_i, np.where(band == 3, -1, mat_i))
    ast = np.where(
        mg.commuter[sp] < 0.08, np.where(len(mg.bc_codes) > 0, mg.big[sp], r.skom), r.skom
    )
    ast = np.where(~emp | (band == 4), -1, ast)
    return sni_i, sec_i, ssyk_i, mat_i, ast
