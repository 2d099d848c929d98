"""The declared marts split into linked groups that share no variable.

A variable is a cell of one population, and a relation links the marts it
names, so marts of different populations that no relation joins can never be
in one component. Each group (populations joined by their relations) is a
structure of its own: the engine builds one group while the workers solve the
groups before it, and never holds the structure of every mart at once. A
group's components, tasks and fingerprints are those of the whole structure
(tests_py/test_sdc_groups.py).
"""

from __future__ import annotations

from studentflow.sdc.structure import StructureError


def mart_population(name: str, mart: dict) -> str:
    """The population a mart counts; a mart that names none is its own."""
    return mart.get("population") or f"__{name}"


def _marts_named(relation, found: set[str]) -> set[str]:
    if isinstance(relation, dict):
        if "mart" in relation:
            found.add(relation["mart"])
        for value in relation.values():
            _marts_named(value, found)
    elif isinstance(relation, list):
        for value in relation:
            _marts_named(value, found)
    return found


def linked_groups(spec: dict) -> list[dict]:
    """The spec split into groups: each the spec with only its marts and the
    populations they count or whose relations name them. Groups come in the
    order of their first mart."""
    marts = spec["marts"]
    populations = spec.get("populations") or {}
    parent: dict[str, str | None] = dict.fromkeys(populations)
    parent.update({mart_population(name, mart): None for name, mart in marts.items()})

    def root(population: str) -> str:
        while parent[population] is not None:
            population = parent[population]
        return population

    for population, declared in populations.items():
        for relation in (declared or {}).get("relations") or []:
            named = _marts_named(relation, set())
            if named - set(marts):
                raise StructureError(f"relation names unknown mart '{min(named - set(marts))}'")
            for name in named:
                linked = root(mart_population(name, marts[name]))
                if linked != root(population):
                    parent[linked] = root(population)
    groups: dict[str, dict] = {}
    for name, mart in marts.items():
        group = groups.setdefault(root(mart_population(name, mart)), {**spec, "marts": {}})
        group["marts"][name] = mart
    for group_root, group in groups.items():
        group["populations"] = {
            p: declared for p, declared in populations.items() if root(p) == group_root
        }
    return list(groups.values())
