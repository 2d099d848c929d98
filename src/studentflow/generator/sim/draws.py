"""Small vectorised helpers shared by the simulation steps: logistic link,
categorical draws and date arithmetic on numpy arrays."""

from __future__ import annotations

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def categorical(rng, probs, size):
    """size draws of an index into probs (weights, need not sum to 1); one uniform each."""
    cum = np.cumsum(np.asarray(probs, float))
    cum /= cum[-1]
    return np.minimum(np.searchsorted(cum, rng.random(size), side="right"), len(cum) - 1)


def to_date(year, month, day):
    m = ((np.asarray(year) - 1970) * 12 + np.asarray(month) - 1).astype("datetime64[M]")
    return m.astype("datetime64[D]") + (np.asarray(day) - 1).astype("timedelta64[D]")


def year_of(d):
    return d.astype("datetime64[Y]").astype(np.int64) + 1970


def frac_year_to_date(x):
    y = np.floor(x).astype(np.int64)
    doy = np.minimum(np.floor((x - y) * 365).astype(np.int64), 364)
    return (y - 1970).astype("datetime64[Y]").astype("datetime64[D]") + doy.astype("timedelta64[D]")


def frac_year(dates, valid):
    """Dates as fractional calendar years where valid, else 0.0 (NaT-safe)."""
    safe = np.where(valid, dates, np.datetime64("2000-01-01"))
    return np.where(valid, safe.astype(np.int64) / 365.25 + 1970, 0.0)
