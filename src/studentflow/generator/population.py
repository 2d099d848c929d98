"""befolkning_kommun: public population statistics (aggregate), scaled by the
scale's sampling fraction so that transition rates are realistic at every scale."""

from __future__ import annotations

import numpy as np

from . import config as C
from .history import as_of_year
from .rng import stream
from .world import World

AGES = np.arange(16, 35)


def national_population(years: np.ndarray, ages: np.ndarray):
    """(years x ages) national residents and foreign-born share (public-knowledge model)."""
    by = np.array(sorted(C.BIRTHS))
    bv = np.array([C.BIRTHS[y] for y in by], float)
    birth_year = years[:, None] - ages[None, :]
    births = np.interp(birth_year, by, bv)
    base = np.interp(years, [1990, 2000, 2010, 2016, 2024], [0.06, 0.08, 0.11, 0.16, 0.18])
    agefac = np.interp(ages, [16, 20, 25, 30, 34], [0.75, 0.90, 1.25, 1.50, 1.55])
    fb = np.clip(base[:, None] * agefac[None, :], 0, 0.6)
    return births * 0.99 / (1 - fb), fb


def befolkning(w: World, first_year: int, end_year: int, fraction: float) -> dict:
    years = np.arange(first_year, end_year + 1)
    nat, fb = national_population(years, AGES)
    bump = 1 + 0.6 * np.exp(-(((AGES - 22.5) / 3.0) ** 2))[None, :] * w.all_seat[:, None]
    share = w.kommun_pop[:, None] * bump
    share = share / share.sum(0, keepdims=True)  # (kommun, age)
    fshare = np.clip(
        w.foreign_index[:, None, None] * fb[None, :, :], 0, 0.85
    )  # (kommun, year, age)
    men = 0.512
    out = {k: [] for k in ("Ar", "Kommun", "Kon", "Alder", "UtrikesFodd", "Antal")}
    for iy, y in enumerate(years):
        tot = share * nat[iy][None, :]  # (kommun, age)
        tot = tot * w.lan_fraction_factor[w.kommun_lan][:, None]
        exp_ = (
            np.stack(
                [
                    tot * men * (1 - fshare[:, iy]),
                    tot * men * fshare[:, iy],
                    tot * (1 - men) * (1 - fshare[:, iy]),
                    tot * (1 - men) * fshare[:, iy],
                ],
                0,
            )
            * fraction
        )
        u = stream(w.seed, 0, "population", int(y)).random(exp_.shape)
        cnt = np.floor(exp_ + u).astype(np.int64)  # unbiased stochastic rounding
        # a municipality split off later was part of its parent that year
        for current, emitted, last in w.kommun_history:
            if emitted < len(w.kommun_codes) and y <= last:
                cnt[:, emitted] += cnt[:, current]
                cnt[:, current] = 0
        s_, k_, a_ = np.nonzero(cnt)
        out["Ar"].append(np.full(len(s_), y))
        out["Kommun"].append(k_)
        out["Kon"].append(np.where(s_ < 2, 1, 2))
        out["Alder"].append(AGES[a_])
        out["UtrikesFodd"].append((s_ % 2 == 1).astype(np.int64))
        out["Antal"].append(cnt[s_, k_, a_])
    cols = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in out.items()}
    return {
        "Ar": cols["Ar"],
        "Kommun": (
            "vocab",
            w.kommun_vocab,
            as_of_year(cols["Kommun"], cols["Ar"], w.kommun_history),
        ),
        "Kon": cols["Kon"],
        "Alder": cols["Alder"],
        "UtrikesFodd": ("vocab", ["N", "J"], cols["UtrikesFodd"]),
        "Antal": cols["Antal"],
    }
