"""The structure cut into one task per component (src/studentflow/sdc/tasks.py):
each task is exactly its component's cells and relations in local indices, as
a plain reading of the structure gives them (one dict per relation, a union-find
over the variables), and its fingerprint ignores where the component sits among
all components.

Shapes: the linked per-municipality marts of issue 13 over several years (each
year one component) and random relations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sdc_linked_fixtures import linked_frames, linked_spec, thirteen_municipalities

from studentflow.sdc.reuse import fingerprint
from studentflow.sdc.structure import Structure, build_structure
from studentflow.sdc.tasks import Tasks, _sort_ties_by_id, components

K = 5


def _years(*years: str) -> pd.DataFrame:
    frames = []
    for year in years:
        persons = thirteen_municipalities(seed=int(year))
        persons["year"] = year
        frames.append(persons)
    return pd.concat(frames, ignore_index=True)


def _union_find(n_vars: int, relations) -> list[list[int]]:
    parent = list(range(n_vars))

    def root(var):
        while parent[var] != var:
            parent[var] = parent[parent[var]]
            var = parent[var]
        return var

    for relation in relations:
        first, *rest = relation
        for var in rest:
            parent[root(var)] = root(first)
    groups: dict[int, list[int]] = {}
    for var in range(n_vars):
        groups.setdefault(root(var), []).append(var)
    return sorted(groups.values(), key=lambda members: members[0])


def _expected(structure: Structure, members: list[int]) -> dict:
    """The task of one component, read from the structure's dicts by hand."""
    local = {var: i for i, var in enumerate(members)}

    def mine(relations):
        return [
            {local[var]: coef for var, coef in relation.items()}
            for relation in relations
            if next(iter(relation)) in local
        ]

    keys = [structure.sort_keys[var] for var in members]
    order = sorted(range(len(members)), key=keys.__getitem__)
    return {
        "values": [structure.values[var] for var in members],
        "eqs": mine(structure.equations),
        "ineqs": mine(structure.inequalities),
        "keys": [order.index(i) for i in range(len(members))],
        "totals": [structure.is_total[var] for var in members],
    }


def test_each_task_is_its_components_cells_and_relations_in_local_indices():
    structure = build_structure(linked_spec(), linked_frames(_years("2019", "2020", "2021")))
    tasks = Tasks(structure, K, insiders=True)
    groups = _union_find(structure.n_vars, list(structure.equations) + list(structure.inequalities))
    with_primary = [g for g in groups if any(0 < structure.values[v] < K for v in g)]
    assert len(with_primary) == 3  # one component per year
    assert [tasks.task(c).members.tolist() for c in tasks] == with_primary
    for component, members in zip(tasks, with_primary, strict=True):
        task, expected = tasks.task(component), _expected(structure, members)
        assert task.values.tolist() == expected["values"]
        assert task.eqs.dicts() == expected["eqs"]
        assert task.ineqs.dicts() == expected["ineqs"]
        assert task.keys.tolist() == expected["keys"]
        assert task.totals.tolist() == expected["totals"]
        assert task.low.tolist() == [1.0 if v > 0 else 0.0 for v in expected["values"]]
        cells = structure.cells[structure.cells["var"].isin(members)]
        names = zip(cells["mart"], cells["cell_id"], strict=True)
        expected_cells = sorted(zip(cells["var"], names, strict=True))
        found = tasks.cells_of([component])
        names = zip(found["mart"], found["cell_id"], strict=True)
        assert sorted(zip(found["var"], names, strict=True)) == expected_cells


def test_components_match_a_union_find_on_random_relations():
    rng = np.random.default_rng(3)
    n_vars = 300
    relations = [
        {int(v): 1.0 for v in rng.choice(n_vars, size=rng.integers(1, 4), replace=False)}
        for _ in range(120)
    ]
    assert components(n_vars, relations) == _union_find(n_vars, relations)


def test_a_years_fingerprint_does_not_depend_on_the_years_before_it():
    """2021's task and cells are the same whether or not 2019 and 2020 come first,
    although all its global variable numbers move."""

    def hash_of_2021(structure):
        tasks = Tasks(structure, K, insiders=True)
        for component in tasks:
            names = set(tasks.cells_of([component])["cell_id"])
            if all("year=2021" in name for name in names):
                task = tasks.task(component)
                return task.members[0], fingerprint(
                    [*task.fingerprint_parts(), *tasks.identity(component)]
                )
        raise AssertionError("no component of 2021")

    alone = build_structure(linked_spec(), linked_frames(_years("2021")))
    later = build_structure(linked_spec(), linked_frames(_years("2019", "2020", "2021")))
    first_alone, hash_alone = hash_of_2021(alone)
    first_later, hash_later = hash_of_2021(later)
    assert first_alone != first_later
    assert hash_alone == hash_later


@pytest.mark.parametrize(
    ("first", "second"), [([b"ab", b"c"], [b"a", b"bc"]), (["1", "23"], ["12", "3"])]
)
def test_fingerprint_parts_do_not_run_together(first, second):
    assert fingerprint(first) != fingerprint(second)


def test_cells_of_one_variable_and_mart_are_ordered_by_id():
    """Identities can merge two cells of one mart into one variable: their order in
    the component's identity is then by cell id, as for cells of different marts."""
    position = np.array([0, 0, 0, 1, 1, 2])
    marts = np.array([0, 1, 1, 0, 0, 0])
    ids = np.array(["a", "z", "b", "y", "x", "c"], dtype=object)
    order = np.arange(6)
    _sort_ties_by_id(position, marts, ids, order)
    assert ids.tolist() == ["a", "b", "z", "x", "y", "c"]
    assert order.tolist() == [0, 2, 1, 4, 3, 5]
