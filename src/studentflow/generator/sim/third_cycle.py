"""Third-cycle studies (forskarutbildning) of one cohort: who starts, where, when a
licentiate or doctoral degree is awarded and in which research subject (stream 'phd')."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import config as C
from ..rng import stream
from ..world import World
from .draws import categorical


def third_cycle(w: World, c: int, d, st) -> SimpleNamespace:
    """phd (starts), phd_inst, start, lic_only, lic_dok, lic_date, dok_date, phd_end,
    subj_vocab/subj_idx and fx_rows ((persons, dates, 'DOK'|'LIC') per degree)."""
    rp_ = stream(w.seed, c, "phd")
    ph = _entry(rp_, w, d, st)
    _dates(rp_, w, d, ph)
    _subjects(rp_, w, d, st, ph)
    ph.phd_end = np.where(ph.lic_only, ph.lic_date, ph.dok_date)
    sel = ph.phd & ~ph.lic_only
    ph.fx_rows = [(np.flatnonzero(sel), ph.dok_date[sel], "DOK")]
    sel = ph.phd & (ph.lic_only | ph.lic_dok)
    ph.fx_rows.append((np.flatnonzero(sel), ph.lic_date[sel], "LIC"))
    return ph


def _entry(rp_, w: World, d, st) -> SimpleNamespace:
    """Who starts (by previous degree) and at which research institution."""
    kn, cat, n = w.knobs, w.cat, d.n
    s1, prog1, comp2, date2 = st.s1, st.prog1, st.comp2, st.date2
    k1, comp1 = s1["kind"], s1["complete"]
    pr1 = np.where(prog1 >= 0, prog1, 0)
    is_med = (prog1 >= 0) & (np.array(cat.family)[pr1] == "medicine")
    master2 = comp2 & np.isin(st.kind2, ["master", "artmaster"])
    master1 = comp1 & np.isin(k1, ["master", "artmaster"])
    yrk1 = comp1 & (k1 == "yrkes")
    p_phd = np.select(
        [master2 | master1, comp1 & is_med, yrk1, comp1 | comp2],
        [kn["p_phd_master"], kn["p_phd_medicine"], kn["p_phd_yrkes"], kn["p_phd_other"]],
        0.0,
    )
    phd = rp_.random(n) < p_phd
    after2 = master2 | (comp2 & ~comp1)
    base_date = np.where(after2, date2, s1["main_date"])
    base_inst = np.where(after2, st.inst2, st.inst1)
    res_ix = np.flatnonzero(w.inst_research)
    if len(res_ix):
        rshare = np.array(
            [C.INSTITUTIONS.get(w.inst_codes[j], C.DEFAULT_INSTITUTION)["share"] for j in res_ix]
        )
        alt = res_ix[categorical(rp_, rshare, n)]
    else:
        alt = base_inst
    phd_inst = np.where(w.inst_research[base_inst] & (rp_.random(n) < 0.75), base_inst, alt)
    return SimpleNamespace(phd=phd, master2=master2, base_date=base_date, phd_inst=phd_inst)


def _dates(rp_, w: World, d, ph) -> None:
    """Start, outcome (licentiate only, licentiate then doctorate, doctorate) and dates."""
    kn, n = w.knobs, d.n
    ph.start = ph.base_date + rp_.integers(60, 400, n).astype("timedelta64[D]")
    u_out = rp_.random(n)
    ph.lic_only = u_out < kn["p_lic_only"]
    ph.lic_dok = (u_out >= kn["p_lic_only"]) & (u_out < kn["p_lic_only"] + kn["p_lic_then_dok"])
    ph.dok_date = ph.start + rp_.integers(4 * 365, 6 * 365, n).astype("timedelta64[D]")
    ph.lic_date = ph.start + rp_.integers(2 * 365, 3 * 365, n).astype("timedelta64[D]")


def _subjects(rp_, w: World, d, st, ph) -> None:
    """Research subject by the research area of the degree's field family."""
    phd_fam = np.where(ph.master2, st.fam2, st.s1["family"])
    area = np.array([C.FAMILY_RESEARCH_AREA.get(x, "5") for x in phd_fam], dtype=object)
    subj_vocab, subj_idx = [], np.zeros(d.n, np.int64)
    u_subj = rp_.random(d.n)
    for a in sorted(set(area[ph.phd])) if ph.phd.any() else []:
        lst = w.research_by_area.get(a) or w.research_by_area["*"]
        off_ = len(subj_vocab)
        subj_vocab += lst
        msk = area == a
        subj_idx[msk] = off_ + np.minimum((u_subj[msk] * len(lst)).astype(np.int64), len(lst) - 1)
    ph.subj_vocab, ph.subj_idx = subj_vocab, subj_idx
