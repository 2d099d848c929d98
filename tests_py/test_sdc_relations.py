"""The compact relations of the linked structure (src/studentflow/sdc/relations.py):
they must read exactly as the list of dicts they replace (order and types too,
the components' fingerprints hash them), and deduplication must never drop a
distinct relation (a dropped relation makes the engine under-protect)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sdc_linked_fixtures import linked_frames, linked_spec, thirteen_municipalities

from studentflow.sdc import relations as relations_module
from studentflow.sdc.relations import DistinctRelations, Relations
from studentflow.sdc.structure import _merged, build_structure

DICTS = [
    {5: 1.0, 2: -1.0, 9: -1.0},  # not sorted: the order must survive
    {0: 2.0},
    {7: -1.0, 3: 1.0, 4: 0.5, 1: -2.5},
]


def _typed(relations) -> list[list[tuple]]:
    return [
        [(type(var), var, type(coef), coef) for var, coef in relation.items()]
        for relation in relations
    ]


def test_round_trip_keeps_order_and_python_types():
    relations = Relations.from_dicts(DICTS)
    assert len(relations) == 3
    assert _typed(relations) == _typed(DICTS)  # iteration
    assert _typed(relations[i] for i in range(3)) == _typed(DICTS)  # indexing
    assert _typed([relations[np.int64(2)], relations[-1]]) == _typed([DICTS[2], DICTS[2]])
    assert [list(r) for r in relations] == [list(r) for r in DICTS]  # key order
    assert repr([sorted(r.items()) for r in relations]) == repr([sorted(r.items()) for r in DICTS])
    with pytest.raises(IndexError):
        relations[3]


def test_arrays_and_concatenation():
    relations = Relations.from_dicts(DICTS)
    assert relations.indptr.tolist() == [0, 3, 4, 8]
    assert relations.indices.tolist() == [5, 2, 9, 0, 7, 3, 4, 1]
    assert relations.indices.dtype == np.int32
    assert relations.coefs.tolist() == [1.0, -1.0, -1.0, 2.0, -1.0, 1.0, 0.5, -2.5]
    assert relations.sizes().tolist() == [3, 1, 4]
    assert relations.row_of_entry().tolist() == [0, 0, 0, 1, 2, 2, 2, 2]
    with pytest.raises(ValueError):
        relations.indices[0] = 1  # read-only
    both = relations + Relations.from_dicts(DICTS[:1])
    assert isinstance(both, Relations)
    assert _typed(both) == _typed(DICTS + DICTS[:1])
    assert _typed(DICTS[:1] + relations) == _typed(DICTS[:1] + DICTS)
    assert both == DICTS + DICTS[:1]
    assert pickle.loads(pickle.dumps(relations)) == relations
    empty = Relations.from_dicts([])
    assert len(empty) == 0 and list(empty) == [] and list(empty + relations) == DICTS


def test_iteration_of_many():
    many = [{i: float(i), i + 1: -1.0} for i in range(7)]
    assert _typed(Relations.from_dicts(many)) == _typed(many)


def test_distinct_relations_drop_only_equal_ones():
    found = DistinctRelations(2)
    found.add(0, {2: -1.0, 1: 1.0})
    found.add(0, {1: 1.0, 2: -1.0})  # same relation, other order: dropped
    found.add(1, {1: 1.0, 2: -1.0})  # known as an equation already: dropped
    found.add_many(1, Relations.from_dicts([{1: 1.0, 2: 1.0}, {2: 1.0, 1: 1.0}]))
    found.add(0, {3: -1.0, 1: 1.0, 2: -1.0})
    equations, inequalities = found.relations()
    # kept as first added, entries in their order (dict == would ignore it)
    assert _typed(equations) == _typed([{2: -1.0, 1: 1.0}, {3: -1.0, 1: 1.0, 2: -1.0}])
    assert _typed(inequalities) == _typed([{1: 1.0, 2: 1.0}])


def test_distinct_relations_keep_distinct_relations_with_equal_hash(monkeypatch):
    # every relation gets the same hashes: only the full comparison tells them apart
    monkeypatch.setattr(
        relations_module,
        "relation_hashes",
        lambda relations: np.full((len(relations), 2), 42, dtype=np.uint64),
    )
    found = DistinctRelations(2)
    found.add(0, {1: 1.0, 2: -1.0})
    found.add(1, {1: 1.0, 2: -2.0})
    found.add(0, {3: 1.0})
    found.add(1, {2: -2.0, 1: 1.0})  # equal to the second: dropped
    found.add(0, {1: 1.0, 2: -1.0, 4: -1.0})
    equations, inequalities = found.relations()
    assert list(equations) == [{1: 1.0, 2: -1.0}, {3: 1.0}, {1: 1.0, 2: -1.0, 4: -1.0}]
    assert list(inequalities) == [{1: 1.0, 2: -2.0}]


def test_distinct_relations_equal_a_tuple_set_on_random_relations():
    """The numpy comparison keeps exactly what a set of sorted entry tuples keeps."""
    rng = np.random.default_rng(11)
    found, seen, expected = DistinctRelations(2), set(), ([], [])
    for _ in range(40):
        batch = []
        for _ in range(int(rng.integers(1, 30))):
            size = int(rng.integers(1, 4))
            variables = rng.choice(8, size=size, replace=False).tolist()
            batch.append({v: float(rng.choice([-1.0, 1.0, 2.0])) for v in variables})
        target = int(rng.integers(0, 2))
        found.add_many(target, Relations.from_dicts(batch))
        for relation in batch:
            entries = tuple(sorted(relation.items()))
            if entries not in seen:
                seen.add(entries)
                expected[target].append(relation)
    equations, inequalities = found.relations()
    assert _typed(equations) == _typed(expected[0])
    assert _typed(inequalities) == _typed(expected[1])


def test_structure_holds_relations():
    structure = build_structure(linked_spec(), linked_frames(thirteen_municipalities()))
    assert isinstance(structure.equations, Relations)
    assert isinstance(structure.inequalities, Relations)
    for relation in [*structure.equations, *structure.inequalities]:
        assert all(type(var) is int and type(coef) is float for var, coef in relation.items())


def _merged_by_dicts(group, variables, coefs) -> list[dict]:
    """The old construction, one dict per group: a variable in several rows added
    up at its first place, zeros dropped, empty groups dropped."""
    found: dict[int, dict] = {}
    for g, var, coef in zip(group.tolist(), variables.tolist(), coefs.tolist(), strict=True):
        relation = found.setdefault(g, {})
        relation[var] = relation.get(var, 0) + coef
    relations = [{v: c for v, c in relation.items() if c != 0} for relation in found.values()]
    return [relation for relation in relations if relation]


def test_additive_entries_merge_a_variable_in_several_rows():
    group = np.array([0, 0, 0, 1, 1, 2, 2])
    variables = np.array([5, 3, 5, 7, 7, 9, 4])
    coefs = np.array([1.0, -1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    assert _typed(_merged(group, variables, coefs)) == _typed([{3: -1.0}, {9: 1.0, 4: -1.0}])
    rng = np.random.default_rng(5)
    group = np.sort(rng.integers(0, 60, size=400))
    variables = rng.integers(0, 12, size=400)
    coefs = rng.choice([-1.0, 1.0], size=400)
    merged = _merged(group, variables, coefs)
    assert _typed(merged) == _typed(_merged_by_dicts(group, variables, coefs))
