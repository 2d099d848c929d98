"""Splits the system into independent parts: protected cells linked by relations.

Published cells are constants, so two protected cells depend on each other
only through a chain of relations that each contain protected cells. Each
connected component is solved on its own; a relation without protected cells
only checks the published figures' consistency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components


@dataclass
class System:
    """The relations with published cells folded into the right-hand side.

    a @ x (==|<=) b over the protected cells x (columns numbered 0..n-1 in
    the order of `cells`, the global cell indices), rows in `sense`.
    """

    a: sparse.csr_matrix
    b: np.ndarray
    eq: np.ndarray  # bool per row: equality (else <=)
    cells: np.ndarray  # global cell index per column
    lo: np.ndarray
    hi: np.ndarray
    labels: list[str]  # per row


@dataclass(frozen=True)
class Blocks:
    """Every component's rows, columns and block ``a[rows][:, columns]``, cut from
    one sort of the system.

    Nationally the audit has tens of thousands of components over 3 M columns;
    slicing the rows of each out of ``a`` with scipy took 10 s (one fancy index
    and one validated matrix per component). Here the rows are sorted by
    component once and each block is a slice of the sorted arrays, its column
    indices renumbered within the component (ascending, as in ``a``).
    """

    row_order: np.ndarray  # the rows, component after component
    row_starts: np.ndarray  # where each component's rows start (one more)
    column_order: np.ndarray
    column_starts: np.ndarray
    indptr: np.ndarray  # the rows in row_order, CSR
    indices: np.ndarray  # local column indices
    data: np.ndarray

    @property
    def n_components(self) -> int:
        return len(self.row_starts) - 1

    def rows(self, component: int) -> np.ndarray:
        return self.row_order[self.row_starts[component] : self.row_starts[component + 1]]

    def columns(self, component: int) -> np.ndarray:
        return self.column_order[self.column_starts[component] : self.column_starts[component + 1]]

    def block(self, component: int) -> sparse.csr_matrix:
        return block_matrix(self.block_arrays(component))

    def block_arrays(self, component: int) -> BlockArrays:
        """The block as CSR arrays (slices of the sorted system, no matrix built:
        scipy's checks cost 60-70 us per matrix, 4 s over a national audit's
        components, most of which the LP cache then never solves)."""
        first, last = self.row_starts[component], self.row_starts[component + 1]
        begin, end = self.indptr[first], self.indptr[last]
        n_columns = self.column_starts[component + 1] - self.column_starts[component]
        return BlockArrays(
            self.data[begin:end],
            self.indices[begin:end],
            self.indptr[first : last + 1] - begin,
            (int(last - first), int(n_columns)),
        )


@dataclass(frozen=True)
class BlockArrays:
    """One component's block ``a[rows][:, columns]`` as CSR arrays."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]


def block_matrix(block: BlockArrays) -> sparse.csr_matrix:
    return sparse.csr_matrix((block.data, block.indices, block.indptr), shape=block.shape)


def _grouped(component: np.ndarray, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """(members ascending within each component, where each component starts)."""
    order = np.argsort(component, kind="stable")
    starts = np.searchsorted(component[order], np.arange(n_components + 1))
    return order, starts


def blocks(
    a: sparse.csr_matrix, row_component: np.ndarray, column_component: np.ndarray, n_components
) -> Blocks:
    """The blocks of all components (``split``); a row with an entry in another
    component's column is an error, not a silently dropped coefficient."""
    row_order, row_starts = _grouped(row_component, n_components)
    row_order = row_order[row_starts[0] :]  # rows of no component (-1) first: dropped
    row_starts = row_starts - row_starts[0]
    column_order, column_starts = _grouped(column_component, n_components)
    local = np.empty(len(column_order), dtype=np.int64)
    local[column_order] = np.arange(len(column_order)) - np.repeat(
        column_starts[:-1], np.diff(column_starts)
    )
    part = a[row_order]
    owner = np.repeat(row_component[row_order], np.diff(part.indptr))
    if not np.array_equal(column_component[part.indices], owner):
        raise ValueError("a row has an entry outside the component's columns")
    return Blocks(
        row_order,
        row_starts,
        column_order,
        column_starts,
        part.indptr,
        local[part.indices].astype(part.indices.dtype),
        part.data,
    )


def reduce(rel, cell, coef, eq, labels, protected, values, lo, hi) -> System:
    """Fold published values into b; keep the rows that hold a protected cell."""
    n_rows = len(eq)
    n_cells = len(protected)
    full = sparse.csr_matrix((coef, (rel, cell)), shape=(n_rows, n_cells))
    known = np.where(protected, 0.0, np.nan_to_num(values.astype(float)))
    b = -(full @ known)
    columns = np.nonzero(protected)[0]
    a = full[:, columns].tocsr()
    keep = np.diff(a.indptr) > 0
    return System(
        a=a[keep],
        b=b[keep],
        eq=np.asarray(eq)[keep],
        cells=columns,
        lo=lo[columns].astype(float),
        hi=hi[columns].astype(float),
        labels=[label for label, k in zip(labels, keep, strict=True) if k],
    )


def restrict(system: System, rows: np.ndarray, columns: np.ndarray) -> System:
    """The system's rows and columns in the two masks (whole components: no kept row
    holds a column left out)."""
    return System(
        a=system.a[rows][:, columns].tocsr(),
        b=system.b[rows],
        eq=system.eq[rows],
        cells=system.cells[columns],
        lo=system.lo[columns],
        hi=system.hi[columns],
        labels=[label for label, keep in zip(system.labels, rows, strict=True) if keep],
    )


def inconsistent(rel, cell, coef, eq, protected, values, tolerance=1e-6) -> np.ndarray:
    """Rows with only published cells that the published figures break."""
    n_rows = len(eq)
    full = sparse.csr_matrix((coef, (rel, cell)), shape=(n_rows, len(protected)))
    has_protected = (full[:, np.nonzero(protected)[0]] != 0).sum(axis=1).A1 > 0
    residual = full @ np.where(protected, 0.0, np.nan_to_num(values.astype(float)))
    eq = np.asarray(eq)
    broken = np.where(eq, np.abs(residual) > tolerance, residual > tolerance)
    return np.nonzero(broken & ~has_protected)[0]


def split(system: System) -> tuple[int, np.ndarray, np.ndarray]:
    """(number of components, component per column, component per row)."""
    n_rows, n_cols = system.a.shape
    if n_cols == 0:
        return 0, np.array([], dtype=np.int64), np.full(n_rows, -1)
    incidence = (system.a != 0).astype(np.int8)
    graph = sparse.bmat([[None, incidence], [incidence.T, None]], format="csr")
    count, label = connected_components(graph, directed=False)
    row_label = label[:n_rows]
    column_label = label[n_rows:]
    # renumber so components are numbered by their first column (deterministic)
    order = {}
    for component in column_label:
        order.setdefault(component, len(order))
    column_component = np.array([order[c] for c in column_label], dtype=np.int64)
    row_component = np.array([order.get(c, -1) for c in row_label], dtype=np.int64)
    return len(order), column_component, row_component
