"""The audit's merge of identity-linked cells (audit/identities.py): one column per
group of equal cells gives every cell the interval the unmerged system gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from studentflow.audit import components, identities


def _intervals(system: components.System) -> tuple[np.ndarray, np.ndarray]:
    """Each column's exact LP minimum and maximum (one LP each way per column)."""
    a = system.a.toarray()
    eq, n = system.eq, a.shape[1]
    bounds = list(zip(system.lo, np.where(np.isfinite(system.hi), system.hi, None), strict=True))
    low, high = np.empty(n), np.empty(n)
    for i in range(n):
        for sign, out in ((1.0, low), (-1.0, high)):
            cost = np.zeros(n)
            cost[i] = sign
            found = linprog(
                cost,
                A_ub=a[~eq] if (~eq).any() else None,
                b_ub=system.b[~eq] if (~eq).any() else None,
                A_eq=a[eq],
                b_eq=system.b[eq],
                bounds=bounds,
                method="highs",
            )
            assert found.status == 0, found.message
            out[i] = sign * found.fun
    return low, high


def _linked_tables(seed: int) -> tuple[components.System, np.ndarray]:
    """A table with published margins and suppressed inner cells x, a second mart
    holding the same cells y (identities x_i - y_i = 0) under its own total, and a
    chain y_i = z_i; some y with tighter known bounds than their x."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 7, (4, 5)).astype(float)
    suppressed = rng.random((4, 5)) < 0.6
    suppressed[0, :2] = True  # at least two suppressed cells in a row
    x = truth[suppressed]
    n = len(x)
    rows, cols, coefs, b, eq = [], [], [], [], []

    def relation(terms, rhs, equation=True):
        for col, coef in terms:
            rows.append(len(b))
            cols.append(col)
            coefs.append(coef)
        b.append(rhs)
        eq.append(equation)

    column = np.full(truth.shape, -1)
    column[suppressed] = np.arange(n)
    for line, values in [(column[i], truth[i]) for i in range(4)] + [
        (column[:, j], truth[:, j]) for j in range(5)
    ]:
        if (line >= 0).any():
            relation([(c, 1.0) for c in line[line >= 0]], values[line >= 0].sum())
    for i in range(n):  # y_i = x_i (column n + i), and z_i = y_i for the even i
        relation([(i, 1.0), (n + i, -1.0)], 0.0)
        if i % 2 == 0:
            relation([(n + i, 2.0), (2 * n + i, -2.0)], 0.0)
    relation([(n + i, 1.0) for i in range(n)], x.sum() + 3.0, equation=False)
    width = 3 * n
    lo = np.zeros(width)
    hi = np.full(width, 50.0)  # finite: the odd z_i are in no relation
    lo[n : 2 * n : 3] = np.maximum(x[::3] - 1, 0)  # a tighter known bound on some y
    hi[n + 1 : 2 * n : 3] = x[1::3] + 1
    a = sparse.csr_matrix((coefs, (rows, cols)), shape=(len(b), width))
    system = components.System(
        a=a, b=np.array(b), eq=np.array(eq), cells=np.arange(width) + 100,
        lo=lo, hi=hi, labels=[f"r{r}" for r in range(len(b))],
    )  # fmt: skip
    return system, np.ones(width, dtype=bool)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merged_system_gives_every_cell_its_unmerged_interval(seed):
    system, integer = _linked_tables(seed)
    merged = identities.merge(system, integer)
    n = system.a.shape[1] // 3
    # x_i, y_i (and z_i for the even i) become one column; the identity rows go; the
    # odd z_i, in no relation, stay columns of their own
    assert merged.system.a.shape[1] == n + n // 2
    assert merged.system.a.shape[0] == system.a.shape[0] - (n + (n + 1) // 2)
    assert list(merged.system.cells[:n]) == list(system.cells[:n])
    low, high = _intervals(system)
    merged_low, merged_high = _intervals(merged.system)
    assert np.allclose(merged_low[merged.group], low)
    assert np.allclose(merged_high[merged.group], high)


def test_cells_of_two_kinds_are_not_merged():
    """A count equal to a sum (not a real identity of the marts, but possible in a
    declared relation) stays two columns: a group's status must hold for each cell."""
    a = sparse.csr_matrix(np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]]))
    system = components.System(
        a=a, b=np.zeros(2), eq=np.array([True, True]), cells=np.arange(3),
        lo=np.zeros(3), hi=np.full(3, np.inf), labels=["r0", "r1"],
    )  # fmt: skip
    merged = identities.merge(system, np.array([True, True, False]))
    assert list(merged.group) == [0, 0, 1]
    assert list(merged.integer) == [True, False]
    assert merged.system.a.shape == (1, 2)


def test_contradicting_bounds_of_equal_cells_are_reported_per_cell():
    """The same count shown as primary (1..4) in one mart and as >= k in another cannot
    be: the audit reports both cells as inconsistent, not the one merged column."""
    from studentflow.audit.run import AuditOptions, _attack

    a = sparse.csr_matrix(np.array([[1.0, -1.0]]))
    system = components.System(
        a=a, b=np.zeros(1), eq=np.array([True]), cells=np.arange(2),
        lo=np.array([1.0, 5.0]), hi=np.array([4.0, np.inf]), labels=["r0"],
    )  # fmt: skip
    inconsistent: list[str] = []
    _attack(system, np.ones(2, dtype=bool), 5, inconsistent, AuditOptions())
    assert inconsistent == ["2 protected cells have no value fitting the relations"]
