"""One study spell (a programme or freestanding courses) for many persons at once:
its length and completion, one registration row per term, and its degrees."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..world import World
from .degrees import spell_degrees
from .draws import categorical, logit, sigmoid


def run_spell(rng, w: World, pid, inst, prog, t0, ab, fs_field, seeker_p):
    """Simulate one study spell for persons pid. prog = -1 -> freestanding courses.

    Returns the term rows, the degree rows and per-person outcomes (complete,
    t_end, seeker, main_date, main_deg, type, family, kind)."""
    s = _plan(rng, w, pid, inst, prog, t0, ab, seeker_p)
    rows = _term_rows(rng, w, s, fs_field)
    rows = _with_extra_courses(rng, w, rows)
    deg, dates, main_deg = spell_degrees(rng, w, s, fs_field)
    kinds = np.array(w.cat.kind)
    fam = np.array(w.cat.family)
    out_type = np.where(s.complete, np.array(w.degree_type)[main_deg], "nongrad")
    out_fam = np.where(s.isp, fam[s.pr], np.array(w.field_family)[fs_field[pid]])
    return {
        "rows": rows,
        "deg": deg,
        "complete": s.complete,
        "t_end": s.t_end,
        "seeker": s.seeker,
        "main_date": dates,
        "main_deg": main_deg,
        "type": out_type,
        "family": out_fam,
        "kind": np.where(s.isp, kinds[s.pr], np.where(s.seeker, "fs_seek", "fs")),
    }


def _plan(rng, w: World, pid, inst, prog, t0, ab, seeker_p) -> SimpleNamespace:
    """Who completes, and how many terms each person studies (t0 .. t_end)."""
    kn, cat = w.knobs, w.cat
    m = len(pid)
    isp = prog >= 0
    pr = np.where(isp, prog, 0)
    L = np.where(isp, cat.terms[pr], 0)
    base = np.where(isp, cat.completion[pr], 0.6)
    u_seek, u_c, u_d, u_x, u_n = (rng.random(m) for _ in range(5))
    seeker = ~isp & (u_seek < seeker_p)
    complete = u_c < sigmoid(logit(base) + kn["ability_beta"] * ab)
    complete &= isp | seeker
    extra = np.searchsorted([0.75, 0.92], u_x, side="right")
    drop_terms = 1 + np.floor((np.maximum(L, 2) - 1) * u_d**1.7).astype(np.int64)
    n_prog = np.where(complete, L + extra, np.clip(drop_terms, 1, np.maximum(L - 1, 1)))
    n_seek = np.where(complete, 6 + extra, 2 + np.floor(u_n * 5).astype(np.int64))
    n_cas = np.minimum(rng.geometric(0.45, m), 8)
    nterm = np.where(isp, n_prog, np.where(seeker, n_seek, n_cas))
    return SimpleNamespace(
        pid=pid, inst=inst, t0=t0, ab=ab, isp=isp, pr=pr, L=L, seeker=seeker,
        complete=complete, nterm=nterm, t_end=t0 + nterm - 1,
    )  # fmt: skip


def _term_rows(rng, w: World, s, fs_field) -> dict:
    """One registration row per person and term: credits registered and passed,
    level (G/A) and main field."""
    kn, cat = w.knobs, w.cat
    rp = np.repeat(np.arange(len(s.pid)), s.nterm)
    k = np.arange(len(rp)) - np.repeat(np.cumsum(s.nterm) - s.nterm, s.nterm)
    R = len(rp)
    r_isp, r_seek, pr = s.isp[rp], s.seeker[rp], s.pr
    hp_p = np.array(list(kn["hp_reg_programme"])), list(kn["hp_reg_programme"].values())
    hp_f = np.array(list(kn["hp_reg_freestanding"])), list(kn["hp_reg_freestanding"].values())
    reg_prog = hp_p[0][categorical(rng, hp_p[1], R)]
    reg_fs = hp_f[0][categorical(rng, hp_f[1], R)]
    is_extra = r_isp & (k >= s.L[rp])
    reg = np.where(
        r_isp,
        np.where(is_extra, np.where(rng.random(R) < 0.5, 150, 75), reg_prog),
        np.where(r_seek, reg_prog, reg_fs),
    )
    q = np.where(s.complete[rp], 0.97, sigmoid(0.6 + 1.0 * s.ab[rp]) * 0.9)
    q = np.where(~s.complete[rp] & (k == s.nterm[rp] - 1), q * 0.4, q)
    passed = rng.binomial(reg // 75, q) * 75
    odd = (rng.random(R) < 0.04) & (passed >= 75)
    prest = passed - 15 * odd
    a_from = np.where(r_isp, cat.a_from_term[pr[rp]], np.where(r_seek, 99, 99))
    niva_a = np.where(r_isp, k >= a_from, rng.random(R) < 0.06)
    u_f = rng.random(R)
    rand_field = categorical(rng, w.field_weight, R)
    fld = np.where(
        r_isp,
        cat.field[pr[rp]],
        np.where((~r_seek) & (u_f < 0.25), rand_field, fs_field[s.pid[rp]]),
    )
    return {
        "pid": s.pid[rp],
        "term": s.t0[rp] + k,
        "inst": s.inst[rp],
        "prog": np.where(r_isp, pr[rp], -1),
        "field": fld,
        "niva_a": niva_a,
        "reg": reg,
        "prest": prest,
    }


def _with_extra_courses(rng, w: World, rows: dict) -> dict:
    """Append an extra freestanding course alongside some programme terms."""
    ex = (rows["prog"] >= 0) & (rng.random(len(rows["pid"])) < w.knobs["extra_course_rows"])
    ne = int(ex.sum())
    ex_prest = rng.binomial(1, 0.8, ne) * 75
    extra_rows = {
        "pid": rows["pid"][ex],
        "term": rows["term"][ex],
        "inst": rows["inst"][ex],
        "prog": np.full(ne, -1),
        "field": categorical(rng, w.field_weight, ne),
        "niva_a": np.zeros(ne, bool),
        "reg": np.full(ne, 75),
        "prest": ex_prest,
    }
    return {key: np.concatenate([rows[key], extra_rows[key]]) for key in rows}
