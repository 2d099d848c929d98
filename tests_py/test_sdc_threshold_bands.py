"""A cell within the bands from its public threshold up (sdc/threshold_bands.py):
the engine protects against an attacker who knows etablerad <= the bands from
the window's lowest income threshold up, checked by the independent attacker of
test_sdc_engine with that relation as a bound of its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_sdc_quantile_bounds import alumni_spec as quantile_alumni_spec
from test_sdc_window_sums import attacked

from studentflow.sdc.run import suppress
from studentflow.sdc.structure import StructureError, build_structure

K = 5
THRESHOLDS = {
    "mart": "alm",
    "cell": {"variable": "etablering", "category_code": "etablerad"},
    "threshold": "etablering_threshold_sek",
    "bands": {
        "where": {"variable": "inkomstklass"},
        "column": "category_code",
        "lowest": {"a": None, "b": 100, "c": 200},
    },
}


def alumni_spec(thresholds: list[dict]) -> dict:
    return quantile_alumni_spec(thresholds, "threshold_bands")


# The window's lowest threshold is 150, in band b: the 13 etablerade are all in
# b + c. The bands: a 3 (primary), b 6, c 8 of 17; so a <= 17 - 13 = 4 to whoever
# reads etablerad and the band total beside a hidden a
AGGREGATE = pd.DataFrame(
    [
        ("g", "etablering", "etablerad", 13),
        ("g", "etablering", "annat", 6),
        ("g", "etablering", "Totalt", 19),
        ("g", "inkomstklass", "a", 3),
        ("g", "inkomstklass", "b", 6),
        ("g", "inkomstklass", "c", 8),
        ("g", "inkomstklass", "Totalt", 17),
    ],
    columns=["grp", "variable", "category_code", "n_persons"],
).assign(etablering_threshold_sek=150)


def _decided(thresholds: list[dict], aggregate: pd.DataFrame = AGGREGATE) -> pd.DataFrame:
    cells, _ = suppress(alumni_spec(thresholds), {"agg_alm": aggregate}, K)
    return cells


def _proven_small(cells: pd.DataFrame) -> list[str]:
    """The hidden cells in 1..K-1 an attacker proves below K knowing etablerad <= b + c."""

    def known(frame: pd.DataFrame) -> list:
        var = frame.set_index("cell_id")["var"]
        etablerad = int(var["category_code=etablerad|grp=g|variable=etablering"])
        b_and_c = [var[f"category_code={band}|grp=g|variable=inkomstklass"] for band in "bc"]
        return [{etablerad: 1.0, **{int(v): -1.0 for v in b_and_c}}]

    structure = build_structure(alumni_spec([]), {"alm": AGGREGATE})
    return [name.split(" ", 1)[1] for name in attacked(structure, cells, known)]


def test_the_bands_are_protected_against_the_threshold():
    """Unaware, the engine leaves a provably below 5 to whoever knows that the
    etablerade earn at least the threshold; with the relation it hides more."""
    assert _proven_small(_decided([])) == ["category_code=a|grp=g|variable=inkomstklass"]
    assert _proven_small(_decided([THRESHOLDS])) == []


def test_a_higher_threshold_takes_fewer_bands():
    """Threshold 250 is in band c: etablerad <= c, which the counts break (13 > 8):
    the build stops, as it does where a delivery breaks any declared relation."""
    higher = AGGREGATE.assign(etablering_threshold_sek=250)
    with pytest.raises(StructureError, match="1 cells .* count more persons than their bands"):
        _decided([THRESHOLDS], higher)


def test_a_cell_without_a_threshold_is_in_no_relation():
    """A window with no threshold in the seed for its follow-up years: nothing is
    known about its etablerade (the engine decides as if unaware)."""
    none = AGGREGATE.assign(etablering_threshold_sek=np.nan)
    unaware = _decided([])
    assert _decided([THRESHOLDS], none)["is_suppressed"].tolist() == (
        unaware["is_suppressed"].tolist()
    )


def test_a_declaration_is_checked():
    with pytest.raises(StructureError, match="`cell` must fix the columns the bands fix"):
        _decided([THRESHOLDS | {"cell": {"variable": "etablering"}}])
    with pytest.raises(StructureError, match="needs mart, cell, threshold and bands"):
        _decided([{key: value for key, value in THRESHOLDS.items() if key != "threshold"}])
