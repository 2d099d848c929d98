"""The yearly residence panel of one cohort: one row per entrant and year while
registered in Sweden, with the municipality of that year (folkbokföring)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..rng import stream
from ..world import World
from .draws import year_of


def residence_panel(w: World, c: int, end_year: int, d, st, ph, mg) -> SimpleNamespace:
    """rp/yr (person, year) rows; study1/study2/in_phd flags; kom (municipality
    index), phd_s (first phd year per row) and folk (the extract rows, with the
    unknown municipality nk = '9999' as noise)."""
    kn, n = w.knobs, d.n
    ymin = kn["first_register_year"]
    first_res = np.maximum.reduce([np.full(n, ymin), d.birth + 16, d.imm])
    cnt = np.maximum(end_year - first_res + 1, 0)
    rp = np.repeat(np.arange(n), cnt)
    yr = first_res[rp] + (np.arange(len(rp)) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    resident = ~(((yr >= mg.E1[rp]) & (yr < mg.R1[rp])) | (yr >= mg.E2[rp]))
    rp, yr = rp[resident], yr[resident]
    pn = SimpleNamespace(rp=rp, yr=yr)
    _phases(c, st, ph, pn)
    phd_seat = w.inst_seat[ph.phd_inst]
    pn.kom = np.select(
        [yr < c, pn.study2, pn.study1 | pn.gap_y, pn.in_phd],
        [d.home[rp], mg.res2[rp], mg.res1[rp], phd_seat[rp]],
        mg.post[rp],
    )
    kom_out = _with_unknown(w, c, end_year, pn.kom, rp, yr, n)
    pn.folk = {"pid": rp, "year": yr, "kommun": kom_out}
    return pn


def _phases(c: int, st, ph, pn) -> None:
    """Per row: studying in spell 1 or 2, in a short gap between them, or a phd student."""
    rp, yr = pn.rp, pn.yr
    y_end1 = st.s1["t_end"][rp] // 2
    y_s2 = np.where(st.has2, st.t2, 10**6)[rp] // 2
    y_e2 = st.t_end2[rp] // 2
    pn.study1 = (yr >= c) & (yr <= y_end1)
    pn.study2 = st.has2[rp] & (yr >= y_s2) & (yr <= y_e2)
    pn.gap_y = st.has2[rp] & (yr > y_end1) & (yr < y_s2) & (yr - y_end1 <= 2)
    pn.phd_s = year_of(ph.start)[rp]
    phd_e = year_of(ph.phd_end)[rp]
    pn.in_phd = ph.phd[rp] & (yr >= pn.phd_s) & (yr <= phd_e) & ~pn.study1 & ~pn.study2


def _with_unknown(w: World, c: int, end_year: int, kom, rp, yr, n):
    """Municipality index, or len(kommun_codes) ('9999') for a small share of rows;
    one stream per calendar year keeps the draws independent of --end-year."""
    ymin = w.knobs["first_register_year"]
    ny = end_year - ymin + 1
    noise = (
        np.stack(
            [
                stream(w.seed, c, "residence_noise", y).random(n, dtype=np.float32)
                for y in range(ymin, end_year + 1)
            ]
        )
        if ny > 0
        else np.zeros((0, n))
    )
    nk = len(w.kommun_codes)
    return np.where(noise[yr - ymin, rp] < w.knobs["p_kommun_9999"], nk, kom)
