"""Emigration and residence of one cohort (stream 'migration'): when entrants leave
Sweden (and return), where they live while studying and where afterwards."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import config as C
from ..rng import stream
from ..world import World
from .draws import categorical, frac_year


def migration(w: World, c: int, d, st, ph) -> SimpleNamespace:
    """exit_y (fractional year studies end), em/em2 and e1/e2 (emigrations), the
    first year abroad E1/E2 and back R1 (99999 none); res1/res2/post residences,
    big (a big-city draw, used for work places), bc_codes, commuter."""
    rm = stream(w.seed, c, "migration")
    mg = SimpleNamespace()
    _emigration(rm, w, d, st, ph, mg)
    _study_residence(rm, w, d, st, mg)
    _post_residence(rm, w, d, st, mg)
    mg.commuter = rm.random(d.n)
    return mg


def _emigration(rm, w: World, d, st, ph, mg) -> None:
    kn, n = w.knobs, d.n
    comp1, comp2 = st.s1["complete"], st.comp2
    last_term = np.maximum(st.s1["t_end"], st.t_end2)
    exit_y = last_term // 2 + np.where(last_term % 2 == 0, 0.5, 1.0)
    d1f = np.where(comp1, st.s1["main_date"].astype(np.int64) / 365.25 + 1970, 0.0)
    exit_y = np.maximum.reduce([exit_y, d1f, frac_year(st.date2, comp2)])
    mg.exit_y = np.where(ph.phd, np.maximum(exit_y, frac_year(ph.phd_end, ph.phd)), exit_y)
    grad = comp1 | comp2
    p_em = np.where(grad, kn["p_emigrate_graduate"], kn["p_emigrate_nongrad"]) * np.where(
        d.abroad, kn["emigrate_born_abroad_factor"], 1.0
    )
    p_em = np.where(d.fm, kn["p_emigrate_freemover"], p_em)
    mg.em = rm.random(n) < p_em
    mg.e1 = mg.exit_y + 0.1 + np.minimum(rm.exponential(1.5, n), 4.8)
    ret = mg.em & (rm.random(n) < kn["p_return"])
    r1 = mg.e1 + 1 + rm.random(n) * 5
    mg.em2 = ret & (rm.random(n) < kn["p_re_emigrate"])
    mg.e2 = r1 + 1 + rm.random(n) * 5
    mg.E1 = np.where(mg.em, np.floor(mg.e1), 99999).astype(np.int64)
    mg.R1 = np.where(ret, np.floor(r1), 99999).astype(np.int64)
    mg.E2 = np.where(mg.em2, np.floor(mg.e2), 99999).astype(np.int64)


def _study_residence(rm, w: World, d, st, mg) -> None:
    """Moving to the institution's seat for spell 1 (res1) and spell 2 (res2)."""
    kn, n, home = w.knobs, d.n, d.home
    p_same, p_other = kn["p_move_to_study_same_county"], kn["p_move_to_study_other_county"]
    seat1 = w.inst_seat[st.inst1]
    seat2 = w.inst_seat[st.inst2]
    same_l1 = w.kommun_lan[seat1] == w.kommun_lan[home]
    mv1 = (seat1 != home) & (rm.random(n) < np.where(same_l1, p_same, p_other))
    mg.res1 = np.where(mv1 | d.fm, seat1, home)
    same_l2 = w.kommun_lan[seat2] == w.kommun_lan[mg.res1]
    mv2 = (seat2 != mg.res1) & (rm.random(n) < np.where(same_l2, p_same, p_other))
    mg.res2 = np.where(mv2, seat2, mg.res1)


def _post_residence(rm, w: World, d, st, mg) -> None:
    """Residence after studies: stay, go home, a big city or anywhere (post)."""
    n, home = d.n, d.home
    last_res = np.where(st.has2, mg.res2, mg.res1)
    pr_post = w.knobs["post_residence"]
    cat_post = categorical(
        rm, [pr_post["study"], pr_post["home"], pr_post["bigcity"], pr_post["random"]], n
    )
    kix = {code: i for i, code in enumerate(w.kommun_codes)}
    mg.bc_codes = [k for k in C.BIG_CITIES if k in kix]
    mg.big = (
        np.array([kix[k] for k in mg.bc_codes])[
            categorical(rm, [C.BIG_CITIES[k] for k in mg.bc_codes], n)
        ]
        if mg.bc_codes
        else home
    )
    rnd = categorical(rm, w.kommun_pop, n)
    mg.post = np.select(
        [cat_post == 0, cat_post == 1, cat_post == 2], [last_res, home, mg.big], rnd
    )
