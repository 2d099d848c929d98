"""A year's persons within the window that holds it (sdc/window_sums.py): the
years and the window are different periods, decided apart, but an attacker
reads them together. Checked by an independent attacker (scipy) that knows
the relation the engine cannot declare: each year's count <= the sum over
institutions of the window's rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_sdc_engine import attack

from studentflow.sdc.run import suppress
from studentflow.sdc.structure import StructureError, build_structure

K = 5
SUMS = {
    "window": {"mart": "win"},
    "sum_over": ["institution_code"],
    "years": {"mart": "yr"},
    "year": "academic_year",
    "window_years": 6,
}


def _spec(sums: list[dict], year_dims: tuple = ()) -> dict:
    present = {"count": "n", "rows": "present_only", "additive": ["mun"]}
    year = {"cells": ["academic_year", "mun", *year_dims], "additive": ["mun", *year_dims]}
    return {
        "total_label": "Totalt",
        "populations": {
            "per_year": {"period": "academic_year"},
            "per_window": {"period": "window_start_year", "window_sums": sums},
        },
        "marts": {
            "yr": {"population": "per_year", "aggregate": "agg_yr", **present} | year,
            "win": {"population": "per_window", "aggregate": "agg_win", **present}
            | {"cells": ["window_start_year", "institution_code", "mun"]},
        },
    }


# Institution A's two rows add up to a published 43 once the engine hides a (1)
# with d (42); the year shows d's 40 registered persons (published): an attacker
# who knows d's are all in A's row (d has no other) gets a <= 43 - 40 = 3, and
# the year's a with it
WINDOW = pd.DataFrame(
    [(2013, "A", "a", 1), (2013, "A", "d", 42), (2013, "A", "Totalt", 43)]
    + [(2013, "B", "g", 6), (2013, "B", "Totalt", 6)],
    columns=["window_start_year", "institution_code", "mun", "n_persons"],
)
YEAR = pd.DataFrame(
    [(2013, "a", 1), (2013, "d", 40), (2013, "g", 6), (2013, "Totalt", 47)],
    columns=["academic_year", "mun", "n_persons"],
)


def _decided(sums: list[dict], year: pd.DataFrame = YEAR, window=WINDOW) -> pd.DataFrame:
    dims = tuple(c for c in year.columns if c not in ("academic_year", "mun", "n_persons"))
    cells, _ = suppress(_spec(sums, dims), {"agg_yr": year, "agg_win": window}, K)
    return cells


def _proven_small(cells: pd.DataFrame, year=YEAR, window=WINDOW) -> list[str]:
    """The hidden cells in 1..K-1 that an attacker knowing that every year's count
    is at most its window's sum over institutions proves below K (a year's count:
    its rows with every other dim at Totalt)."""
    dims = tuple(c for c in year.columns if c not in ("academic_year", "mun", "n_persons"))
    structure = build_structure(_spec([], dims), {"yr": year, "win": window})
    return attacked(structure, cells, _relation_2)


def _relation_2(frame: pd.DataFrame) -> list[dict]:
    """Each year's count (its rows with every other dim at Totalt) at most the sum
    of the window's rows of its place (one window here: every year is in it)."""
    mun = frame["cell_id"].str.extract(r"mun=([^|]+)")[0]
    other_dim_not_total = r"\|(?!mun)[a-z_]+=(?!Totalt)"
    counts = (frame["mart"] == "yr") & ~frame["cell_id"].str.contains(other_dim_not_total)
    return [
        {var: 1.0 for var in frame.loc[counts & (mun == place), "var"]}
        | {var: -1.0 for var in frame.loc[(frame["mart"] == "win") & (mun == place), "var"]}
        for place in mun[counts]
    ]


def attacked(structure, cells: pd.DataFrame, known) -> list[str]:
    """The engine's hidden cells (``cells``) in 1..K-1 that the independent attacker
    proves below K from ``structure`` and the relations ``known(frame)`` gives
    (frame: the structure's cells with their decisions), as "mart cell_id"."""
    frame = structure.cells.merge(cells[["mart", "cell_id", "is_suppressed"]])
    hidden = np.zeros(structure.n_vars, dtype=bool)
    hidden[frame.loc[frame["is_suppressed"], "var"].to_numpy()] = True
    _, small = attack(structure, hidden.tolist(), bounds=known(frame))
    names = frame.drop_duplicates("var").set_index("var")
    return [f"{names.at[var, 'mart']} {names.at[var, 'cell_id']}" for var in small]


def test_the_window_is_protected_against_its_years():
    """Unaware, the engine leaves A's row a (and the year's a) provably below 5 to
    whoever reads the year beside the window; with the window sums it hides more."""
    assert _proven_small(_decided([])) == [
        "yr academic_year=2013|mun=a",
        "win institution_code=A|mun=a|window_start_year=2013",
    ]
    assert _proven_small(_decided([SUMS])) == []


def test_a_year_above_its_window_stops_the_build():
    """Every person of a year is in the window: a year counting more than the
    window's sum is a delivery or model error, not something to protect."""
    above = YEAR.assign(n_persons=YEAR["n_persons"].where(YEAR["mun"] != "g", 7))
    above.loc[above["mun"] == "Totalt", "n_persons"] = 48
    with pytest.raises(StructureError, match="window sums of 'win' are below a count of 'yr'"):
        _decided([SUMS], above)


def test_a_year_counting_a_place_its_window_lacks_stops_the_build():
    """A year's persons from a place the window has nobody from: as above, an
    error of the delivery or the models (the audit would read the year as 0)."""
    elsewhere = pd.concat(
        [YEAR, pd.DataFrame([(2013, "z", 2)], columns=YEAR.columns)], ignore_index=True
    )
    elsewhere.loc[elsewhere["mun"] == "Totalt", "n_persons"] += 2
    with pytest.raises(StructureError, match="1 places counted by 'yr' in a window's years"):
        _decided([SUMS], elsewhere)


def test_a_window_sum_needs_its_whole_declaration():
    with pytest.raises(StructureError, match="window_sums needs window, sum_over"):
        _decided([{key: value for key, value in SUMS.items() if key != "window_years"}])


# Institution A publishes its 5 persons from a (a's only institution) and the
# year's 3 from a are 1 + 2 in two groups: to whoever knows a's year <= 5, each
# group is at most 5 - 1 = 4. The year alone leans on its total of a being free
# to rise: the window sum must be able to reach the year's count + k - 1
WINDOW_A = pd.DataFrame(
    [(2013, "A", "a", 5), (2013, "A", "b", 40), (2013, "A", "Totalt", 45)],
    columns=["window_start_year", "institution_code", "mun", "n_persons"],
)
YEAR_GROUPS = pd.DataFrame(
    [(2013, "a", "x", 1), (2013, "a", "y", 2), (2013, "a", "Totalt", 3)]
    + [(2013, "b", "x", 20), (2013, "b", "y", 18), (2013, "b", "Totalt", 38)]
    + [(2013, "Totalt", "x", 21), (2013, "Totalt", "y", 20), (2013, "Totalt", "Totalt", 41)],
    columns=["academic_year", "mun", "grp", "n_persons"],
)


def test_the_window_sum_leaves_the_years_room():
    unaware = _decided([], YEAR_GROUPS, WINDOW_A)
    assert _proven_small(unaware, YEAR_GROUPS, WINDOW_A)
    totals = SUMS | {"years": {"mart": "yr", "where": {"grp": "Totalt"}}}
    aware = _decided([totals], YEAR_GROUPS, WINDOW_A)
    assert _proven_small(aware, YEAR_GROUPS, WINDOW_A) == []


def test_a_delivery_without_a_complete_window_builds():
    """Before the first window is complete the window mart has no rows: nothing
    to add, no error (the first years of a delivery, a small test world)."""
    cells = _decided([SUMS], YEAR, WINDOW.iloc[:0])
    assert set(cells["mart"]) == {"yr"}


# Relation 1 (institution choice): a person's chosen institution of a year is one
# they are registered at in the window, with the same municipality. The years
# mart names the institution institution_choice_code and has an Övriga and a
# Totalt that name none. A's rows of the window: a (1) hidden with d (42) beside
# a published 43. Municipality d also studies at B, so the sum over institutions
# (relation 2) bounds nothing; but the year shows d's 40 who chose A, all in A's
# d row: A's a <= 43 - 40 = 3, and the year's a at A (and its Totalt, the same
# persons) with it
CHOICE = {
    "window": {"mart": "win"},
    "sum_over": [],
    "match": {"institution_code": "institution_choice_code"},
    "years": {"mart": "yr", "except": {"institution_choice_code": ["Övriga", "Totalt"]}},
    "year": "academic_year",
    "window_years": 6,
}
WINDOW_AB = pd.DataFrame(
    [(2013, "A", "a", 1), (2013, "A", "d", 42), (2013, "A", "Totalt", 43)]
    + [(2013, "B", "d", 30), (2013, "B", "g", 6), (2013, "B", "Totalt", 36)],
    columns=["window_start_year", "institution_code", "mun", "n_persons"],
)
YEAR_CHOICE = pd.DataFrame(
    [(2013, "a", "A", 1), (2013, "a", "Totalt", 1)]
    + [(2013, "d", "A", 40), (2013, "d", "B", 25), (2013, "d", "Övriga", 7)]
    + [(2013, "d", "Totalt", 72)]
    + [(2013, "g", "B", 6), (2013, "g", "Totalt", 6)],
    columns=["academic_year", "mun", "institution_choice_code", "n_persons"],
)


def _choice_spec(sums: list[dict]) -> dict:
    spec = _spec(sums)
    spec["marts"]["yr"] |= {
        "cells": ["academic_year", "mun", "institution_choice_code"],
        "additive": ["institution_choice_code"],
    }
    return spec


def _choice_proven_small(sums: list[dict], year=YEAR_CHOICE) -> list[str]:
    """The engine's hidden cells in 1..K-1 that an attacker knowing that each
    year's choice of an institution is at most that institution's window row
    proves below K."""
    frames = {"agg_yr": year, "agg_win": WINDOW_AB}
    cells, _ = suppress(_choice_spec(sums), frames, K)
    structure = build_structure(_choice_spec([]), {"yr": year, "win": WINDOW_AB})
    return attacked(structure, cells, _relation_1)


def _relation_1(frame: pd.DataFrame) -> list[dict]:
    """Each year's choice of an institution at most that institution's window row."""
    place = frame["cell_id"].str.extract(r"mun=([^|]+)")[0]
    institution = frame["cell_id"].str.extract(r"institution(?:_choice)?_code=([^|]+)")[0]
    keyed = frame.assign(place=place, institution=institution)
    window = keyed[keyed["mart"] == "win"].set_index(["institution", "place"])["var"]
    choices = keyed[keyed["mart"] == "yr"]
    keys = zip(choices["institution"], choices["place"], strict=True)
    return [
        {var: 1.0, window[key]: -1.0}
        for var, key in zip(choices["var"], keys, strict=True)
        if key in window.index
    ]


def test_a_years_institution_choice_is_within_its_institutions_window_row():
    """Unaware, the engine leaves A's a in the window and the year provably below 5
    to whoever reads the choice beside the window; matched on the institution,
    each named choice within its one window row, it hides more."""
    assert _choice_proven_small([]) == [
        "yr academic_year=2013|institution_choice_code=A|mun=a",
        "yr academic_year=2013|institution_choice_code=Totalt|mun=a",
        "win institution_code=A|mun=a|window_start_year=2013",
    ]
    assert _choice_proven_small([CHOICE]) == []


def test_a_choice_naming_no_institution_must_be_left_out():
    """Övriga (and Totalt) name no institution, so no window row holds them: kept
    in, the build stops at the place it cannot find."""
    kept_in = {**CHOICE, "years": {"mart": "yr", "except": {"institution_choice_code": ["Totalt"]}}}
    with pytest.raises(StructureError, match="places counted by 'yr'.*'Övriga'"):
        _choice_proven_small([kept_in])


def test_a_match_must_name_a_dim_the_sum_is_per():
    wrong = {**CHOICE, "match": {"programme_code": "institution_choice_code"}}
    with pytest.raises(StructureError, match=r"match names \['programme_code'\]"):
        _choice_proven_small([wrong])
