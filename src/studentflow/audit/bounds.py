"""Cheap proofs before LP: bound propagation and a rank test.

Both are sound: every bound they give holds for every non-negative integer
solution of the relations, so a cell they show exact or small is a leak
without any LP. They are not complete: the LP decides the rest.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from studentflow.audit.components import System

EPS = 1e-7
RANK_LIMIT = 150  # columns; larger components go to LP directly


def _round(lo, hi, integer):
    lo = np.where(integer, np.ceil(lo - EPS), lo)
    hi = np.where(integer, np.floor(hi + EPS), hi)
    return lo, hi


def propagate(system: System, integer: np.ndarray, max_passes: int = 100):
    """Tightened (lo, hi) per column and the rows found infeasible (if any).

    Each pass reads only the rows with a column whose bounds moved since that
    side last read them: any other row gives the limits it gave before, which
    are already applied (bounds only tighten). Nationally most columns settle in
    the first pass, so this is the same result in 5 s instead of 12 s.
    """
    lo, hi = _round(system.lo.copy(), system.hi.copy(), integer)
    coo = system.a.tocoo()
    rows, cols, a = coo.row, coo.col, coo.data
    n_rows = system.a.shape[0]
    sides = []  # <= side (every row), then >= side (equality rows, as -a x <= -b)
    for sign in (1.0, -1.0):
        select = np.ones(len(rows), dtype=bool) if sign > 0 else system.eq[rows]
        sides.append((rows[select], cols[select], sign * a[select], sign * system.b))
    moved_since = [np.ones(len(lo), dtype=bool) for _ in sides]  # per side, per column
    for _ in range(max_passes):
        changed = False
        for side, (all_rows, all_cols, all_coefs, bound) in enumerate(sides):
            active = np.zeros(n_rows, dtype=bool)
            active[all_rows[moved_since[side][all_cols]]] = True
            moved_since[side][:] = False
            take = active[all_rows]
            new_lo, new_hi = _tightened(
                all_rows[take], all_cols[take], all_coefs[take], bound, lo, hi, n_rows
            )
            new_lo, new_hi = _round(new_lo, new_hi, integer)
            if np.any(new_hi < hi - EPS) or np.any(new_lo > lo + EPS):
                changed = True
            moved = (new_lo != lo) | (new_hi != hi)
            for since in moved_since:
                since |= moved
            lo, hi = new_lo, new_hi
        if not changed:
            break
    infeasible = np.nonzero(lo > hi + EPS)[0]
    return lo, hi, infeasible


def _tightened(r, c, coef, bound, lo, hi, n_rows):
    """(lo, hi) tightened by the rows sum(coef x) <= bound over entries (r, c, coef)."""
    contribution = np.where(coef > 0, coef * lo[c], coef * hi[c])
    infinite = ~np.isfinite(contribution)
    finite_sum = np.bincount(r, np.where(infinite, 0.0, contribution), minlength=n_rows)
    infinite_count = np.bincount(r, infinite.astype(float), minlength=n_rows)
    others_infinite = infinite_count[r] - infinite
    others = finite_sum[r] - np.where(infinite, 0.0, contribution)
    usable = others_infinite == 0
    limit = (bound[r] - others) / coef
    upper = usable & (coef > 0)
    lower = usable & (coef < 0)
    new_hi = hi.copy()
    np.minimum.at(new_hi, c[upper], limit[upper])
    new_lo = lo.copy()
    np.maximum.at(new_lo, c[lower], limit[lower])
    return new_lo, new_hi


def determined_in_block(part, eq: np.ndarray) -> np.ndarray:
    """Bool per column of one component's block (its rows x its columns, ``eq`` per
    row): fixed by the equality rows alone (e_i in their row space). The audit takes
    the block once for this test and the component's LP."""
    if part.shape[1] > RANK_LIMIT or not eq.any():
        return np.zeros(part.shape[1], dtype=bool)
    dense = part.toarray()[eq]
    # thin SVD: the first `rank` right singular vectors span the row space; e_i lies in
    # it exactly when its projection keeps length 1 (no m x m matrix is ever formed)
    _, singular, vh = linalg.svd(dense, full_matrices=False, check_finite=False)
    rank = int((singular > singular.max(initial=0.0) * max(dense.shape) * 1e-12).sum())
    projection = (vh[:rank] ** 2).sum(axis=0)
    return projection > 1 - 1e-8
