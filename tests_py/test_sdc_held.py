"""Last release's decisions held where a count did not change (src/studentflow/sdc/held.py).

An attacker keeps every release. Release A is one year of the linked
per-municipality marts (sdc_linked_fixtures); release B is the same year
after the delivery added the persons of one more municipality of county 01:
the component gains cells, the county's and the nation's totals change and
everything else keeps its count, so the engine solves the whole component
again. Decided afresh, cells that A published are suppressed in B beside
published neighbours, and A's figures and B's together determine protected
cells; held, the two releases together show nothing B does not show alone.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sdc_linked_fixtures import linked_frames, linked_spec
from test_sdc_engine import K, _one_relation, attack
from test_sdc_protection import _small_municipalities

from studentflow.sdc import held
from studentflow.sdc.protect import protect
from studentflow.sdc.structure import build_structure

SEED = 9  # a fixture whose fresh solve of release B flips cells A published


def _newcomers(seed: int) -> pd.DataFrame:
    """The persons of a municipality (0105) that release A did not have."""
    rng = np.random.default_rng(seed + 1000)
    rows = []
    for sex in ("1", "2"):
        for background in ("1", "2", "3"):
            rows += [("01", "0105", sex, background)] * int(rng.choice([0, 1, 2, 6]))
    persons = pd.DataFrame(rows, columns=["county", "municipality", "sex", "foreign_background"])
    persons["born_abroad"] = np.where(persons["foreign_background"] == "1", "Ja", "Nej")
    persons["year"] = "2020"
    return persons


def _lookup(last: pd.DataFrame) -> held.Lookup:
    """The last release's cells (held.COLUMNS) as the model reads them: from a table."""
    con = duckdb.connect()
    con.register("last_release", last)
    return held.lookup_in(con, "last_release")


def _release(persons: pd.DataFrame, last: pd.DataFrame | None = None):
    """(structure, result, cells with their states and counts); ``last``: the
    previous release's cells, as int_sdc_cells_suppressed stores them."""
    structure = build_structure(linked_spec(), linked_frames(persons))
    result = protect(structure, K, held=None if last is None else _lookup(last))
    return structure, result, result.cells(structure.cells)


@pytest.fixture(scope="module")
def releases():
    persons = _small_municipalities(SEED)
    release_a = _release(persons)
    grown = pd.concat([persons, _newcomers(SEED)], ignore_index=True)
    return release_a, _release(grown), _release(grown, last=release_a[2])


def _unchanged(cells_b: pd.DataFrame, cells_a: pd.DataFrame) -> pd.DataFrame:
    both = cells_b.merge(cells_a, on=["mart", "cell_id"], suffixes=("", "_a"))
    return both[both["n_exact"] == both["n_exact_a"]]


def _attack_both(structure, cells_b: pd.DataFrame, cells_a: pd.DataFrame):
    """B's relations, with every cell either release published (at the same
    count) known: (cells recovered exactly, small cells proven small)."""
    unchanged = _unchanged(cells_b, cells_a)
    published = cells_b.loc[~cells_b["is_suppressed"], ["mart", "cell_id"]]
    published_a = unchanged.loc[~unchanged["is_suppressed_a"], ["mart", "cell_id"]]
    shown = set(map(tuple, pd.concat([published, published_a]).to_numpy()))
    cells = structure.cells
    var = dict(zip(zip(cells["mart"], cells["cell_id"], strict=True), cells["var"], strict=True))
    suppressed = [True] * structure.n_vars
    for cell in shown:
        suppressed[var[cell]] = False
    return attack(structure, suppressed)


def test_decided_afresh_the_two_releases_together_disclose(releases):
    """The fixture has the leak: without held decisions, cells A published with
    the count B has are suppressed in B, and the two releases determine cells."""
    (_, _, cells_a), (structure, _, fresh), _ = releases
    unchanged = _unchanged(fresh, cells_a)
    assert (unchanged["is_suppressed"] & ~unchanged["is_suppressed_a"]).any()
    recovered, small = _attack_both(structure, fresh, cells_a)
    assert recovered or small


def test_held_the_two_releases_together_show_nothing_more(releases):
    (_, _, cells_a), _, (structure, result, cells_b) = releases
    unchanged = _unchanged(cells_b, cells_a)
    # every cell A published with the same count is published in B
    assert not (unchanged["is_suppressed"] & ~unchanged["is_suppressed_a"]).any()
    # a cell A suppressed is published in B only where B alone determines it
    shown = unchanged[unchanged["is_suppressed_a"] & ~unchanged["is_suppressed"]]
    assert len(shown) <= result.stats["published_as_determined"]
    assert _attack_both(structure, cells_b, cells_a) == ([], [])
    assert attack(structure, result.is_suppressed) == ([], [])
    assert result.stats["held_published"] > 0 and result.stats["held_suppressed"] > 0


# a fixture where B, solved with A's cells held, determined cells A suppressed
# with the count B has: shown in B, they unlocked cells A protected with them
EXPOSING_SEED = 2


def test_the_last_release_with_this_one_shows_nothing_more():
    """The other direction: A attacked with every cell B published at A's count
    known. A held suppressed cell that B would determine gets a protection LP
    that moves it off its count (protect.py, HELD_EXPOSED); before, B showed
    it, and A with B's cells determined 10 protected cells and proved 6 small."""
    persons = _small_municipalities(EXPOSING_SEED)
    structure_a, _, cells_a = _release(persons)
    grown = pd.concat([persons, _newcomers(EXPOSING_SEED)], ignore_index=True)
    structure_b, result_b, cells_b = _release(grown, last=cells_a)
    assert _attack_both(structure_a, cells_a, cells_b) == ([], [])
    assert result_b.stats["held_exposed"] > 0
    assert attack(structure_b, result_b.is_suppressed) == ([], [])


def test_a_cell_whose_count_changed_is_decided_afresh():
    values = np.array([2, 30, 31, 63])
    cells = pd.DataFrame(
        {"var": [0, 1, 2, 3, 3], "mart": ["m", "m", "m", "m", "other"], "cell_id": list("abcdd")}
    )
    last = pd.DataFrame(
        {
            "mart": ["m", "m", "m", "m", "other"],
            "cell_id": list("abcdd"),
            "is_suppressed": [True, False, True, False, True],
            "n_exact": [2, 29, 31, 63, 63],
        }
    )
    states = held.held_states(cells, values, _lookup(last))
    # b's count changed; d was published in one mart and suppressed in another:
    # published wins (the attacker knows it)
    assert states.tolist() == [held.SUPPRESSED, held.NONE, held.SUPPRESSED, held.PUBLISHED]


def test_held_cells_that_leave_no_protection_are_released_as_few_as_possible():
    """k raised between releases: a = 3 was published at k = 3 and is primary at
    k = 5, and the total and every other part were published with these counts
    too. Nothing protects a without moving a held cell: the two releases show it
    whatever this one does, but this release must still be safe on its own, so
    the fewest held cells are released (suppressed) and counted."""
    structure = _one_relation({"a": 3, "b": 30, "c": 31})
    last = structure.cells.assign(
        is_suppressed=False, n_exact=[structure.values[v] for v in structure.cells["var"]]
    )
    result = protect(structure, K, held=_lookup(last[list(held.COLUMNS)]))
    assert sum(result.is_suppressed) == 2
    assert result.stats["held_released"] == 1
    assert attack(structure, result.is_suppressed) == ([], [])
