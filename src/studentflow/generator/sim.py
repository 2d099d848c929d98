"""Vectorised simulation of one entry cohort (all högskolenybörjare whose first term
falls in calendar year c) and their parents.  No per-person Python loops: loops run
only over small categorical groups (families, years)."""

from __future__ import annotations

import numpy as np

from . import config as C
from .exchange import exchange_students
from .history import as_of_year
from .rng import lopnr, stream
from .world import World, sample_grouped

EPOCH_TERM0 = 2 * 1990  # term index origin for the Termin vocabulary
TERM_VOCAB = [("VT" if t % 2 == 0 else "HT") + str(t // 2) for t in range(EPOCH_TERM0, 2 * 2130)]


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def cohort_size(w: World, c: int) -> int:
    sc = C.SCALES[w.scale]
    first = sc["first_cohort"]
    norm = sum(C.cohort_trend(y) for y in range(first, C.NOMINAL_LAST_COHORT + 1))
    return int(round(sc["students"] * C.cohort_trend(c) / norm))


def sampling_fraction(w: World) -> float:
    sc = C.SCALES[w.scale]
    n_years = C.NOMINAL_LAST_COHORT - sc["first_cohort"] + 1
    return sc["students"] / n_years / C.NATIONAL_ENTRANTS_PER_YEAR


def _cat(rng, probs, size):
    cum = np.cumsum(np.asarray(probs, float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(size), side="right"), len(cum) - 1)


def _to_date(year, month, day):
    m = ((np.asarray(year) - 1970) * 12 + np.asarray(month) - 1).astype("datetime64[M]")
    return m.astype("datetime64[D]") + (np.asarray(day) - 1).astype("timedelta64[D]")


def _year_of(d):
    return d.astype("datetime64[Y]").astype(np.int64) + 1970


def _frac_year_to_date(x):
    y = np.floor(x).astype(np.int64)
    doy = np.minimum(np.floor((x - y) * 365).astype(np.int64), 364)
    return (y - 1970).astype("datetime64[Y]").astype("datetime64[D]") + doy.astype("timedelta64[D]")


def degree_dates(rng, t_end, delay_p):
    """Degree date after the last term; June for spring terms, January for autumn
    terms, with the edge cases 30 June, 1 July and 31 December."""
    m = len(t_end)
    y = t_end // 2
    vt = (t_end % 2) == 0
    u, ud, udl = rng.random(m), rng.random(m), rng.random(m)
    dly = rng.integers(1, 5, m)
    mon_off = rng.integers(0, 4, m)
    day = 1 + np.floor(ud * 28).astype(np.int64)
    # spring
    cv = np.searchsorted([0.58, 0.61, 0.63, 0.75, 0.79, 0.81], u, side="right")
    vy = np.where(cv == 6, y + 1, y)
    vm = np.select(
        [cv <= 1, cv == 2, cv == 3, cv <= 5], [6, 7, 8 + mon_off, 12], 1 + mon_off + (mon_off > 2)
    )
    vd = np.select([cv == 0, cv == 1, cv == 2, cv == 5], [np.minimum(day, 29), 30, 1, 31], day)
    vd = np.where(cv == 4, np.minimum(day, 30), vd)
    # autumn
    ch = np.searchsorted([0.45, 0.48, 0.63], u, side="right")
    hy = np.where(ch == 0, y + 1, np.where(ch == 3, y + 1, y))
    hm = np.select([ch == 0, ch <= 2], [1, 12], 2 + mon_off)
    hd = np.select([ch == 1, ch == 2], [31, np.minimum(day, 30)], day)
    yy, mm, dd = np.where(vt, vy, hy), np.where(vt, vm, hm), np.where(vt, vd, hd)
    yy = np.where(udl < delay_p, yy + dly, yy)
    return _to_date(yy, mm, dd)


# --------------------------------------------------------------------------- spells
def run_spell(rng, w: World, pid, inst, prog, t0, ab, fs_field, seeker_p):
    """Simulate one study spell for persons pid. prog = -1 -> freestanding courses."""
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
    t_end = t0 + nterm - 1

    # --- term rows
    rp = np.repeat(np.arange(m), nterm)
    k = np.arange(len(rp)) - np.repeat(np.cumsum(nterm) - nterm, nterm)
    R = len(rp)
    r_isp, r_seek = isp[rp], seeker[rp]
    hp_p = np.array(list(kn["hp_reg_programme"])), list(kn["hp_reg_programme"].values())
    hp_f = np.array(list(kn["hp_reg_freestanding"])), list(kn["hp_reg_freestanding"].values())
    reg_prog = hp_p[0][_cat(rng, hp_p[1], R)]
    reg_fs = hp_f[0][_cat(rng, hp_f[1], R)]
    is_extra = r_isp & (k >= L[rp])
    reg = np.where(
        r_isp,
        np.where(is_extra, np.where(rng.random(R) < 0.5, 150, 75), reg_prog),
        np.where(r_seek, reg_prog, reg_fs),
    )
    q = np.where(complete[rp], 0.97, sigmoid(0.6 + 1.0 * ab[rp]) * 0.9)
    q = np.where(~complete[rp] & (k == nterm[rp] - 1), q * 0.4, q)
    passed = rng.binomial(reg // 75, q) * 75
    odd = (rng.random(R) < 0.04) & (passed >= 75)
    prest = passed - 15 * odd
    a_from = np.where(r_isp, cat.a_from_term[pr[rp]], np.where(r_seek, 99, 99))
    niva_a = np.where(r_isp, k >= a_from, rng.random(R) < 0.06)
    u_f = rng.random(R)
    rand_field = _cat(rng, w.field_weight, R)
    fld = np.where(
        r_isp, cat.field[pr[rp]], np.where((~r_seek) & (u_f < 0.25), rand_field, fs_field[pid[rp]])
    )
    rows = {
        "pid": pid[rp],
        "term": t0[rp] + k,
        "inst": inst[rp],
        "prog": np.where(r_isp, pr[rp], -1),
        "field": fld,
        "niva_a": niva_a,
        "reg": reg,
        "prest": prest,
    }

    # extra freestanding course alongside a programme term
    ex = r_isp & (rng.random(R) < kn["extra_course_rows"])
    ne = int(ex.sum())
    ex_prest = rng.binomial(1, 0.8, ne) * 75
    extra_rows = {
        "pid": pid[rp][ex],
        "term": (t0[rp] + k)[ex],
        "inst": inst[rp][ex],
        "prog": np.full(ne, -1),
        "field": _cat(rng, w.field_weight, ne),
        "niva_a": np.zeros(ne, bool),
        "reg": np.full(ne, 75),
        "prest": ex_prest,
    }
    rows = {key: np.concatenate([rows[key], extra_rows[key]]) for key in rows}

    # --- degrees
    degs = []
    dates = degree_dates(rng, t_end, kn["degree_delay"])
    main_deg = np.where(isp, cat.degree[pr], w.general["KAND"])
    main_field = np.where(isp, cat.field[pr], fs_field[pid])
    sel = complete
    degs.append(
        (
            pid[sel],
            inst[sel],
            dates[sel],
            main_deg[sel],
            np.where(isp, pr, -1)[sel],
            np.where(isp & (np.array(w.degree_type)[main_deg] == "yrkes"), -1, main_field)[sel],
        )
    )
    kinds = np.array(cat.kind)
    fam = np.array(cat.family)
    # yrkes graduates who also take a KAND in the same window
    p_dbl = kn["p_double_kand_yrkes"] * np.where(fam[pr] == "nurse", 2.5, 1.0)
    dbl = complete & isp & (kinds[pr] == "yrkes") & (rng.random(m) < p_dbl)
    shift = rng.integers(0, 90, m).astype("timedelta64[D]")
    dfield = np.where(cat.field[pr] >= 0, cat.field[pr], fs_field[pid])
    degs.append(
        (
            pid[dbl],
            inst[dbl],
            (dates + shift)[dbl],
            np.full(int(dbl.sum()), w.general["KAND"]),
            pr[dbl],
            dfield[dbl],
        )
    )
    # a KAND earned inside a civilingenjör programme
    civ = isp & (cat.degree[pr] == w.civing_degree) & (nterm >= 6)
    civ &= rng.random(m) < kn["p_kand_in_civing"]
    cd = degree_dates(rng, t0 + 5, 0.0)
    degs.append(
        (
            pid[civ],
            inst[civ],
            cd[civ],
            np.full(int(civ.sum()), w.general["KAND"]),
            pr[civ],
            dfield[civ],
        )
    )
    # a master's degree awarded alongside the civilingenjör degree
    if w.general["MAST"] >= 0:
        cm = (
            complete
            & isp
            & (cat.degree[pr] == w.civing_degree)
            & (rng.random(m) < kn["p_master_in_civing"])
        )
        degs.append(
            (
                pid[cm],
                inst[cm],
                dates[cm],
                np.full(int(cm.sum()), w.general["MAST"]),
                pr[cm],
                dfield[cm],
            )
        )
    # a högskoleexamen from freestanding courses
    if w.general["HOGS"] >= 0:
        hg = ~isp & ~seeker & (nterm >= 4) & (rng.random(m) < kn["p_hogs_casual"])
        degs.append(
            (
                pid[hg],
                inst[hg],
                dates[hg],
                np.full(int(hg.sum()), w.general["HOGS"]),
                np.full(int(hg.sum()), -1),
                fs_field[pid][hg],
            )
        )
    # a magister inside a master programme
    if w.general["MAGI"] >= 0:
        mg = (
            complete & isp & (kinds[pr] == "master") & (cat.terms[pr] == 4) & (rng.random(m) < 0.10)
        )
        md = degree_dates(rng, t0 + 1, 0.0)
        degs.append(
            (
                pid[mg],
                inst[mg],
                md[mg],
                np.full(int(mg.sum()), w.general["MAGI"]),
                pr[mg],
                dfield[mg],
            )
        )
    deg = {
        key: np.concatenate([d[i] for d in degs])
        for i, key in enumerate(["pid", "inst", "date", "degree", "prog", "field"])
    }

    out_type = np.where(complete, np.array(w.degree_type)[main_deg], "nongrad")
    out_fam = np.where(isp, fam[pr], np.array(w.field_family)[fs_field[pid]])
    return {
        "rows": rows,
        "deg": deg,
        "complete": complete,
        "t_end": t_end,
        "seeker": seeker,
        "main_date": dates,
        "main_deg": main_deg,
        "type": out_type,
        "family": out_fam,
        "kind": np.where(isp, kinds[pr], np.where(seeker, "fs_seek", "fs")),
    }


# -------------------------------------------------------------------------- cohort
def simulate_cohort(w: World, c: int, end_year: int) -> dict:
    kn, cat = w.knobs, w.cat
    seed = w.seed
    n = cohort_size(w, c)
    nk = len(w.kommun_codes)

    # ---------------------------------------------------------------- demography
    rd = stream(seed, c, "demography")
    fm = (rd.random(n) < kn["share_freemovers"]) & w.any_master
    pk = w.kommun_pop * np.exp(kn["transition_beta"] * w.edu_index) * w.lan_access[w.kommun_lan]
    home = _cat(rd, pk, n)
    female = rd.random(n) < kn["share_women"]
    fb = np.array(kn["foreign_background"], float)
    fb[3] = max(fb[3] - kn["share_freemovers"], 0.0)
    f = w.foreign_index[home]
    pg = fb[None, :] * np.stack([np.ones(n), f, f, f], 1)
    pg = np.cumsum(pg / pg.sum(1, keepdims=True), 1)
    g = np.minimum((pg < rd.random(n)[:, None]).sum(1), 3)
    g = np.where(fm, 3, g)
    abroad = g == 3
    offs = np.array(kn["age_offsets"])
    off = np.searchsorted(np.cumsum(offs), rd.random(n), side="right").astype(np.int64)
    tail = 6 + np.floor(rd.exponential(kn["age_tail_mean"], n)).astype(np.int64)
    off = np.where(off >= len(offs), tail, off)
    off = off + np.where(abroad & ~fm, np.floor(rd.exponential(1.5, n)).astype(np.int64), 0)
    off = np.where(fm, 3 + np.floor(rd.exponential(3, n)).astype(np.int64), off)
    age = 19 + np.minimum(off, 26)
    birth = c - age
    vt = rd.random(n) < kn["entry_vt_share"]
    t0 = 2 * c + (~vt).astype(np.int64)
    u_imm = rd.random(n)
    imm = np.where(abroad, birth + np.floor(u_imm * (c - birth)).astype(np.int64), birth)
    imm = np.where(fm, c, imm)
    ctry_keys = list(C.BIRTH_COUNTRIES)
    fm_keys = list(C.FREEMOVER_COUNTRIES)
    c_reg = _cat(rd, list(C.BIRTH_COUNTRIES.values()), n)
    c_fm = _cat(rd, list(C.FREEMOVER_COUNTRIES.values()), n)
    vocab_ctry = ["SE"] + ctry_keys + fm_keys
    fodland = np.where(abroad, np.where(fm, 1 + len(ctry_keys) + c_fm, 1 + c_reg), 0)
    fodland = np.where(rd.random(n) < kn["unknown_fodland"], -1, fodland)

    # ---------------------------------------------------------------- parents
    rpar = stream(seed, c, "parents")
    u_which = rpar.random(n) < 0.5
    mf = np.select([g == 0, g == 1, g == 2], [False, u_which, True], rpar.random(n) > 0.05)
    ff = np.select([g == 0, g == 1, g == 2], [False, ~u_which, True], rpar.random(n) > 0.05)
    ff = np.where(g == 3, np.where(mf, ff, True), ff)
    p_unk = kn["unknown_parent"] * np.where(abroad, 4.0, 1.0)
    m_known = (rpar.random(n) >= p_unk) & ~fm
    f_known = (rpar.random(n) >= p_unk * 1.3) & ~fm
    mb = birth - np.clip(np.round(rpar.normal(30, 5, n)), 17, 45).astype(np.int64)
    fbirth = mb - np.clip(np.round(rpar.normal(2.5, 3.5, n)), -8, 20).astype(np.int64)
    fbirth = np.minimum(fbirth, birth - 18)
    same_c = rpar.random(n) < 0.9
    rc_m, rc_f = (
        _cat(rpar, list(C.BIRTH_COUNTRIES.values()), n),
        _cat(rpar, list(C.BIRTH_COUNTRIES.values()), n),
    )
    child_c = np.where(fodland > 0, fodland, 1 + rc_m)
    m_ctry = np.where(mf, np.where(abroad & same_c, child_c, 1 + rc_m), 0)
    f_ctry = np.where(ff, np.where(abroad & same_c, child_c, 1 + rc_f), 0)
    shared = rpar.normal(0, 1, n)
    eidx = kn["parent_edu_index_weight"] * w.edu_index[home]
    trend = kn["parent_edu_trend_per_year"]
    Lm = (
        eidx
        + trend * (mb - 1965)
        + 0.6 * shared
        + 0.7 * rpar.normal(0, 1, n) * np.where(mf, 1.3, 1.0)
        - 0.15 * mf
    )
    Lf = (
        eidx
        + trend * (fbirth - 1965)
        + 0.6 * shared
        + 0.7 * rpar.normal(0, 1, n) * np.where(ff, 1.3, 1.0)
        - 0.15 * ff
        - 0.1
    )
    cuts = kn["parent_edu_cutpoints"]
    lev_m = 1 + np.searchsorted(cuts, Lm)
    lev_f = 1 + np.searchsorted(cuts, Lf)
    pu = kn["parent_edu_unknown"]
    lev_m = np.where(rpar.random(n) < pu * np.where(mf, 6, 1), 0, lev_m)
    lev_f = np.where(rpar.random(n) < pu * np.where(ff, 6, 1), 0, lev_f)
    Lmax = np.maximum(np.where(m_known, Lm, -9), np.where(f_known, Lf, -9))
    Lmax = np.where(Lmax < -8, 0.0, Lmax)
    up_m, up_f = rpar.random(n) < 0.08, rpar.random(n) < 0.08
    upy_m, upy_f = mb + 30 + rpar.integers(0, 20, n), fbirth + 30 + rpar.integers(0, 20, n)

    ab = 0.35 * Lmax + 0.15 * female - 0.15 * abroad + rd.normal(0, 0.9, n)
    ab = (ab - ab.mean()) / ab.std()

    # ---------------------------------------------------------------- spell 1
    rs = stream(seed, c, "spell1")
    inst_g = sample_grouped(w.gravity_table, w.kommun_lan[home], rs.random(n))
    want_prog = rs.random(n) >= kn["share_freestanding"]
    prog_pick = sample_grouped(w.first_prog_table, inst_g * 2 + female, rs.random(n))
    fm_pick = sample_grouped(w.freemover_table, np.zeros(n, np.int64), rs.random(n))
    fs_field = _cat(rs, w.field_weight, n)
    is_prog = want_prog & w.inst_has_first[inst_g]
    prog1 = np.where(fm, fm_pick, np.where(is_prog, prog_pick, -1))
    inst1 = np.where(fm, cat.inst[fm_pick], inst_g)
    allp = np.arange(n)
    s1 = run_spell(rs, w, allp, inst1, prog1, t0, ab, fs_field, kn["freestanding_degree_seekers"])

    # ---------------------------------------------------------------- spell 2
    r2 = stream(seed, c, "spell2")
    u1, u2, u3 = r2.random(n), r2.random(n), r2.random(n)
    gap = r2.integers(0, 4, n)
    k1 = s1["kind"]
    comp1 = s1["complete"]
    pr1 = np.where(prog1 >= 0, prog1, 0)
    is_hing = (prog1 >= 0) & (cat.degree[pr1] == w.hing_degree)
    go_master = (
        comp1
        & ((k1 == "kand") | (k1 == "art") | is_hing | (k1 == "fs_seek"))
        & (u1 < kn["p_master_after_bachelor"])
        & w.any_master
    )
    go_master &= ~fm
    nurse1 = comp1 & (np.array(cat.family)[pr1] == "nurse") & (k1 == "yrkes")
    teach1 = comp1 & (np.array(cat.family)[pr1] == "teacher") & (k1 == "yrkes")
    go_spec = nurse1 & (u1 < kn["p_specialist_nurse"])
    go_sppe = teach1 & (u1 < 0.05)
    go_yfs = comp1 & (k1 == "yrkes") & ~nurse1 & ~teach1 & (u1 < 0.06)
    drop_p = (prog1 >= 0) & ~comp1 & (u1 < kn["p_new_spell_after_dropout"]) & ~fm
    cas_p = (k1 == "fs") & (u1 < kn["p_programme_after_freestanding"])
    new_prog = (drop_p & (u2 < 0.5)) | cas_p
    new_fs = (drop_p & (u2 >= 0.5)) | go_yfs
    prog2 = np.full(n, -1)
    prog2 = np.where(go_master, sample_grouped(w.master_table, inst1 * 2 + female, u3), prog2)
    prog2 = np.where(new_prog, sample_grouped(w.second_prog_table, inst1 * 2 + female, u3), prog2)
    for ab_, sel in (
        ("SPSK", go_spec & (u2 < 0.8)),
        ("BMOR", go_spec & (u2 >= 0.8)),
        ("SPPE", go_sppe),
    ):
        tab = w.spec_tables.get(ab_)
        if tab is not None:
            prog2 = np.where(sel, sample_grouped(tab, inst1, u3), prog2)
    has2 = (prog2 >= 0) | new_fs
    inst2 = np.where(
        prog2 >= 0,
        cat.inst[np.maximum(prog2, 0)],
        np.where(
            r2.random(n) < 0.7,
            inst1,
            sample_grouped(w.gravity_table, w.kommun_lan[home], r2.random(n)),
        ),
    )
    t2 = s1["t_end"] + 1 + gap
    t2 = np.where(go_master, s1["t_end"] + 1 + 2 * (u2 < 0.3), t2)
    t2 = np.where(go_spec | go_sppe, s1["t_end"] + 1 + r2.integers(4, 16, n), t2)
    t2 = np.where(go_yfs, s1["t_end"] + 2 + r2.integers(0, 20, n), t2)
    t2 = np.where(
        (prog2 >= 0) & (t2 % 2 == 0) & (u3 < 0.7), t2 + 1, t2
    )  # programmes mostly start in HT
    p2 = np.flatnonzero(has2)
    s2 = run_spell(
        r2, w, p2, inst2[p2], np.where(prog2 >= 0, prog2, -1)[p2], t2[p2], ab[p2], fs_field, 0.0
    )
    # scatter spell-2 outcomes to full arrays
    comp2 = np.zeros(n, bool)
    comp2[p2] = s2["complete"]
    t_end2 = np.full(n, -1)
    t_end2[p2] = s2["t_end"]
    date2 = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    date2[p2] = s2["main_date"]
    type2 = np.full(n, "nongrad", dtype=object)
    type2[p2] = s2["type"]
    fam2 = np.full(n, "generic", dtype=object)
    fam2[p2] = s2["family"]
    kind2 = np.full(n, "", dtype=object)
    kind2[p2] = s2["kind"]
    deg2main = np.full(n, -1)
    deg2main[p2] = s2["main_deg"]

    # ---------------------------------------------------------------- third cycle
    rp_ = stream(seed, c, "phd")
    is_med = (prog1 >= 0) & (np.array(cat.family)[pr1] == "medicine")
    master2 = comp2 & np.isin(kind2, ["master", "artmaster"])
    master1 = comp1 & np.isin(k1, ["master", "artmaster"])
    yrk1 = comp1 & (k1 == "yrkes")
    p_phd = np.select(
        [master2 | master1, comp1 & is_med, yrk1, comp1 | comp2],
        [kn["p_phd_master"], kn["p_phd_medicine"], kn["p_phd_yrkes"], kn["p_phd_other"]],
        0.0,
    )
    phd = rp_.random(n) < p_phd
    base_date = np.where(master2 | (comp2 & ~comp1), date2, s1["main_date"])
    base_inst = np.where(master2 | (comp2 & ~comp1), inst2, inst1)
    res_ix = np.flatnonzero(w.inst_research)
    if len(res_ix):
        rshare = np.array(
            [C.INSTITUTIONS.get(w.inst_codes[j], C.DEFAULT_INSTITUTION)["share"] for j in res_ix]
        )
        alt = res_ix[_cat(rp_, rshare, n)]
    else:
        alt = base_inst
    phd_inst = np.where(w.inst_research[base_inst] & (rp_.random(n) < 0.75), base_inst, alt)
    start = base_date + rp_.integers(60, 400, n).astype("timedelta64[D]")
    u_out = rp_.random(n)
    lic_only = u_out < kn["p_lic_only"]
    lic_dok = (u_out >= kn["p_lic_only"]) & (u_out < kn["p_lic_only"] + kn["p_lic_then_dok"])
    dok_date = start + rp_.integers(4 * 365, 6 * 365, n).astype("timedelta64[D]")
    lic_date = start + rp_.integers(2 * 365, 3 * 365, n).astype("timedelta64[D]")
    fam1 = s1["family"]
    phd_fam = np.where(master2, fam2, fam1)
    area = np.array([C.FAMILY_RESEARCH_AREA.get(x, "5") for x in phd_fam], dtype=object)
    subj_vocab, subj_idx = [], np.zeros(n, np.int64)
    u_subj = rp_.random(n)
    for a in sorted(set(area[phd])) if phd.any() else []:
        lst = w.research_by_area.get(a) or w.research_by_area["*"]
        off_ = len(subj_vocab)
        subj_vocab += lst
        msk = area == a
        subj_idx[msk] = off_ + np.minimum((u_subj[msk] * len(lst)).astype(np.int64), len(lst) - 1)
    phd_end = np.where(lic_only, lic_date, dok_date)
    fx_rows = []
    sel = phd & ~lic_only
    fx_rows.append((np.flatnonzero(sel), dok_date[sel], "DOK"))
    sel = phd & (lic_only | lic_dok)
    fx_rows.append((np.flatnonzero(sel), lic_date[sel], "LIC"))

    # ---------------------------------------------------------------- migration & residence
    rm = stream(seed, c, "migration")
    last_term = np.maximum(s1["t_end"], t_end2)
    exit_y = last_term // 2 + np.where(last_term % 2 == 0, 0.5, 1.0)
    d1f = np.where(comp1, s1["main_date"].astype(np.int64) / 365.25 + 1970, 0.0)
    d2f = np.where(
        comp2,
        np.where(comp2, date2, np.datetime64("2000-01-01")).astype(np.int64) / 365.25 + 1970,
        0.0,
    )
    exit_y = np.maximum.reduce([exit_y, d1f, d2f])
    pe_f = np.where(
        phd,
        np.where(phd, phd_end, np.datetime64("2000-01-01")).astype(np.int64) / 365.25 + 1970,
        0.0,
    )
    exit_y = np.where(phd, np.maximum(exit_y, pe_f), exit_y)
    grad = comp1 | comp2
    p_em = np.where(grad, kn["p_emigrate_graduate"], kn["p_emigrate_nongrad"]) * np.where(
        abroad, kn["emigrate_born_abroad_factor"], 1.0
    )
    p_em = np.where(fm, kn["p_emigrate_freemover"], p_em)
    em = rm.random(n) < p_em
    e1 = exit_y + 0.1 + np.minimum(rm.exponential(1.5, n), 4.8)
    ret = em & (rm.random(n) < kn["p_return"])
    r1 = e1 + 1 + rm.random(n) * 5
    em2 = ret & (rm.random(n) < kn["p_re_emigrate"])
    e2 = r1 + 1 + rm.random(n) * 5
    E1 = np.where(em, np.floor(e1), 99999).astype(np.int64)
    R1 = np.where(ret, np.floor(r1), 99999).astype(np.int64)
    E2 = np.where(em2, np.floor(e2), 99999).astype(np.int64)
    # residence during studies and after
    seat1 = w.inst_seat[inst1]
    seat2 = w.inst_seat[inst2]
    same_l1 = w.kommun_lan[seat1] == w.kommun_lan[home]
    mv1 = (seat1 != home) & (
        rm.random(n)
        < np.where(same_l1, kn["p_move_to_study_same_county"], kn["p_move_to_study_other_county"])
    )
    res1 = np.where(mv1 | fm, seat1, home)
    same_l2 = w.kommun_lan[seat2] == w.kommun_lan[res1]
    mv2 = (seat2 != res1) & (
        rm.random(n)
        < np.where(same_l2, kn["p_move_to_study_same_county"], kn["p_move_to_study_other_county"])
    )
    res2 = np.where(mv2, seat2, res1)
    last_res = np.where(has2, res2, res1)
    pr_post = kn["post_residence"]
    cat_post = _cat(
        rm, [pr_post["study"], pr_post["home"], pr_post["bigcity"], pr_post["random"]], n
    )
    kix = {code: i for i, code in enumerate(w.kommun_codes)}
    bc_codes = [k for k in C.BIG_CITIES if k in kix]
    big = (
        np.array([kix[k] for k in bc_codes])[_cat(rm, [C.BIG_CITIES[k] for k in bc_codes], n)]
        if bc_codes
        else home
    )
    rnd = _cat(rm, w.kommun_pop, n)
    post = np.select([cat_post == 0, cat_post == 1, cat_post == 2], [last_res, home, big], rnd)
    phd_seat = w.inst_seat[phd_inst]
    commuter = rm.random(n)

    # ---------------------------------------------------------------- jobs (person level)
    rj = stream(seed, c, "jobs")
    e_i = rj.normal(0, 1, n)
    famJ1 = np.where(comp1, fam1, "generic")
    famJ2 = np.where(comp2, fam2, famJ1)
    typJ1 = np.where(comp1, s1["type"], "nongrad")
    typJ2 = np.where(comp2, type2, typJ1)
    slots = {
        "S": (np.full(n, "student", object), np.full(n, "student", object)),
        "J1": (famJ1, typJ1),
        "J2": (famJ2, typJ2),
        "P": (np.full(n, "phd", object), np.full(n, "phd", object)),
    }
    vocab = {"ssyk": [], "sni": [], "sector": [], "match": []}
    vix = {k: {} for k in vocab}
    jobs = {}

    def draw(attr, table, keys, u):
        out = np.zeros(n, np.int64)
        for key in sorted(set(keys.tolist())):
            codes, p = table.get(key) or table["generic"]
            ids = []
            for cd in codes:
                if cd not in vix[attr]:
                    vix[attr][cd] = len(vocab[attr])
                    vocab[attr].append(cd)
                ids.append(vix[attr][cd])
            msk = keys == key
            cum = np.cumsum(p)
            out[msk] = np.array(ids)[
                np.minimum(np.searchsorted(cum, u[msk], side="right"), len(ids) - 1)
            ]
        return out

    for sl, (famv, typv) in slots.items():
        jobs[sl] = (
            draw("ssyk", w.ssyk, famv, rj.random(n)),
            draw("sni", w.sni, famv, rj.random(n)),
            draw("sector", w.sector, famv, rj.random(n)),
            draw("match", {**w.matchning, "generic": w.matchning["nongrad"]}, typv, rj.random(n)),
        )

    # ---------------------------------------------------------------- yearly panel
    ymin = kn["first_register_year"]
    first_res = np.maximum.reduce([np.full(n, ymin), birth + 16, imm])
    cnt = np.maximum(end_year - first_res + 1, 0)
    rp = np.repeat(np.arange(n), cnt)
    yr = first_res[rp] + (np.arange(len(rp)) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    resident = ~(((yr >= E1[rp]) & (yr < R1[rp])) | (yr >= E2[rp]))
    rp, yr = rp[resident], yr[resident]
    y_end1 = s1["t_end"][rp] // 2
    y_s2 = np.where(has2, t2, 10**6)[rp] // 2
    y_e2 = t_end2[rp] // 2
    study1 = (yr >= c) & (yr <= y_end1)
    study2 = has2[rp] & (yr >= y_s2) & (yr <= y_e2)
    gap_y = has2[rp] & (yr > y_end1) & (yr < y_s2) & (yr - y_end1 <= 2)
    phd_s = _year_of(start)[rp]
    phd_e = _year_of(phd_end)[rp]
    in_phd = phd[rp] & (yr >= phd_s) & (yr <= phd_e) & ~study1 & ~study2
    kom = np.select(
        [yr < c, study2, study1 | gap_y, in_phd],
        [home[rp], res2[rp], res1[rp], phd_seat[rp]],
        post[rp],
    )
    ny = end_year - ymin + 1
    noise = (
        np.stack(
            [
                stream(seed, c, "residence_noise", y).random(n, dtype=np.float32)
                for y in range(ymin, end_year + 1)
            ]
        )
        if ny > 0
        else np.zeros((0, n))
    )
    kom_out = np.where(noise[yr - ymin, rp] < kn["p_kommun_9999"], nk, kom)  # nk -> '9999'
    folk = {"pid": rp, "year": yr, "kommun": kom_out}

    # sysselsattning: residents from the year before entry, aged <= 74
    ss = (yr >= c - 1) & (yr - birth[rp] <= 74)
    sp, sy, skom = rp[ss], yr[ss], kom[ss]
    st1, st2, sphd = study1[ss], study2[ss], in_phd[ss]
    y0 = c - 1
    ny2 = end_year - y0 + 1
    U = np.empty((ny2, 6, n), np.float32)
    Z = np.empty((ny2, n), np.float32)
    for iy, y in enumerate(range(y0, end_year + 1)):
        rr = stream(seed, c, "panel", y)
        U[iy] = rr.random((6, n), dtype=np.float32)
        Z[iy] = rr.standard_normal(n, dtype=np.float32)
    iy = sy - y0
    u_emp, u_al, u_st, u_null, u_dirty, u_zero = (U[iy, v, sp] for v in range(6))
    z = Z[iy, sp]
    studying = st1 | st2
    pre = sy < c
    dy1 = _year_of(s1["main_date"])[sp]
    dy2 = np.where(comp2, _year_of(np.where(comp2, date2, np.datetime64("2000-01-01"))), 99999)[sp]
    use2 = comp2[sp] & (dy2 < sy)
    use1 = comp1[sp] & (dy1 < sy) & ~use2
    typ = np.where(use2, type2[sp], np.where(use1, s1["type"][sp], "nongrad"))
    after_dok = phd[sp] & ~lic_only[sp] & (_year_of(dok_date)[sp] < sy)
    typ = np.where(after_dok, "yrkes", typ)
    exit_year = np.floor(exit_y).astype(np.int64)[sp]
    ys = np.where(use2, sy - dy2, np.where(use1, sy - dy1, sy - exit_year))
    ys = np.clip(ys, 0, 12)
    phase = np.where(pre, "pre", np.where(studying, "study", typ))
    p_emp = np.zeros(len(sp))
    mu = np.zeros(len(sp))
    sd = np.zeros(len(sp))
    for ph in ("pre", "study", "yrkes", "general", "artistic", "nongrad"):
        msk = phase == ph
        p_emp[msk], mu[msk], sd[msk] = kn["p_emp"][ph], kn["mu_inc"][ph], kn["sd_inc"][ph]
    post_ph = ~pre & ~studying
    p_emp = np.clip(p_emp + np.where(post_ph, 0.04, 0.1) * e_i[sp], 0.01, 0.995)
    p_emp = np.where(fm[sp] & post_ph, p_emp * 0.85, p_emp)
    p_emp = np.where(sphd, 0.99, p_emp)
    emp = u_emp < p_emp
    thr = w.threshold(sy)
    logi = mu + np.where(post_ph, kn["income_growth_per_year"] * ys + 0.2 * e_i[sp], 0.0) + sd * z
    logi = np.where(sphd, 0.15 + 0.05 * np.clip(sy - phd_s[ss], 0, 5) + 0.1 * z, logi)
    inc_emp = thr * np.exp(logi)
    inc_non = np.where(u_zero < 0.45, 0.0, thr * np.exp(-1.8 + 0.8 * z))
    income = np.round(np.where(emp, inc_emp, inc_non) / 100) * 100
    arblos = np.where(
        emp,
        u_al < np.where(post_ph, kn["p_arblos_employed"], 0.03),
        u_al < np.where(post_ph, kn["p_arblos_not_employed"], 0.10),
    )
    stud = studying | (pre & (u_st < 0.10))
    slot_use = np.where(pre | studying, 0, np.where(sphd, 3, np.where(use2, 2, 1)))
    sl_names = ["S", "J1", "J2", "P"]

    def pick(a):
        arr = np.stack([jobs[s][a] for s in sl_names])
        return arr[slot_use, sp]

    ssyk_i, sni_i, sec_i, mat_i = pick(0), pick(1), pick(2), pick(3)
    # dirty / unknown values (mutually exclusive bands of one uniform)
    b = np.cumsum(
        [
            kn["p_sni_null"],
            kn["p_ssyk_null"],
            kn["p_sektor_us"],
            kn["p_matchning_null"],
            kn["p_astkommun_null"],
        ]
    )
    band = np.searchsorted(b, u_dirty, side="right")
    sni_i = np.where(~emp | (band == 0), -1, sni_i)
    ssyk_i = np.where(~emp | (band == 1), -1, ssyk_i)
    us_i = len(vocab["sector"])
    vocab["sector"].append(w.sector_unknown or "US")
    sec_i = np.where(~emp, -1, np.where(band == 2, us_i, sec_i))
    nm_i = len(vocab["match"])
    vocab["match"].append(w.matchning_not_employed or "91")
    mat_i = np.where(~emp, nm_i, np.where(band == 3, -1, mat_i))
    ast = np.where(commuter[sp] < 0.08, np.where(len(bc_codes) > 0, big[sp], skom), skom)
    ast = np.where(~emp | (band == 4), -1, ast)
    syss = np.where(emp, 0, 1)
    syss = np.where(u_null < kn["p_syssstat_null"], -1, syss)
    sys_out = {
        "pid": sp,
        "year": sy,
        "syss": syss,
        "income": income.astype(np.int64),
        "arblos": arblos,
        "stud": stud,
        "sni": sni_i,
        "sector": sec_i,
        "ssyk": ssyk_i,
        "match": mat_i,
        "ast": ast,
    }

    # ---------------------------------------------------------------- education (UREG)
    re_ = stream(seed, c, "education")
    has_gy = (imm - birth <= 15) & (re_.random(n) < 0.97)
    gy_off = np.array([-1, 0, 1, 2, 3, 4])[_cat(re_, [0.04, 0.88, 0.06, 0.01, 0.005, 0.005], n)]
    gy = np.maximum(np.minimum(birth + 19 + gy_off, c - vt.astype(np.int64)), birth + 17)
    u_sk = re_.random(n)
    sk = np.where(
        u_sk < 0.72,
        home,
        np.where(
            u_sk < 0.95,
            sample_grouped(w.kommun_in_lan_table, w.kommun_lan[home], re_.random(n)),
            _cat(re_, w.kommun_pop, n),
        ),
    )
    gym = {"pid": np.flatnonzero(has_gy), "year": gy[has_gy], "kommun": sk[has_gy]}
    # registrations (all spells) -> cumulative credits crossing 60 hp
    reg = {k_: np.concatenate([s1["rows"][k_], s2["rows"][k_]]) for k_ in s1["rows"]}
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
    deg_all = {k_: np.concatenate([s1["deg"][k_], s2["deg"][k_]]) for k_ in s1["deg"]}
    dyear = _year_of(deg_all["date"])
    hi = (w.degree_credits[deg_all["degree"]] >= 180) | (w.degree_credits[deg_all["degree"]] < 100)
    y6 = np.full(n, 99999)
    np.minimum.at(y6, deg_all["pid"][hi], dyear[hi])
    y5d = np.full(n, 99999)
    np.minimum.at(y5d, deg_all["pid"][~hi], dyear[~hi])
    y7 = np.where(phd, _year_of(np.where(lic_only | lic_dok, lic_date, dok_date)), 99999)
    ar0 = np.maximum.reduce([np.full(n, ymin), birth + 16, imm + 1])
    lvl0 = np.where(imm - birth > 15, np.array([4, 6, 3, 0])[_cat(re_, [0.5, 0.1, 0.1, 0.3], n)], 2)
    lvl0 = np.where(re_.random(n) < kn["p_sun_null"], 0, lvl0)
    lv_gy = np.where(re_.random(n) < 0.08, 3, 4)
    e_pid = np.concatenate([allp, allp[has_gy], allp, allp, allp])
    e_ar = np.concatenate([ar0, gy[has_gy] + 1, np.minimum(y60, y5d) + 1, y6 + 1, y7 + 1])
    e_lv = np.concatenate([lvl0, lv_gy[has_gy], np.full(n, 5), np.full(n, 6), np.full(n, 7)])
    edu_s = _monotone(e_pid, e_ar, e_lv.astype(np.int64), end_year)

    # ---------------------------------------------------------------- assemble
    lop = lopnr(seed, c, np.arange(3 * n))
    L_stu, L_mor, L_far = lop[:n], lop[n : 2 * n], lop[2 * n :]
    # incoming exchange students: persons after the cohort's students and parents
    ex = exchange_students(w, c, n)
    L_ex = lopnr(seed, c, 3 * n + np.arange(ex["n"]))
    ex_ctry = len(vocab_ctry) + ex["country"]
    vocab_ctry = vocab_ctry + list(C.EXCHANGE_COUNTRIES)
    out = {}
    # personer
    pm, pf = np.flatnonzero(m_known), np.flatnonzero(f_known)
    n_nopar = len(pm) + len(pf) + ex["n"]
    out["personer"] = {
        "LopNr": np.concatenate([L_stu, L_mor[pm], L_far[pf], L_ex]),
        "Kon": np.concatenate(
            [
                np.where(female, 2, 1),
                np.full(len(pm), 2),
                np.full(len(pf), 1),
                np.where(ex["female"], 2, 1),
            ]
        ),
        "FodelseAr": np.concatenate([birth, mb[pm], fbirth[pf], ex["birth"]]),
        "FodLand": (
            "vocab",
            vocab_ctry,
            np.concatenate([fodland, m_ctry[pm], f_ctry[pf], ex_ctry]),
        ),
        "LopNrMor": (
            np.concatenate([L_mor, np.zeros(n_nopar, np.int64)]),
            np.concatenate([~m_known, np.ones(n_nopar, bool)]),
        ),
        "LopNrFar": (
            np.concatenate([L_far, np.zeros(n_nopar, np.int64)]),
            np.concatenate([~f_known, np.ones(n_nopar, bool)]),
        ),
    }
    # parents' education history
    par_b = np.concatenate([mb[pm], fbirth[pf]])
    par_lv = np.concatenate([lev_m[pm], lev_f[pf]])
    par_up = np.concatenate([up_m[pm], up_f[pf]]) & (par_lv >= 3) & (par_lv <= 5)
    par_upy = np.concatenate([upy_m[pm], upy_f[pf]])
    par_L = np.concatenate([L_mor[pm], L_far[pf]])
    par_ar0 = np.maximum(ymin, par_b + 25)
    ok_up = par_up & (par_upy > par_ar0)
    pe_L = np.concatenate([par_L, par_L[ok_up]])
    pe_ar = np.concatenate([par_ar0, par_upy[ok_up]])
    pe_lv = np.concatenate([par_lv, par_lv[ok_up] + 1])
    keep = pe_ar <= end_year
    out["utbildningsniva"] = {
        "LopNr": np.concatenate([L_stu[edu_s[0]], pe_L[keep]]),
        "Ar": np.concatenate([edu_s[1], pe_ar[keep]]),
        "SUN2020Niva": (
            "vocab",
            ["1", "2", "3", "4", "5", "6", "7"],
            np.concatenate([edu_s[2], pe_lv[keep]]) - 1,
        ),
    }
    # municipality codes as each year's register carries them (history.py)
    kvocab = w.kommun_vocab
    out["folkbokforing"] = {
        "LopNr": L_stu[folk["pid"]],
        "Ar": folk["year"],
        "Kommun": ("vocab", kvocab, as_of_year(folk["kommun"], folk["year"], w.kommun_history)),
    }
    emi_p = np.concatenate([np.flatnonzero(em), np.flatnonzero(em2)])
    emi_d = np.concatenate([_frac_year_to_date(e1[em]), _frac_year_to_date(e2[em2])])
    keep = _year_of(emi_d) <= end_year
    out["utvandringar"] = {"LopNr": L_stu[emi_p[keep]], "UtvandringDatum": emi_d[keep]}
    keep = gym["year"] <= end_year
    out["gymnasieexamina"] = {
        "LopNr": L_stu[gym["pid"][keep]],
        "ExamensAr": gym["year"][keep],
        "SkolKommun": (
            "vocab",
            kvocab,
            as_of_year(gym["kommun"][keep], gym["year"][keep], w.kommun_history),
        ),
    }
    # exchange students' terms after the cohort's own (Utbytesstudent J)
    n_own = len(reg["pid"])
    reg = {k_: np.concatenate([reg[k_], ex["rows"][k_]]) for k_ in reg}
    is_ex = np.arange(len(reg["pid"])) >= n_own
    lop_reg = np.where(
        is_ex, L_ex[np.where(is_ex, reg["pid"], 0)], L_stu[np.where(is_ex, 0, reg["pid"])]
    )
    keep = reg["term"] // 2 <= end_year
    out["registreringar"] = {
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
    keep = dyear <= end_year
    out["examina"] = {
        "LopNr": L_stu[deg_all["pid"][keep]],
        "Larosate": ("vocab", w.inst_codes, deg_all["inst"][keep]),
        "ExamensDatum": deg_all["date"][keep],
        "Examenskod": ("vocab", w.degree_codes, deg_all["degree"][keep]),
        "Programkod": ("prog", deg_all["prog"][keep]),
        "Huvudomrade": ("vocab", w.fields, deg_all["field"][keep]),
        "_sort": (deg_all["degree"][keep],),
    }
    fxp = np.concatenate([r[0] for r in fx_rows])
    fxd = np.concatenate([r[1] for r in fx_rows])
    fxe = np.concatenate([np.full(len(r[0]), 0 if r[2] == "DOK" else 1) for r in fx_rows])
    keep = _year_of(fxd) <= end_year
    out["forskarexamina"] = {
        "LopNr": L_stu[fxp[keep]],
        "Larosate": ("vocab", w.inst_codes, phd_inst[fxp[keep]]),
        "ExamensDatum": fxd[keep],
        "Examen": ("vocab", ["DOK", "LIC"], fxe[keep]),
        "Forskningsamne": ("vocab", subj_vocab or ["000"], subj_idx[fxp[keep]]),
    }
    out["sysselsattning"] = {
        "LopNr": L_stu[sys_out["pid"]],
        "Ar": sys_out["year"],
        "SyssStat": ("vocab", ["1", "5"], sys_out["syss"]),
        "ArbInk": sys_out["income"],
        "ArbLos": ("vocab", ["N", "J"], sys_out["arblos"].astype(np.int64)),
        "Studerande": ("vocab", ["N", "J"], sys_out["stud"].astype(np.int64)),
        "AstSNI2007": ("vocab", vocab["sni"], sys_out["sni"]),
        "AstSektor": ("vocab", vocab["sector"], sys_out["sector"]),
        "SSYK2012": ("vocab", vocab["ssyk"], sys_out["ssyk"]),
        "Matchning": ("vocab", vocab["match"], sys_out["match"]),
        "AstKommun": (
            "vocab",
            kvocab,
            as_of_year(sys_out["ast"], sys_out["year"], w.kommun_history),
        ),
    }
    return out


def _monotone(pid, ar, lv, end_year):
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
