"""One cohort's simulated arrays as the rows of each raw extract (columns as
output.to_table takes them: arrays, ('vocab', codes, index), ('prog', ...), ...)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .. import config as C
from ..history import as_of_year
from ..rng import lopnr
from ..world import World
from .draws import frac_year_to_date, year_of

EPOCH_TERM0 = 2 * 1990  # term index origin for the Termin vocabulary
TERM_VOCAB = [("VT" if t % 2 == 0 else "HT") + str(t // 2) for t in range(EPOCH_TERM0, 2 * 2130)]
SUN_LEVELS = ["1", "2", "3", "4", "5", "6", "7"]


def personer(d, p, lop, ex) -> dict:
    """Entrants, their known parents and the exchange students."""
    pm, pf = np.flatnonzero(p.m_known), np.flatnonzero(p.f_known)
    n_nopar = len(pm) + len(pf) + ex["n"]
    ex_ctry = len(d.vocab_ctry) + ex["country"]
    vocab_ctry = d.vocab_ctry + list(C.EXCHANGE_COUNTRIES)
    kon = [np.where(d.female, 2, 1), np.full(len(pm), 2), np.full(len(pf), 1)]
    return {
        "LopNr": np.concatenate([lop.stu, lop.mor[pm], lop.far[pf], lop.ex]),
        "Kon": np.concatenate([*kon, np.where(ex["female"], 2, 1)]),
        "FodelseAr": np.concatenate([d.birth, p.mb[pm], p.fbirth[pf], ex["birth"]]),
        "FodLand": (
            "vocab",
            vocab_ctry,
            np.concatenate([d.fodland, p.m_ctry[pm], p.f_ctry[pf], ex_ctry]),
        ),
        "LopNrMor": (
            np.concatenate([lop.mor, np.zeros(n_nopar, np.int64)]),
            np.concatenate([~p.m_known, np.ones(n_nopar, bool)]),
        ),
        "LopNrFar": (
            np.concatenate([lop.far, np.zeros(n_nopar, np.int64)]),
            np.concatenate([~p.f_known, np.ones(n_nopar, bool)]),
        ),
    }


def utbildningsniva(w: World, end_year: int, p, ed, lop) -> dict:
    """Entrants' level history and their known parents' (with a later upgrade)."""
    pm, pf = np.flatnonzero(p.m_known), np.flatnonzero(p.f_known)
    par_b = np.concatenate([p.mb[pm], p.fbirth[pf]])
    par_lv = np.concatenate([p.lev_m[pm], p.lev_f[pf]])
    par_up = np.concatenate([p.up_m[pm], p.up_f[pf]]) & (par_lv >= 3) & (par_lv <= 5)
    par_upy = np.concatenate([p.upy_m[pm], p.upy_f[pf]])
    par_L = np.concatenate([lop.mor[pm], lop.far[pf]])
    par_ar0 = np.maximum(w.knobs["first_register_year"], par_b + 25)
    ok_up = par_up & (par_upy > par_ar0)
    pe_L = np.concatenate([par_L, par_L[ok_up]])
    pe_ar = np.concatenate([par_ar0, par_upy[ok_up]])
    pe_lv = np.concatenate([par_lv, par_lv[ok_up] + 1])
    keep = pe_ar <= end_year
    edu_s = ed.edu_s
    return {
        "LopNr": np.concatenate([lop.stu[edu_s[0]], pe_L[keep]]),
        "Ar": np.concatenate([edu_s[1], pe_ar[keep]]),
        "SUN2020Niva": ("vocab", SUN_LEVELS, np.concatenate([edu_s[2], pe_lv[keep]]) - 1),
    }


def folkbokforing(w: World, pn, lop) -> dict:
    """Municipality codes as each year's register carries them (history.py)."""
    folk = pn.folk
    kommun = as_of_year(folk["kommun"], folk["year"], w.kommun_history)
    return {
        "LopNr": lop.stu[folk["pid"]],
        "Ar": folk["year"],
        "Kommun": ("vocab", w.kommun_vocab, kommun),
    }


def utvandringar(end_year: int, mg, lop) -> dict:
    emi_p = np.concatenate([np.flatnonzero(mg.em), np.flatnonzero(mg.em2)])
    emi_d = np.concatenate([frac_year_to_date(mg.e1[mg.em]), frac_year_to_date(mg.e2[mg.em2])])
    keep = year_of(emi_d) <= end_year
    return {"LopNr": lop.stu[emi_p[keep]], "UtvandringDatum": emi_d[keep]}


def gymnasieexamina(w: World, end_year: int, ed, lop) -> dict:
    gym = ed.gym
    keep = gym["year"] <= end_year
    kommun = as_of_year(gym["kommun"][keep], gym["year"][keep], w.kommun_history)
    return {
        "LopNr": lop.stu[gym["pid"][keep]],
        "ExamensAr": gym["year"][keep],
        "SkolKommun": ("vocab", w.kommun_vocab, kommun),
    }


def registreringar(w: World, end_year: int, ed, ex, lop) -> dict:
    """The cohort's own terms, then the exchange students' (Utbytesstudent J)."""
    n_own = len(ed.reg["pid"])
    reg = {k_: np.concatenate([ed.reg[k_], ex["rows"][k_]]) for k_ in ed.reg}
    is_ex = np.arange(len(reg["pid"])) >= n_own
    # masks, not np.where over both lookups: a cohort may have no exchange students
    lop_reg = np.empty(len(reg["pid"]), dtype=np.result_type(lop.stu, lop.ex))
    lop_reg[~is_ex] = lop.stu[reg["pid"][~is_ex]]
    lop_reg[is_ex] = lop.ex[reg["pid"][is_ex]]
    keep = reg["term"] // 2 <= end_year
    return {
        "LopNr": lop_reg[keep],
        "Termin": ("vocab", TERM_VOCAB, reg["term"][keep] - EPOCH_TERM0),
        "Larosate": ("vocab", w.inst_codes, reg["inst"][keep]),
        "Programkod": ("prog", reg["prog"][keep]),
        "Huvudomrade": ("vocab", w.fields, reg["field"][keep]),
        "Niva": ("vocab", ["G", "A"], reg["niva_a"][keep].astype(np.int64)),
        "HpReg": ("hp", reg["reg"][keep]),
        "HpPrest": ("hp", reg["prest"][keep]),
        "Utbytesstudent": ("vocab", ["N", "J"], is_ex[keep].astype(np.int64)),
        "_sort": (reg["term"][keep], reg["inst"][keep], reg["prog"][keep], reg["field"][keep]),
    }


def examina(w: World, end_year: int, ed, lop) -> dict:
    deg_all = ed.deg_all
    keep = ed.dyear <= end_year
    return {
        "LopNr": lop.stu[deg_all["pid"][keep]],
        "Larosate": ("vocab", w.inst_codes, deg_all["inst"][keep]),
        "ExamensDatum": deg_all["date"][keep],
        "Examenskod": ("vocab", w.degree_codes, deg_all["degree"][keep]),
        "Programkod": ("prog", deg_all["prog"][keep]),
        "Huvudomrade": ("vocab", w.fields, deg_all["field"][keep]),
        "_sort": (deg_all["degree"][keep],),
    }


def forskarexamina(w: World, end_year: int, ph, lop) -> dict:
    fx_rows = ph.fx_rows
    fxp = np.concatenate([r[0] for r in fx_rows])
    fxd = np.concatenate([r[1] for r in fx_rows])
    fxe = np.concatenate([np.full(len(r[0]), 0 if r[2] == "DOK" else 1) for r in fx_rows])
    keep = year_of(fxd) <= end_year
    return {
        "LopNr": lop.stu[fxp[keep]],
        "Larosate": ("vocab", w.inst_codes, ph.phd_inst[fxp[keep]]),
        "ExamensDatum": fxd[keep],
        "Examen": ("vocab", ["DOK", "LIC"], fxe[keep]),
        "Forskningsamne": ("vocab", ph.subj_vocab or ["000"], ph.subj_idx[fxp[keep]]),
    }


def sysselsattning(w: World, sys_out: dict, vocab: dict, lop) -> dict:
    yn = ["N", "J"]
    ast = as_of_year(sys_out["ast"], sys_out["year"], w.kommun_history)
    return {
        "LopNr": lop.stu[sys_out["pid"]],
        "Ar": sys_out["year"],
        "SyssStat": ("vocab", ["1", "5"], sys_out["syss"]),
        "ArbInk": sys_out["income"],
        "ArbLos": ("vocab", yn, sys_out["arblos"].astype(np.int64)),
        "Studerande": ("vocab", yn, sys_out["stud"].astype(np.int64)),
        "AstSNI2007": ("vocab", vocab["sni"], sys_out["sni"]),
        "AstSektor": ("vocab", vocab["sector"], sys_out["sector"]),
        "SSYK2012": ("vocab", vocab["ssyk"], sys_out["ssyk"]),
        "Matchning": ("vocab", vocab["match"], sys_out["match"]),
        "AstKommun": ("vocab", w.kommun_vocab, ast),
    }


def lopnrs(w: World, c: int, n: int, n_exchange: int):
    """LopNr of the entrants (stu), their mothers (mor), fathers (far) and the
    exchange students (ex), in that order of the cohort's key space."""
    lop = lopnr(w.seed, c, np.arange(3 * n))
    ex = lopnr(w.seed, c, 3 * n + np.arange(n_exchange))
    return SimpleNamespace(stu=lop[:n], mor=lop[n : 2 * n], far=lop[2 * n :], ex=ex)
