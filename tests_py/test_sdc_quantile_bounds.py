"""What published quartiles say about band counts (sdc/quantile_bounds.py): the
floors are order statistics of ``quantile_cont``, checked against samples; the
engine protects against an attacker who knows them, checked by the independent
attacker of test_sdc_engine with the floors as bounds of its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_sdc_window_sums import attacked

from studentflow.sdc.quantile_bounds import QUANTILES, floors, runs
from studentflow.sdc.run import suppress
from studentflow.sdc.structure import StructureError, build_structure

K = 5
LOWEST = {"a": None, "b": 100, "c": 200}
BOUNDS = {
    "mart": "alm",
    "measure": "income_sek",
    "of": {"variable": "inkomst", "category_code": "förvärvsarbetande"},
    "bands": {"where": {"variable": "inkomstklass"}, "column": "category_code", "lowest": LOWEST},
}


def _counts_in(values: np.ndarray, lowest: list, first: int, stop: int) -> int:
    edges = np.array([-np.inf if v is None else v for v in lowest] + [np.inf], dtype=float)
    return int(((values >= edges[first]) & (values < edges[stop])).sum())


def test_every_floor_holds_on_the_values_it_comes_from():
    """Random whole-kronor samples: each run's floor is at most the values in its
    bands, and the floors are reached (some run is counted exactly), so they
    are the most the quartiles say, not a weaker bound."""
    rng = np.random.default_rng(7)
    lowest = [None, 1, 100_000, 200_000, 300_000, 400_000, 500_000]
    reached = 0
    for _ in range(300):
        n = int(rng.integers(1, 60))
        values = np.round(rng.lognormal(12.5, 0.6, n) * rng.integers(0, 2, n)).astype(float)
        quantiles = np.quantile(values, list(QUANTILES.values()), method="linear")[None, :]
        found = runs(np.array([n]), quantiles, lowest)
        for first, stop, floor in found[["first", "stop", "floor"]].itertuples(index=False):
            counted = _counts_in(values, lowest, first, stop)
            assert counted >= floor, (values, first, stop, floor)
            reached += counted == floor
    assert reached > 100


def test_a_median_above_an_edge_puts_half_above_it():
    """The case of docs/disclosure-control.md section 10: 45 employed, a median of
    403 900 puts at least 23 in the bands from 400 000 up."""
    lowest = [None, 1, 100_000, 200_000, 300_000, 400_000, 500_000]
    found = runs(np.array([45]), np.array([[300_000.0, 403_900.0, 450_000.0]]), lowest)
    top = found[(found["first"] == 5) & (found["stop"] == 7)]
    assert top["floor"].tolist() == [23]


def alumni_spec(entries: list[dict], kind: str = "quantile_bounds") -> dict:
    """One alumni-like mart (a group, variables and their categories) whose
    population declares ``entries`` of ``kind``."""
    return {
        "total_label": "Totalt",
        "populations": {"alumni": {kind: entries}},
        "marts": {
            "alm": {
                "population": "alumni",
                "aggregate": "agg_alm",
                "count": "n",
                "cells": ["grp", "variable", "category_code"],
                "additive": ["category_code"],
                "rows": "present_only",
            }
        },
    }


# 17 employed, everyone counted by band: a 3 (primary), b 6, c 8. The first
# quartile is the fifth value, one of b's (150): at least 17 - 4 = 13 are in
# b + c, so a <= 17 - 13 = 4 to whoever reads the band total beside it
AGGREGATE = pd.DataFrame(
    [
        ("g", "inkomst", "förvärvsarbetande", 17, 17, 150.0, 190.0, 250.0),
        ("g", "inkomstklass", "a", 3, 0, None, None, None),
        ("g", "inkomstklass", "b", 6, 0, None, None, None),
        ("g", "inkomstklass", "c", 8, 0, None, None, None),
        ("g", "inkomstklass", "Totalt", 17, 0, None, None, None),
    ],
    columns=["grp", "variable", "category_code", "n_persons", "income_sek_n"]
    + [f"income_sek_{q}" for q in QUANTILES],
)


def _decided(bounds: list[dict], aggregate: pd.DataFrame = AGGREGATE) -> pd.DataFrame:
    cells, _ = suppress(alumni_spec(bounds), {"agg_alm": aggregate}, K, k_magnitude=10)
    return cells


def _proven_small(cells: pd.DataFrame) -> list[str]:
    """The hidden cells in 1..K-1 an attacker proves below K knowing b + c >= 13."""

    def known(frame: pd.DataFrame) -> list:
        band = frame["cell_id"].str.extract(r"category_code=([^|]+)")[0]
        b_and_c = frame.loc[band.isin(["b", "c"]) & frame["cell_id"].str.contains("inkomstklass")]
        return [({int(var): -1.0 for var in b_and_c["var"]}, -13.0)]

    structure = build_structure(alumni_spec([]), {"alm": AGGREGATE})
    return [name.split(" ", 1)[1] for name in attacked(structure, cells, known)]


def test_the_bands_are_protected_against_the_quartiles():
    """Unaware, the engine leaves a provably below 5 to whoever reads the first
    quartile beside the bands; with the bounds it hides more."""
    assert _proven_small(_decided([])) == ["category_code=a|grp=g|variable=inkomstklass"]
    assert _proven_small(_decided([BOUNDS])) == []


def test_a_row_under_k_magnitude_gives_no_bound():
    """Quartiles of fewer than var sdc_k_magnitude persons are never published, so
    they bound nothing (the engine decides as if unaware)."""
    few = AGGREGATE.assign(income_sek_n=AGGREGATE["income_sek_n"].where(AGGREGATE.index > 0, 9))
    unaware = _decided([])
    assert _decided([BOUNDS], few)["is_suppressed"].tolist() == unaware["is_suppressed"].tolist()


def test_bands_counting_fewer_than_the_quartiles_stop_the_build():
    """Every person the quartiles are over has the measure and so a band: fewer
    in a run than its floor is a delivery or model error (an employed graduate
    without an income), not something to protect."""
    short = AGGREGATE.copy()
    short.loc[short["category_code"] == "c", "n_persons"] = 2
    short.loc[short["category_code"] == "Totalt", "n_persons"] = 11
    with pytest.raises(StructureError, match="runs of bands of 'alm' count fewer persons"):
        _decided([BOUNDS], short)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"bands": {"where": {}, "column": "category_code"}}, "bands need where, column, lowest"),
        ({"of": {"variable": "inkomst"}}, "must fix the columns the bands fix"),
        ({"bands": BOUNDS["bands"] | {"lowest": {"a": None, "b": 200, "c": 100}}}, "must rise"),
        ({"bands": BOUNDS["bands"] | {"lowest": {"a": 0, "b": 100}}}, "must rise"),
    ],
)
def test_a_declaration_is_checked(broken, message):
    with pytest.raises(StructureError, match=message):
        _decided([BOUNDS | broken])


def test_a_declaration_needs_its_measure():
    with pytest.raises(StructureError, match="needs mart, measure, of and bands"):
        _decided([{key: value for key, value in BOUNDS.items() if key != "measure"}])


def test_the_floors_do_not_depend_on_the_aggregates_row_order():
    """DuckDB gives an aggregate's rows in no fixed order; the runs' order is the
    hidden sums' order of preference, so an update and a full refresh of the same
    counts must see the same runs in the same order."""
    two = pd.concat([AGGREGATE, AGGREGATE.assign(grp="h")], ignore_index=True)
    rows = two[two["variable"] == "inkomst"]
    keys = ["grp"]
    first = floors(BOUNDS, keys, rows, "income_sek_n")
    again = floors(BOUNDS, keys, rows.iloc[::-1], "income_sek_n")
    assert first.equals(again)
    assert first["grp"].tolist() == sorted(first["grp"])
