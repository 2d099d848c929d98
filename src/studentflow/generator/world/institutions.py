"""The scale's institutions (lärosäten): codes, seats, profiles and flags."""

from __future__ import annotations

import numpy as np

from .. import config as C
from .model import World
from .seeds import read_seed


def institutions(w: World, seeds_dir, kom: list[dict], wanted) -> list[dict]:
    """Fill the institution fields of w (wanted: the scale's codes, None = all
    with a seat among the municipalities); return their profiles (config)."""
    kix = {c: i for i, c in enumerate(w.kommun_codes)}
    lar = read_seed(seeds_dir, "larosaten")
    lar.sort(key=lambda r: r["larosate_code"])
    w.all_seat = np.isin(
        np.array([r["kommun_code"] for r in kom]), [r["seat_kommun_code"] for r in lar]
    )
    lar = [
        r
        for r in lar
        if (wanted is None or r["larosate_code"] in wanted) and r["seat_kommun_code"] in kix
    ]
    w.inst_codes = [r["larosate_code"] for r in lar]
    prof = [C.INSTITUTIONS.get(c, C.DEFAULT_INSTITUTION) for c in w.inst_codes]
    w.inst_seat = np.array([kix[r["seat_kommun_code"]] for r in lar])
    w.inst_lan = w.kommun_lan[w.inst_seat]
    w.inst_flags = [set(p["flags"]) for p in prof]
    w.inst_research = np.array([c in C.RESEARCH_INSTITUTIONS for c in w.inst_codes])
    w.is_seat = np.zeros(len(kom), bool)
    w.is_seat[w.inst_seat] = True
    return prof
