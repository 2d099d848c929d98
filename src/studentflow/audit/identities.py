"""One column per group of protected cells that an identity holds equal.

The same persons' count published in two marts (or in two variables' tables
of one alumni mart) is linked by a two-term equation ``x_a - x_b = 0``; with
both cells protected the reduced system keeps it as a row with zero right-hand
side. Such rows are half of an alumni component's equations. Replacing each
group of equal cells by one column (its bounds the tightest of its cells) gives
the same feasible set with fewer columns and rows, so every interval the LPs
find is the one the unmerged system gives; each cell of a group then takes the
group's interval. Only cells of one kind (counts with counts, sums with sums)
are merged, so a group's status holds for each of its cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from studentflow.audit.components import System

EPS = 1e-9


@dataclass
class Merged:
    system: System  # one column per group; its cell is the group's first cell
    group: np.ndarray  # per column of the original system: its column in ``system``
    integer: np.ndarray  # per merged column: a count (else a sum)


def _identity_pairs(system: System, integer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, second) column of every row ``c x_i - c x_j = 0`` between cells of one kind."""
    a = system.a.tocsr()
    a.sort_indices()
    two = (np.diff(a.indptr) == 2) & system.eq & (np.abs(system.b) <= EPS)
    start = a.indptr[:-1][two]
    first, second = a.indices[start], a.indices[start + 1]
    equal_and_opposite = (a.data[start] == -a.data[start + 1]) & (a.data[start] != 0)
    same_kind = integer[first] == integer[second]
    keep = equal_and_opposite & same_kind
    return first[keep], second[keep]


def merge(system: System, integer: np.ndarray) -> Merged:
    """The system with every group of identity-linked cells as one column.

    Groups are numbered by their first column, so the merged system is
    deterministic; rows left without a term (the identities themselves) are
    dropped."""
    n = system.a.shape[1]
    first, second = _identity_pairs(system, integer)
    if len(first) == 0:
        return Merged(system, np.arange(n), integer)
    links = sparse.csr_matrix((np.ones(len(first)), (first, second)), shape=(n, n))
    _, label = connected_components(links, directed=False)
    _, first_column, group = np.unique(label, return_index=True, return_inverse=True)
    # np.unique orders groups by label; renumber them by their first column
    order = np.argsort(first_column, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    group = rank[group]
    m = len(order)
    indicator = sparse.csr_matrix((np.ones(n), (np.arange(n), group)), shape=(n, m))
    a = (system.a @ indicator).tocsr()
    a.eliminate_zeros()
    keep = np.diff(a.indptr) > 0
    lo = np.full(m, -np.inf)
    np.maximum.at(lo, group, system.lo)
    hi = np.full(m, np.inf)
    np.minimum.at(hi, group, system.hi)
    first_cell = np.sort(first_column)
    merged = System(
        a=a[keep],
        b=system.b[keep],
        eq=system.eq[keep],
        cells=system.cells[first_cell],
        lo=lo,
        hi=hi,
        labels=[label for label, k in zip(system.labels, keep, strict=True) if k],
    )
    return Merged(merged, group, integer[first_cell])
