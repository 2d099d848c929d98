"""Where entrants study: a gravity model from home county to institution,
calibrated by iterative proportional fitting to the scale's institution shares."""

from __future__ import annotations

import math

import numpy as np

from .. import config as C
from .model import World

IPF_ITERATIONS = 80


def haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def gravity(w: World, prof: list[dict], shares: dict | None, restricted: bool) -> None:
    """Fill w.inst_share, w.gravity_cdf (county x institution), w.lan_access and
    w.lan_fraction_factor. shares: the scale's target shares (None: the profiles')."""
    n_l = len(w.lan_codes)
    mass = np.bincount(
        w.kommun_lan,
        weights=w.kommun_pop * np.exp(w.knobs["transition_beta"] * w.edu_index),
        minlength=n_l,
    )
    attract = _attraction(w, prof)
    shares = shares or {c: p["share"] for c, p in zip(w.inst_codes, prof, strict=True)}
    target = np.array([shares.get(c, 0.3) for c in w.inst_codes], float)
    target /= target.sum()
    w.inst_share = target
    # For a scale restricted to a few institutions the synthetic students are "the
    # students of those institutions": home counties are weighted by their access
    # to them (gamma = 1).  With all institutions gamma = 0 (national home draw).
    gamma = 1.0 if restricted else 0.0
    m = _calibrate(attract, mass, target, gamma)
    A = attract * m[None, :]
    access = A.sum(1) / A.sum(1).mean()
    P = A / A.sum(1, keepdims=True)
    w.gravity_cdf = np.cumsum(P, axis=1)
    w.lan_access = access**gamma
    eff = mass * w.lan_access
    # county-specific sampling-fraction multiplier for befolkning_kommun
    w.lan_fraction_factor = (eff / eff.sum()) / (mass / mass.sum())


def _attraction(w: World, prof: list[dict]) -> np.ndarray:
    """(county, institution): distance decay, home-county bonus and general pull."""
    n_l, J = len(w.lan_codes), len(w.inst_codes)
    d = np.array(
        [
            [
                haversine(
                    C.COUNTY_CENTROIDS[w.lan_codes[li]],
                    C.COUNTY_CENTROIDS[w.lan_codes[w.inst_lan[j]]],
                )
                for j in range(J)
            ]
            for li in range(n_l)
        ]
    )
    same = np.arange(n_l)[:, None] == w.inst_lan[None, :]
    pull = np.array([p["pull"] for p in prof])
    return (
        np.exp(-d / C.GRAVITY_LAMBDA_KM) * (1 + C.GRAVITY_HOME_COUNTY_BONUS * same)
        + 0.15 * pull[None, :]
    )


def _calibrate(attract, mass, target, gamma) -> np.ndarray:
    """Institution masses m so that the entrants' shares meet target (IPF)."""
    m = target.copy()
    for _ in range(IPF_ITERATIONS):
        A = attract * m[None, :]
        access = A.sum(1) / A.sum(1).mean()
        P = A / A.sum(1, keepdims=True)
        eff = mass * access**gamma
        got = (eff[:, None] * P).sum(0) / eff.sum()
        m *= target / got
    return m
