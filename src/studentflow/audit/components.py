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


def block(a: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray) -> sparse.csr_matrix:
    """``a[rows][:, columns]`` for the rows of one component, whose entries all
    lie in ``columns`` (ascending, distinct).

    The rows' entries are renumbered by a search in ``columns``: scipy's column
    index on a CSR matrix passes over all of its columns on every call, and the
    audit takes one block per component (nationally 7 M columns, tens of
    thousands of components). A row with an entry outside ``columns`` is an
    error, not a silently dropped coefficient.
    """
    part = a[rows]
    local = np.searchsorted(columns, part.indices)
    if not (local < len(columns)).all() or not np.array_equal(columns[local], part.indices):
        raise ValueError("a row has an entry outside the component's columns")
    return sparse.csr_matrix(
        (part.data, local.astype(part.indices.dtype), part.indptr),
        shape=(len(rows), len(columns)),
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
