"""Linked groups (src/studentflow/sdc/groups.py): the engine builds one group of
linked marts at a time while the workers solve the groups before it. That is
only sound if no relation crosses two groups, so solving group by group must
give every cell, decision and fingerprint that one structure of all marts gives.

Shape: the linked per-municipality marts of sdc_linked_fixtures (population
``registered``) beside two more populations over other persons, ``second`` and
``third``, which a declared relation of ``second`` joins into one group.
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from sdc_linked_fixtures import TOTAL, linked_frames, linked_spec
from test_sdc_engine import K
from test_sdc_protection import _small_municipalities

from studentflow.sdc.groups import linked_groups
from studentflow.sdc.protect import protect
from studentflow.sdc.run import COLUMNS, suppress
from studentflow.sdc.structure import StructureError, build_structure


def _spec() -> dict:
    spec = linked_spec()
    transition, foreign = spec["marts"]["transition"], spec["marts"]["foreign"]
    spec["marts"]["foreign_second"] = {
        **foreign,
        "population": "second",
        "aggregate": "agg_foreign_second",
    }
    spec["marts"]["transition_third"] = {
        **transition,
        "population": "third",
        "aggregate": "agg_transition_third",
    }
    # the same persons counted twice: the totals of the two marts are equal
    spec["populations"]["second"] = {
        "relations": [
            {
                "total": {"mart": "foreign_second", "where": {"foreign_background": TOTAL}},
                "parts": [{"mart": "transition_third", "where": {"born_abroad": TOTAL}}],
            }
        ]
    }
    spec["populations"]["third"] = {}
    return spec


def _aggregates() -> dict[str, pd.DataFrame]:
    first = linked_frames(_small_municipalities(5))
    other = linked_frames(_small_municipalities(11))
    return {
        "agg_transition": first["transition"],
        "agg_foreign": first["foreign"],
        "agg_foreign_second": other["foreign"],
        "agg_transition_third": other["transition"],
    }


def _in_one_structure(spec: dict, aggregates: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = {name: aggregates[mart["aggregate"]] for name, mart in spec["marts"].items()}
    structure = build_structure(spec, frames)
    return protect(structure, K).cells(structure.cells)


def _sorted(cells: pd.DataFrame) -> pd.DataFrame:
    # the decisions; a slice's fingerprint is the engine's, not the structure's
    columns = [column for column in COLUMNS if column not in ("component_reused", "slice_hash")]
    return cells[columns].sort_values(["mart", "cell_id"]).reset_index(drop=True)


def test_a_relation_joins_its_populations_into_one_group():
    groups = [list(group["marts"]) for group in linked_groups(_spec())]
    assert groups == [["transition", "foreign"], ["foreign_second", "transition_third"]]
    second = linked_groups(_spec())[1]
    assert set(second["populations"]) == {"second", "third"}


@pytest.mark.parametrize("workers", [1, 2])
def test_group_by_group_equals_one_structure_of_all_marts(workers):
    spec, aggregates = _spec(), _aggregates()
    cells, stats = suppress(spec, aggregates, K, workers=workers)
    whole = _in_one_structure(spec, aggregates)
    assert stats["suppressed"] > stats["primary"] > 0
    # the same cells in the same order (marts as declared), the same decisions
    # and the same fingerprints, so a table built before is reused as it was
    assert list(cells["mart"].unique()) == list(spec["marts"])
    pd.testing.assert_frame_equal(_sorted(cells), _sorted(whole))


def test_a_relation_naming_an_unknown_mart_stops_the_grouping():
    spec = copy.deepcopy(_spec())
    spec["populations"]["second"]["relations"][0]["parts"][0]["mart"] = "transition_thrid"
    with pytest.raises(StructureError, match="unknown mart 'transition_thrid'"):
        linked_groups(spec)


def test_no_declared_mart_gives_the_empty_table_of_cells():
    cells, stats = suppress({**_spec(), "marts": {}, "populations": {}}, {}, K)
    assert list(cells.columns) == COLUMNS and cells.empty
    assert stats["largest_component"] == 0
