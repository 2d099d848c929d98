"""Degrees (examina) earned in one study spell: the main degree, its date, and the
degrees awarded alongside it (KAND in a yrkes or civilingenjör programme, master
or magister inside a programme, högskoleexamen from freestanding courses)."""

from __future__ import annotations

import numpy as np

from ..world import World
from .draws import to_date

DEGREE_COLUMNS = ["pid", "inst", "date", "degree", "prog", "field"]


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
    return to_date(yy, mm, dd)


def spell_degrees(rng, w: World, s, fs_field):
    """Degree rows of spell s (see spell._plan); returns (rows by DEGREE_COLUMNS,
    main degree date per person, main degree per person)."""
    kn, cat = w.knobs, w.cat
    isp, pr = s.isp, s.pr
    dates = degree_dates(rng, s.t_end, kn["degree_delay"])
    main_deg = np.where(isp, cat.degree[pr], w.general["KAND"])
    main_field = np.where(isp, cat.field[pr], fs_field[s.pid])
    main_field = np.where(isp & (np.array(w.degree_type)[main_deg] == "yrkes"), -1, main_field)
    degs = [_rows(s, s.complete, dates, main_deg, np.where(isp, pr, -1), main_field)]
    dfield = np.where(cat.field[pr] >= 0, cat.field[pr], fs_field[s.pid])
    degs += _kand_alongside(rng, w, s, dates, dfield)
    degs += _other_alongside(rng, w, s, dates, dfield, fs_field)
    deg = {key: np.concatenate([d[i] for d in degs]) for i, key in enumerate(DEGREE_COLUMNS)}
    return deg, dates, main_deg


def _rows(s, sel, dates, degree, prog, field):
    """Degree rows for the persons sel; degree is an array or one degree index."""
    degree = np.full(int(sel.sum()), degree) if np.isscalar(degree) else degree[sel]
    return (s.pid[sel], s.inst[sel], dates[sel], degree, prog[sel], field[sel])


def _kand_alongside(rng, w: World, s, dates, dfield):
    """A KAND next to a yrkes degree (same window), and one inside a civilingenjör
    programme (after its sixth term)."""
    kn, cat = w.knobs, w.cat
    m, isp, pr, kand = len(s.pid), s.isp, s.pr, w.general["KAND"]
    kinds, fam = np.array(cat.kind), np.array(cat.family)
    p_dbl = kn["p_double_kand_yrkes"] * np.where(fam[pr] == "nurse", 2.5, 1.0)
    dbl = s.complete & isp & (kinds[pr] == "yrkes") & (rng.random(m) < p_dbl)
    shift = rng.integers(0, 90, m).astype("timedelta64[D]")
    out = [_rows(s, dbl, dates + shift, kand, pr, dfield)]
    civ = isp & (cat.degree[pr] == w.civing_degree) & (s.nterm >= 6)
    civ &= rng.random(m) < kn["p_kand_in_civing"]
    cd = degree_dates(rng, s.t0 + 5, 0.0)
    out.append(_rows(s, civ, cd, kand, pr, dfield))
    return out


def _other_alongside(rng, w: World, s, dates, dfield, fs_field):
    """A master's with the civilingenjör degree, a högskoleexamen from freestanding
    courses and a magister inside a master programme (where the codes exist)."""
    kn, cat, g = w.knobs, w.cat, w.general
    m, isp, pr, complete = len(s.pid), s.isp, s.pr, s.complete
    out = []
    if g["MAST"] >= 0:
        civ = complete & isp & (cat.degree[pr] == w.civing_degree)
        cm = civ & (rng.random(m) < kn["p_master_in_civing"])
        out.append(_rows(s, cm, dates, g["MAST"], pr, dfield))
    if g["HOGS"] >= 0:
        hg = ~isp & ~s.seeker & (s.nterm >= 4) & (rng.random(m) < kn["p_hogs_casual"])
        out.append(_rows(s, hg, dates, g["HOGS"], np.full(m, -1), fs_field[s.pid]))
    if g["MAGI"] >= 0:
        kinds = np.array(cat.kind)
        mg = complete & isp & (kinds[pr] == "master") & (cat.terms[pr] == 4)
        mg &= rng.random(m) < 0.10
        md = degree_dates(rng, s.t0 + 1, 0.0)
        out.append(_rows(s, mg, md, g["MAGI"], pr, dfield))
    return out
