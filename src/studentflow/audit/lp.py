"""Provable intervals of the protected cells of one component, by LP (HiGHS).

The attacker's interval of a cell is [min x_i, max x_i] over the LP
relaxation of the relations (published cells fixed, protected cells within
their known bounds), rounded inwards for counts. Two LPs per cell would be
slow, so feasible points (witnesses) come first. A count is safe once its
witnesses differ by at least one and one reaches k (or one is 0); a sum, once
they differ. Only the rest get their own max and min LPs.

Each witness round asks only for the point the undecided cells still lack: a
low point (minimising their weighted sum) for cells that have none yet or were
seen only at one value of k or more, then a high point (maximising
sum(min(x_i, k))) for counts that have not reached k. Weighing every undecided
cell in both LPs, as before, spent the minimum on cells already low and the
maximum's total on cells already at k: on 6 000 national components drawn at
random the same statuses took 32 650 LPs instead of 47 992.

The weights are random over four orders of magnitude, and rounds go on while
a round still settles two cells or more. Cells of one relation compete for its
total; with weights alike (they were 0.5-1.5) the optimum keeps favouring the
same cells. Each cell's status stays the one its own two LPs give (test_audit).

The rank test (bounds.determined_in_block: a cell fixed by the equations alone
is a leak without LPs of its own) runs here, after the rounds and only if they
leave cells undecided: two witnesses that differ in a cell already prove it is
not fixed. Run on every component before its LP it cost the national audit's
main process about 12 s; here it runs for about one component in seven.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from studentflow.audit import bounds

EPS = 1e-6
MAX_WITNESS_ROUNDS = 100  # rounds of the two witness LPs (a bound; they stop sooner)
MIN_SETTLED_PER_ROUND = 2  # a round costs two LPs: fewer settled, and single LPs are cheaper
WEIGHT_DECADES = 2.0  # witness weights 10**U(-2, 2)
INF = highspy.kHighsInf


class InconsistentPublication(ValueError):
    """The published figures contradict the declared relations."""


@dataclass
class Result:
    low: np.ndarray  # proven minimum (NaN when not solved individually)
    high: np.ndarray  # proven maximum (NaN when not solved individually)
    witness_low: np.ndarray
    witness_high: np.ndarray
    n_lp: int
    determined: np.ndarray | None = None  # fixed by the equations alone (rank test)


def settled(witness_low, witness_high, integer, k) -> np.ndarray:
    """Cells the witnesses already prove safe: not exact, and not provably in 1..k-1."""
    low_int = np.ceil(witness_low - EPS)
    high_int = np.floor(witness_high + EPS)
    count_safe = (high_int > low_int) & ((high_int >= k) | (low_int <= 0))
    sum_safe = witness_high - witness_low > EPS * np.maximum(1.0, np.abs(witness_high))
    return np.where(integer, count_safe, sum_safe)


def _lacking(pending, integer, witness_low, witness_high, k) -> tuple[np.ndarray, np.ndarray]:
    """The undecided cells that still need a lower point and those that need a higher
    one. A count seen at one value only needs a lower point if that value reaches k,
    else a higher one (which must reach k anyway); a sum needs both until they differ.
    Before any witness every undecided cell needs a lower point."""
    reached = np.floor(witness_high + EPS) >= k
    spread = np.floor(witness_high + EPS) > np.ceil(witness_low - EPS)
    unseen = ~np.isfinite(witness_low)
    down = pending & (~integer | unseen | (reached & ~spread))
    up = pending & (~integer | ~reached)
    return down, up


def link_columns(a: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSC arrays (start, index, value) of [[a, 0], [-I, I]]: a's columns x
    with one link entry each (row n_rows + j, -1), then the columns y with
    their link entry (+1). Built directly: stacking with scipy (hstack,
    vstack, tocsc) took a sixth of the national audit's worker time."""
    n_rows, n = a.shape
    csc = a.tocsc()
    csc.sum_duplicates()  # canonical: sorted rows, as the stacked matrix had
    x_start = csc.indptr.astype(np.int64) + np.arange(n + 1)
    start = np.concatenate([x_start, x_start[-1] + np.arange(1, n + 1)])
    index = np.empty(start[-1], dtype=np.int32)
    value = np.empty(start[-1])
    link = x_start[1:] - 1  # the last entry of each x column (largest row)
    from_a = np.ones(x_start[-1], dtype=bool)
    from_a[link] = False
    index[: x_start[-1]][from_a] = csc.indices
    value[: x_start[-1]][from_a] = csc.data
    index[link] = n_rows + np.arange(n)
    value[link] = -1.0
    index[x_start[-1] :] = n_rows + np.arange(n)
    value[x_start[-1] :] = 1.0
    return start.astype(np.int32), index, value


class _Model:
    def __init__(self, a: sparse.csr_matrix, b, eq, lo, hi, k):
        n_rows, n = a.shape
        self.n = n
        # columns x (n) and y (n); rows: a x (=|<=) b, then y_i - x_i <= 0
        start, index, value = link_columns(a)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("random_seed", 0)
        self.highs.setOptionValue("threads", 1)
        self.highs.passModel(
            2 * n,
            n_rows + n,
            len(index),
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            np.zeros(2 * n),
            np.concatenate([lo, np.zeros(n)]).astype(float),
            np.concatenate([np.where(np.isfinite(hi), hi, INF), np.full(n, float(k))]),
            np.concatenate([np.where(eq, b, -INF), np.full(n, -INF)]).astype(float),
            np.concatenate([b, np.zeros(n)]).astype(float),
            start,
            index,
            value,
            np.zeros(2 * n, dtype=np.int32),  # every column continuous
        )
        self.cost = np.zeros(2 * n)
        self.solves = 0

    def solve(self, cost: np.ndarray, maximize: bool):
        changed = np.nonzero(cost != self.cost)[0]
        if len(changed):
            self.highs.changeColsCost(
                len(changed), changed.astype(np.int32), cost[changed].astype(float)
            )
            self.cost = cost.copy()
        sense = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        self.solves += 1
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(self.highs.getSolution().col_value)[: self.n]
            return x, self.highs.getInfo().objective_function_value
        if status == highspy.HighsModelStatus.kUnbounded:
            return None, np.inf if maximize else -np.inf
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InconsistentPublication("the published figures contradict the relations")
        raise RuntimeError(f"HiGHS: {self.highs.modelStatusToString(status)}")


def solve_component(a, b, eq, lo, hi, integer, k, candidates) -> Result:
    """Intervals for the candidate columns of one component."""
    n = a.shape[1]
    model = _Model(a, b, eq, lo, hi, k)
    witness_low = np.full(n, np.inf)
    witness_high = np.full(n, -np.inf)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)

    def record(x):
        if x is not None:
            np.minimum(witness_low, x, out=witness_low)
            np.maximum(witness_high, x, out=witness_high)

    pending = candidates.copy()
    rng = np.random.default_rng(0)
    for _ in range(MAX_WITNESS_ROUNDS):
        before = pending.sum()
        # widely varied weights (seeded: deterministic) so each round reaches another vertex
        weight = 10.0 ** rng.uniform(-WEIGHT_DECADES, WEIGHT_DECADES, n)
        down, _ = _lacking(pending, integer, witness_low, witness_high, k)
        if down.any():
            cost = np.zeros(2 * n)
            cost[:n][down] = weight[down]
            record(model.solve(cost, maximize=False)[0])
        _, up = _lacking(pending, integer, witness_low, witness_high, k)  # after the low point
        if up.any():
            cost = np.zeros(2 * n)
            cost[n:][up & integer] = weight[up & integer]  # min(x_i, k): k is enough
            cost[:n][up & ~integer] = weight[up & ~integer]
            record(model.solve(cost, maximize=True)[0])
        pending &= ~settled(witness_low, witness_high, integer, k)
        if not pending.any() or before - pending.sum() < MIN_SETTLED_PER_ROUND:
            break  # the rest need their own LPs (exact, small, or narrow)
    determined = np.zeros(n, dtype=bool)
    if pending.any():
        # two witnesses that differ in a cell prove it is not fixed by the equations, so
        # only cells the rounds leave can be: one test here, not one per component
        determined = bounds.determined_in_block(a, eq) & pending
        pending &= ~determined
    for i in np.nonzero(pending)[0]:
        if settled(witness_low[i : i + 1], witness_high[i : i + 1], integer[i : i + 1], k)[0]:
            continue  # an earlier cell's LP point already shows this one safe
        cost = np.zeros(2 * n)
        cost[i] = 1.0
        x, value = model.solve(cost, maximize=True)
        record(x)
        if settled(witness_low[i : i + 1], witness_high[i : i + 1], integer[i : i + 1], k)[0]:
            continue  # its maximum and an earlier point differ, and one reaches k
        high[i] = value
        x, value = model.solve(cost, maximize=False)
        record(x)
        low[i] = value
    return Result(low, high, witness_low, witness_high, model.solves, determined)
