"""How many entrants a cohort has, and which fraction of the nation a scale is."""

from __future__ import annotations

from .. import config as C
from ..world import World


def cohort_size(w: World, c: int) -> int:
    sc = C.SCALES[w.scale]
    first = sc["first_cohort"]
    norm = sum(C.cohort_trend(y) for y in range(first, C.NOMINAL_LAST_COHORT + 1))
    return int(round(sc["students"] * C.cohort_trend(c) / norm))


def sampling_fraction(w: World) -> float:
    sc = C.SCALES[w.scale]
    n_years = C.NOMINAL_LAST_COHORT - sc["first_cohort"] + 1
    return sc["students"] / n_years / C.NATIONAL_ENTRANTS_PER_YEAR
