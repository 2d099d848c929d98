"""Marts counted from one pass over a population are linked in sdc/linked_tables.yml.

A one-pass model (``int_*_cells_counted``) counts a population's persons once
for every aggregate that reads it, so the marts on those aggregates publish
cells about the same persons (or a subset of them). When sdc/linked_tables.yml
puts such marts in groups that no population or relation joins, the secondary
suppression protects each group on its own, while an attacker who reads both
marts' definitions combines them: on 2026-12-05 entrant_background_indicators
and recruitment_by_county, both counted from int_entrants_cells_counted but
declared as two populations, let the audit determine 24 protected demo cells
exactly. This check makes the lineage in the dbt manifest and the declaration
agree.
"""

from __future__ import annotations

from studentflow.sdc.groups import linked_groups

ONE_PASS_SUFFIX = "_cells_counted"


def _upstream_models(manifest: dict, unique_id: str) -> set[str]:
    """Names of every model ``unique_id`` reads, directly or through others."""
    nodes = manifest["nodes"]
    found: set[str] = set()
    pending = [unique_id]
    while pending:
        for parent in nodes[pending.pop()]["depends_on"]["nodes"]:
            if parent.startswith("model.") and parent not in found:
                found.add(parent)
                pending.append(parent)
    return {nodes[parent]["name"] for parent in found}


def one_pass_models(manifest: dict, aggregate: str) -> set[str]:
    """The one-pass population models an aggregate is counted from."""
    unique_id = next(
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["name"] == aggregate
    )
    upstream = _upstream_models(manifest, unique_id)
    return {name for name in upstream if name.endswith(ONE_PASS_SUFFIX)}


def unlinked_marts(manifest: dict, spec: dict) -> list[str]:
    """Each pair of marts counted from one pass but declared in different linked
    groups, as text naming both marts and the pass (empty when all agree)."""
    group_of = {
        name: index for index, group in enumerate(linked_groups(spec)) for name in group["marts"]
    }
    marts_of_pass: dict[str, list[str]] = {}
    for name, mart in spec["marts"].items():
        for one_pass in one_pass_models(manifest, mart["aggregate"]):
            marts_of_pass.setdefault(one_pass, []).append(name)
    problems = []
    for one_pass, marts in sorted(marts_of_pass.items()):
        for i, first in enumerate(marts):
            for second in marts[i + 1 :]:
                if group_of[first] != group_of[second]:
                    problems.append(
                        f"{first} and {second} are both counted from {one_pass}, but "
                        "sdc/linked_tables.yml links them by no population or relation"
                    )
    return problems
