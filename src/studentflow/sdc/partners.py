"""A partner for every covering relation left with one suppressed cell.

A covering relation (a total <= the sum of its parts along a covering dim)
with one suppressed cell is what each mart's ``sdc_no_single_suppressed_part``
test forbids: read as additive, it gives that cell away. The interval check
and the protection LPs decide whether a pattern is safe; this only adds, per
such relation, a partner, and a partner for every relation (covering or
equation) that a new partner is alone in, since an equation with one
suppressed cell shows it. Of a relation's cells the partner is the one alone
in the fewest other relations (the shortest chain), then the one the caller
least prefers to publish.

Local on purpose: Gaussian elimination over the whole component found such
partners too, but in pure Python it took 23 s per window on the national
recruitment component of 148 324 cells (benchmarks/results.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence


class Partners:
    """One component's relations, indexed once for every call of :meth:`of`.

    ``rank``: per cell, its place in the order of preference to publish (the
    highest is taken first among cells alone in equally many relations)."""

    def __init__(
        self,
        covering: Sequence[dict[int, float]],
        rank: Sequence[int],
        equations: Sequence[dict[int, float]] = (),
    ):
        self.relations = [*covering, *equations]
        self.n_covering = len(covering)
        self.rank = rank
        self.relations_of: dict[int, list[int]] = defaultdict(list)
        for index, relation in enumerate(self.relations):
            for var in relation:
                self.relations_of[var].append(index)

    def of(
        self, suppressed: Iterable[int], barred: frozenset[int] | set[int] = frozenset()
    ) -> set[int]:
        """The cells to suppress besides ``suppressed`` so that no covering
        relation, and no relation a new cell is in, holds exactly one
        suppressed cell. ``barred``: cells never taken (the attacker works them
        out, or they stay published); a relation whose other cells are all
        barred is left as it is."""
        relations, relations_of, rank = self.relations, self.relations_of, self.rank
        chosen = set(suppressed)
        inside = [sum(var in chosen for var in relation) for relation in relations]

        def alone_in(var: int) -> int:
            return sum(inside[index] == 0 for index in relations_of[var])

        added: set[int] = set()
        queue = list(range(self.n_covering))
        while queue:
            index = queue.pop()
            if inside[index] != 1:
                continue
            options = [v for v in relations[index] if v not in chosen and v not in barred]
            if not options:
                continue
            partner = min(options, key=lambda var: (alone_in(var), -rank[var]))
            chosen.add(partner)
            added.add(partner)
            for other in relations_of[partner]:
                inside[other] += 1
                queue.append(other)
        return added
