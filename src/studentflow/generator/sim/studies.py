"""Studies of one cohort: the first spell (institution by gravity, programme or
freestanding courses) and a possible second spell (master, specialist, new
programme after drop-out, ...). Streams 'spell1' and 'spell2'."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..rng import stream
from ..world import World, sample_grouped
from .draws import categorical
from .spell import run_spell


def first_spell(w: World, c: int, d, ab) -> SimpleNamespace:
    """s1 (run_spell result), prog1/inst1 (programme -1 = freestanding), fs_field
    (each entrant's field for freestanding courses)."""
    kn, cat, n = w.knobs, w.cat, d.n
    rs = stream(w.seed, c, "spell1")
    inst_g = sample_grouped(w.gravity_table, w.kommun_lan[d.home], rs.random(n))
    want_prog = rs.random(n) >= kn["share_freestanding"]
    prog_pick = sample_grouped(w.first_prog_table, inst_g * 2 + d.female, rs.random(n))
    fm_pick = sample_grouped(w.freemover_table, np.zeros(n, np.int64), rs.random(n))
    fs_field = categorical(rs, w.field_weight, n)
    is_prog = want_prog & w.inst_has_first[inst_g]
    prog1 = np.where(d.fm, fm_pick, np.where(is_prog, prog_pick, -1))
    inst1 = np.where(d.fm, cat.inst[fm_pick], inst_g)
    allp = np.arange(n)
    s1 = run_spell(rs, w, allp, inst1, prog1, d.t0, ab, fs_field, kn["freestanding_degree_seekers"])
    return SimpleNamespace(s1=s1, prog1=prog1, inst1=inst1, fs_field=fs_field)


def second_spell(w: World, c: int, d, ab, st) -> None:
    """Adds to st (first_spell()): s2, has2, inst2, t2 and the spell-2 outcomes
    scattered to all entrants (comp2, t_end2, date2, type2, fam2, kind2, deg2main)."""
    r2 = stream(w.seed, c, "spell2")
    u1, u2, u3 = r2.random(d.n), r2.random(d.n), r2.random(d.n)
    gap = r2.integers(0, 4, d.n)
    ch = _choice(w, d, st, u1, u2, u3)
    _place_and_start(r2, w, d, st, ch, gap, u2, u3)
    p2 = np.flatnonzero(st.has2)
    prog2 = np.where(ch.prog2 >= 0, ch.prog2, -1)
    st.s2 = run_spell(r2, w, p2, st.inst2[p2], prog2[p2], st.t2[p2], ab[p2], st.fs_field, 0.0)
    _scatter(st, p2, d.n)


def _choice(w: World, d, st, u1, u2, u3) -> SimpleNamespace:
    """What comes after spell 1: prog2 (-1 none or freestanding), new_fs, and the
    go_master / go_spec / go_sppe / go_yfs flags that set the start term."""
    kn, cat, n = w.knobs, w.cat, d.n
    prog1, inst1, s1 = st.prog1, st.inst1, st.s1
    k1, comp1 = s1["kind"], s1["complete"]
    pr1 = np.where(prog1 >= 0, prog1, 0)
    fam1 = np.array(cat.family)[pr1]
    is_hing = (prog1 >= 0) & (cat.degree[pr1] == w.hing_degree)
    bachelor = (k1 == "kand") | (k1 == "art") | is_hing | (k1 == "fs_seek")
    go_master = comp1 & bachelor & (u1 < kn["p_master_after_bachelor"]) & w.any_master
    go_master &= ~d.fm
    nurse1 = comp1 & (fam1 == "nurse") & (k1 == "yrkes")
    teach1 = comp1 & (fam1 == "teacher") & (k1 == "yrkes")
    go_spec = nurse1 & (u1 < kn["p_specialist_nurse"])
    go_sppe = teach1 & (u1 < 0.05)
    go_yfs = comp1 & (k1 == "yrkes") & ~nurse1 & ~teach1 & (u1 < 0.06)
    drop_p = (prog1 >= 0) & ~comp1 & (u1 < kn["p_new_spell_after_dropout"]) & ~d.fm
    cas_p = (k1 == "fs") & (u1 < kn["p_programme_after_freestanding"])
    new_prog = (drop_p & (u2 < 0.5)) | cas_p
    new_fs = (drop_p & (u2 >= 0.5)) | go_yfs
    grp = inst1 * 2 + d.female
    prog2 = np.full(n, -1)
    prog2 = np.where(go_master, sample_grouped(w.master_table, grp, u3), prog2)
    prog2 = np.where(new_prog, sample_grouped(w.second_prog_table, grp, u3), prog2)
    for ab_, sel in (
        ("SPSK", go_spec & (u2 < 0.8)),
        ("BMOR", go_spec & (u2 >= 0.8)),
        ("SPPE", go_sppe),
    ):
        tab = w.spec_tables.get(ab_)
        if tab is not None:
            prog2 = np.where(sel, sample_grouped(tab, inst1, u3), prog2)
    return SimpleNamespace(
        prog2=prog2, new_fs=new_fs, go_master=go_master, go_spec=go_spec,
        go_sppe=go_sppe, go_yfs=go_yfs,
    )  # fmt: skip


def _place_and_start(r2, w: World, d, st, ch, gap, u2, u3) -> None:
    """st.has2, st.inst2 (programme's institution, else mostly the same one) and
    st.t2 (first term of spell 2)."""
    n, prog2, t_end1 = d.n, ch.prog2, st.s1["t_end"]
    st.has2 = (prog2 >= 0) | ch.new_fs
    st.inst2 = np.where(
        prog2 >= 0,
        w.cat.inst[np.maximum(prog2, 0)],
        np.where(
            r2.random(n) < 0.7,
            st.inst1,
            sample_grouped(w.gravity_table, w.kommun_lan[d.home], r2.random(n)),
        ),
    )
    t2 = t_end1 + 1 + gap
    t2 = np.where(ch.go_master, t_end1 + 1 + 2 * (u2 < 0.3), t2)
    t2 = np.where(ch.go_spec | ch.go_sppe, t_end1 + 1 + r2.integers(4, 16, n), t2)
    t2 = np.where(ch.go_yfs, t_end1 + 2 + r2.integers(0, 20, n), t2)
    # programmes mostly start in HT
    st.t2 = np.where((prog2 >= 0) & (t2 % 2 == 0) & (u3 < 0.7), t2 + 1, t2)


def _scatter(st, p2, n) -> None:
    """Spell-2 outcomes of the persons p2 as arrays over all n entrants."""
    s2 = st.s2
    st.comp2 = np.zeros(n, bool)
    st.comp2[p2] = s2["complete"]
    st.t_end2 = np.full(n, -1)
    st.t_end2[p2] = s2["t_end"]
    st.date2 = np.full(n, np.datetime64("NaT"), "datetime64[D]")
    st.date2[p2] = s2["main_date"]
    st.type2 = np.full(n, "nongrad", dtype=object)
    st.type2[p2] = s2["type"]
    st.fam2 = np.full(n, "generic", dtype=object)
    st.fam2[p2] = s2["family"]
    st.kind2 = np.full(n, "", dtype=object)
    st.kind2[p2] = s2["kind"]
    st.deg2main = np.full(n, -1)
    st.deg2main[p2] = s2["main_deg"]
