"""One variable per group of cells a relation says are equal (sdc/identities.py)."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sdc_linked_fixtures import linked_frames, linked_spec, thirteen_municipalities

from studentflow.sdc.identities import merge_identities
from studentflow.sdc.intervals import check_intervals
from studentflow.sdc.protect import _component
from studentflow.sdc.structure import build_structure
from studentflow.sdc.tasks import Tasks

K = 5


def test_equal_cells_become_one_variable_and_relations_follow():
    # cells 0 = 1 = 2 (a chain of two identities); 4 = 0 + 3 and 4 = 2 + 3 are
    # the same relation once 0 and 2 are one variable
    merged = merge_identities(
        values=[3, 3, 3, 7, 10],
        low=[1.0, 0.0, 1.0, 1.0, 1.0],
        keys=[5, 2, 9, 1, 0],
        totals=[1, 4, 2, 1, 1],
        eqs=[
            {0: 1.0, 1: -1.0},
            {1: 1.0, 2: -1.0},
            {4: 1.0, 0: -1.0, 3: -1.0},
            {4: 1.0, 2: -1.0, 3: -1.0},
        ],
        ineqs=[{0: 1.0, 1: 1.0, 3: -1.0}],
    )
    assert merged.groups == [[0, 1, 2], [3], [4]]
    assert merged.values == [3, 7, 10]
    assert merged.low == [1.0, 1.0, 1.0]  # the attacker knows the cells are equal
    assert merged.keys == [2, 1, 0]  # the group's first place in the preference order
    assert merged.totals == [4, 1, 1]
    assert merged.eqs == [{2: 1.0, 0: -1.0, 1: -1.0}]
    assert merged.ineqs == [{0: 2.0, 1: -1.0}]  # coefficients of one group add up
    assert merged.expand([0, 2]) == [0, 1, 2, 4]


def test_equal_cells_with_different_counts_are_an_error():
    with pytest.raises(
        ValueError, match=r"cells \[0, 1\] are equal by a relation but hold \[3, 4\]"
    ):
        merge_identities([3, 4], [1.0, 1.0], [0, 1], [1, 1], [{0: 1.0, 1: -1.0}], [])


def test_the_merged_solve_is_safe_on_the_original_relations():
    """Each component of the linked fixture (nine identities between marts)
    solved with merged cells, then attacked with its own relations: equal
    cells are suppressed together, no primary cell can be proven below k and
    no other suppressed cell can be proven exactly."""
    structure = build_structure(linked_spec(), linked_frames(thirteen_municipalities()))
    tasks = Tasks(structure, K, insiders=True)
    merged_cells = 0
    for component in tasks:
        task = tasks.task(component)
        stats = defaultdict(float)
        suppressed = set(_component(task, K, True, True, stats))
        merged_cells += stats["cells_merged"]
        values, eqs = task.values.tolist(), task.eqs.dicts()
        for relation in eqs:
            if len(relation) == 2 and sum(relation.values()) == 0:
                assert len(suppressed & set(relation)) in (0, 2), relation
        primary = {i for i, value in enumerate(values) if 0 < value < K}
        assert primary <= suppressed
        failures, determined = check_intervals(
            eqs,
            task.ineqs.dicts(),
            values,
            suppressed,
            primary,
            task.low.tolist(),
            K,
            max_single_lps=len(values),
        )
        assert failures == [] and determined == []
    assert merged_cells > 0
