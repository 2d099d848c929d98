"""Unit tests of the generator's small pure steps (sim/ and world/ helpers), on
hand-built inputs; the golden test (test_generator_golden.py) covers the whole."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from studentflow.generator.sim.degrees import degree_dates  # noqa: E402
from studentflow.generator.sim.draws import categorical, frac_year_to_date, year_of  # noqa: E402
from studentflow.generator.sim.education import monotone  # noqa: E402
from studentflow.generator.sim.jobs import Vocab  # noqa: E402
from studentflow.generator.world.choice import grouped_cdf, sample_grouped  # noqa: E402
from studentflow.generator.world.codelists import find_degree  # noqa: E402
from studentflow.generator.world.gravity import _calibrate  # noqa: E402
from studentflow.generator.world.programmes import _largest  # noqa: E402


def test_monotone_keeps_only_rising_levels_one_row_per_year():
    pid = np.array([0, 0, 0, 0, 1, 1])
    ar = np.array([2010, 2010, 2012, 2015, 2011, 2013])
    lv = np.array([3, 4, 4, 2, 0, 5])  # person 0: 4 in 2010, no rise in 2012, a fall in 2015
    got = monotone(pid, ar, lv, end_year=2014)
    assert [a.tolist() for a in got] == [[0, 1, 1], [2010, 2011, 2013], [4, -1, 5]]


def test_sample_grouped_draws_from_each_groups_own_distribution():
    table = grouped_cdf(np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 0.0]]))
    u = np.array([0.0, 0.99, 0.2, 0.7, 0.999999999999])
    got = sample_grouped(table, np.array([0, 0, 1, 1, 1]), u)
    assert got.tolist() == [1, 1, 0, 2, 2]
    assert table[2].tolist() == [True, True, False]  # which groups have any weight


def test_categorical_uses_one_uniform_per_draw_and_normalises():
    rng = np.random.default_rng(1)
    got = categorical(rng, [2, 0, 6], 10_000)
    assert set(np.unique(got)) == {0, 2}
    assert abs((got == 2).mean() - 0.75) < 0.02
    # one uniform per draw: the stream is where a second generator is after 10 000
    ref = np.random.default_rng(1)
    ref.random(10_000)
    assert rng.random() == ref.random()


def test_degree_dates_spring_june_or_edge_autumn_january_or_december():
    rng = np.random.default_rng(3)
    t_end = np.r_[np.full(2000, 2 * 2015), np.full(2000, 2 * 2015 + 1)]  # VT2015, HT2015
    d = degree_dates(rng, t_end, 0.0)
    months = d.astype("datetime64[M]").astype(int) % 12 + 1
    years = year_of(d)
    vt, ht = slice(0, 2000), slice(2000, None)
    assert (years[vt] >= 2015).all() and (years[vt] <= 2016).all()
    assert (months[vt] == 6).mean() > 0.5  # mostly June
    assert (d[vt] == np.datetime64("2015-06-30")).any() and (
        d[vt] == np.datetime64("2015-07-01")
    ).any()
    assert (months[ht] == 1).mean() > 0.4 and (years[ht][months[ht] == 1] == 2016).all()
    assert (d[ht] == np.datetime64("2015-12-31")).any()


def test_frac_year_to_date_day_of_year_of_365():
    # day of year = floor(fraction x 365) from 1 January: 182 days after 1 January is
    # 1 July in the leap year 2020, 2 July in 2021; a leap year's 31 December is never hit
    got = frac_year_to_date(np.array([2020.0, 2020.5, 2021.5, 2020.9999]))
    assert got.tolist() == [
        np.datetime64("2020-01-01").item(),
        np.datetime64("2020-07-01").item(),
        np.datetime64("2021-07-02").item(),
        np.datetime64("2020-12-30").item(),
    ]


def test_vocab_codes_in_order_first_drawn():
    v = Vocab()
    assert v.ids("sni", ["B", "A"]) == [0, 1]
    assert v.ids("sni", ["A", "C"]) == [1, 2]
    assert v.codes["sni"] == ["B", "A", "C"] and v.codes["ssyk"] == []


def test_find_degree_by_name_prefix():
    names = ["civilingenjörsexamen", "kandidatexamen", "kandidatexamen i konst"]
    assert find_degree(names, "kandidatexamen") == 1
    assert find_degree(names, "masterexamen") == -1


def test_largest_keeps_cap_programmes_in_template_order():
    cand = [(k, f"P{i}", 0, 0, 0, 0, 0, 0, 0, 0, w) for i, (k, w) in enumerate(
        [("kand", 1.0), ("master", 5.0), ("yrkes", 9.0), ("kand", 3.0), ("master", 2.0)]
    )]  # fmt: skip
    got = [c[1] for c in _largest(cand, cap=5)]  # 1 first-cycle + up to 4 masters
    assert got == ["P1", "P2", "P4"]


def test_gravity_calibration_meets_target_shares():
    attract = np.array([[1.0, 0.2, 0.1], [0.3, 1.0, 0.2]])
    mass = np.array([3.0, 1.0])
    target = np.array([0.2, 0.5, 0.3])
    m = _calibrate(attract, mass, target, gamma=0.0)
    A = attract * m[None, :]
    P = A / A.sum(1, keepdims=True)
    got = (mass[:, None] * P).sum(0) / mass.sum()
    assert np.allclose(got, target, atol=1e-6)
