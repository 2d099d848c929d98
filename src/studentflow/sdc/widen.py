"""Which published cell to suppress next to a primary cell the LP shows too small.

Searched outward from the failing cell through relations and suppressed cells,
nearest first (breadth-first, one layer = one more relation away): among the
published cells of the first layer that has any, the smallest count that gives
at least the room needed, else the largest. Ties by cell order.

:class:`Neighbourhood` does the search with sparse matrix products (one per
layer and direction) over the component's relation incidence matrix;
:func:`widen_reference` is the plain dict/set search with the same result,
kept as the test's reference. In a mostly suppressed component the search
walks most of the component for every failing cell, which in pure Python was
most of the engine's time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse


def _choose(published, needed, values, keys):
    enough = [v for v in published if values[v] >= needed]
    if enough:
        return min(enough, key=lambda v: (values[v], keys[v]))
    return max(published, key=lambda v: (values[v], [-x for x in keys[v]]))


class Neighbourhood:
    """The relations of one component as a sparse incidence matrix."""

    def __init__(self, n_vars: int, relations: Sequence[dict[int, float]]):
        rows = [index for index, relation in enumerate(relations) for _ in relation]
        cols = [var for relation in relations for var in relation]
        ones = np.ones(len(rows))
        shape = (len(relations), n_vars)
        self.by_relation = sparse.csr_matrix((ones, (rows, cols)), shape=shape)
        self.by_var = self.by_relation.T.tocsr()
        self.n_vars = n_vars

    def widen(self, var: int, needed: float, values, suppressed: np.ndarray, keys):
        """The cell to suppress for failing cell ``var`` (``suppressed``: bool per cell)."""
        seen = np.zeros(self.n_vars, dtype=bool)
        seen[var] = True
        seen_relations = np.zeros(self.by_relation.shape[0], dtype=bool)
        frontier = seen.copy()
        while frontier.any():
            relations = (self.by_relation @ frontier.astype(float)) > 0
            relations &= ~seen_relations
            seen_relations |= relations
            new = ((self.by_var @ relations.astype(float)) > 0) & ~seen
            seen |= new
            published = np.flatnonzero(new & ~suppressed)
            if len(published):
                return _choose(published.tolist(), needed, values, keys)
            frontier = new & suppressed
        return None


def widen_reference(var, needed, relations, touching, values, suppressed, keys):
    """The same search with Python sets (``suppressed``: a set of cells)."""
    seen_vars = {var}
    frontier = [var]
    while frontier:
        published = set()
        next_frontier = []
        for current in frontier:
            for index in touching.get(current, ()):
                for other in relations[index]:
                    if other in seen_vars:
                        continue
                    seen_vars.add(other)
                    if other in suppressed:
                        next_frontier.append(other)
                    else:
                        published.add(other)
        if published:
            return _choose(sorted(published), needed, values, keys)
        frontier = sorted(next_frontier)
    return None
