"""One variable for cells that a relation says are equal.

The same count published in two marts (e.g. a cell of one alumni variable's
table and the same persons' cell in another variable's table) is linked by a
two-term equation ``x_a - x_b = 0``. Half of the equations of an alumni
component are such identities. The attacker knows them, so any safe pattern
suppresses both cells or neither, and every LP the engine solves holds them
equal. Solving the component with one variable per group of equal cells gives
the same feasible sets with fewer columns and rows; the groups' cells are
suppressed together afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Merged:
    """A component with one variable per group of equal cells (local indices)."""

    values: list[int]
    low: list[float]
    keys: list[int]
    totals: list[int]
    eqs: list[dict[int, float]]
    ineqs: list[dict[int, float]]  # the covering relations first
    groups: list[list[int]]  # per merged variable: its cells in the component
    # the leading ineqs that are covering dims (the rest: declared '<=' and
    # '>=' relations between populations)
    n_covering: int = 0

    @property
    def covering(self) -> list[dict[int, float]]:
        return self.ineqs[: self.n_covering]

    def expand(self, merged: Sequence[int]) -> list[int]:
        """The component's cells of the given merged variables, ascending."""
        return sorted(cell for var in merged for cell in self.groups[var])


def _is_identity(relation: dict[int, float]) -> bool:
    if len(relation) != 2:
        return False
    first, second = relation.values()
    return first != 0 and first == -second


def _roots(n: int, identities: list[dict[int, float]]) -> list[int]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for relation in identities:
        a, b = (find(var) for var in relation)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(n)]


def _mapped(relations, new_of: list[int]) -> list[dict[int, float]]:
    """Each relation over the merged variables (coefficients of one group
    added, zero terms dropped); empty and repeated relations left out."""
    seen: set[tuple] = set()
    mapped = []
    for relation in relations:
        terms: dict[int, float] = {}
        for var, coef in relation.items():
            new = new_of[var]
            terms[new] = terms.get(new, 0.0) + coef
        terms = {var: coef for var, coef in terms.items() if coef != 0}
        key = tuple(sorted(terms.items()))
        if terms and key not in seen:
            seen.add(key)
            mapped.append(terms)
    return mapped


def _inequalities(relations, new_of: list[int]) -> list[dict[int, float]]:
    """Inequalities over the merged variables. One left with no positive term (a
    total merged with one of its parts) holds for any counts: it tells the
    attacker nothing, and kept it would read as a relation with one cell."""
    return [r for r in _mapped(relations, new_of) if any(c > 0 for c in r.values())]


def merge_identities(
    values: Sequence[int],
    low: Sequence[float],
    keys: Sequence[int],
    totals: Sequence[int],
    eqs: Sequence[dict[int, float]],
    ineqs: Sequence[dict[int, float]],
    n_covering: int | None = None,
) -> Merged:
    """The component with its identity-linked cells merged. A group takes the
    largest lower bound of its cells (the attacker knows they are equal), the
    first key in the preference order and the largest total. The first
    ``n_covering`` ineqs are covering dims (None: all)."""
    n = len(values)
    identities = [relation for relation in eqs if _is_identity(relation)]
    roots = _roots(n, identities)
    new_of_root: dict[int, int] = {}
    groups: list[list[int]] = []
    for cell, root in enumerate(roots):
        if root not in new_of_root:
            new_of_root[root] = len(groups)
            groups.append([])
        groups[new_of_root[root]].append(cell)
    new_of = [new_of_root[root] for root in roots]
    for group in groups:
        if len({values[cell] for cell in group}) > 1:
            raise ValueError(
                f"cells {group} are equal by a relation but hold {[values[c] for c in group]}"
            )
    n_covering = len(ineqs) if n_covering is None else n_covering
    covering = _inequalities(ineqs[:n_covering], new_of)
    bounds = _inequalities(ineqs[n_covering:], new_of)
    return Merged(
        values=[values[group[0]] for group in groups],
        low=[max(low[cell] for cell in group) for group in groups],
        keys=[min(keys[cell] for cell in group) for group in groups],
        totals=[max(totals[cell] for cell in group) for group in groups],
        eqs=_mapped((relation for relation in eqs if not _is_identity(relation)), new_of),
        ineqs=covering + bounds,
        groups=groups,
        n_covering=len(covering),
    )
