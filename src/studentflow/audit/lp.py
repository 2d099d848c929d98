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

Small components are solved side by side in one LP (``solve_components``, a
block-diagonal matrix): each LP then serves every component of the batch, and
each component's rounds and own LPs go as they would alone. The statuses are the
ones each component gets alone (test_audit); the witnesses may differ.
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
        # presolve runs before a component's first LP only (later ones start from
        # the last basis) and costs more than it saves on these small, sparse LPs:
        # the national audit took 163.8 s instead of 177.0 s, with the same
        # statuses (benchmarks/results.md, 2026-12-05)
        self.highs.setOptionValue("presolve", "off")
        self.highs.passModel(
            2 * n,
            n_rows + n,
            len(index),
            int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMinimize),
            0.0,
            np.zeros(2 * n),
            np.concatenate([lo, np.zeros(n)]).astype(float),
            np.concatenate([np.where(np.isfinite(hi), hi, INF), np.broadcast_to(k, (n,))]),
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


@dataclass(frozen=True)
class Part:
    """One component's LP input (its rows x its columns)."""

    a: sparse.spmatrix
    b: np.ndarray
    eq: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    integer: np.ndarray
    candidates: np.ndarray


_JOINED = ("b", "eq", "lo", "hi", "integer", "candidates")


class _Unbounded(Exception):
    """A batch's LP has no optimum: its components are solved one by one."""


def capped_point(a: sparse.csr_matrix, b, eq, lo, hi, cap: np.ndarray) -> np.ndarray:
    """A point of ``a x (=|<=) b`` within lo..hi that lifts the columns with a cap
    (cap > 0) as far towards it as the others let them, all at once: it maximises
    the sum of min(x_i, cap_i). The audit's window sums (window_points.py)."""
    model = _Model(a, b, eq, lo, hi, np.maximum(cap, 0.0))
    cost = np.zeros(2 * a.shape[1])
    cost[a.shape[1] :] = cap > 0
    x, _ = model.solve(cost, maximize=True)
    return x


def solve_component(a, b, eq, lo, hi, integer, k, candidates) -> Result:
    """Intervals for the candidate columns of one component."""
    return solve_components([Part(a, b, eq, lo, hi, integer, candidates)], k)[0]


def solve_components(parts: list[Part], k: int) -> list[Result]:
    """Intervals for the candidate columns of each component, the components side by
    side in one LP (a block-diagonal matrix).

    Components share no relation, so an optimum of the batch is an optimum of each
    block for its own part of the objective: one LP asks every component for its next
    point, and each component's rounds and own LPs go as they would alone (a component
    leaves the rounds when they stall for it; each LP of the own-LP phase takes one
    cell of every component that still has one). Nationally 52 000 of the 66 000
    components with LPs have under 50 cells; alone they took 77 of the LPs' 220 CPU-s
    at 0.37 ms per LP, much of it HiGHS's set-up per model and per run. Where a
    batch's LP has no optimum (a sum unbounded in one block), its components are
    solved one by one; where it has no solution, InconsistentPublication names no
    component (the caller solves them one by one to find it)."""
    if len(parts) > 1:
        try:
            return _solve_batch(parts, k)
        except _Unbounded:
            return [_solve_batch([part], k)[0] for part in parts]
    return _solve_batch(parts, k)


def _solve_batch(parts: list[Part], k: int) -> list[Result]:
    sizes = [part.a.shape[1] for part in parts]
    owner = np.repeat(np.arange(len(parts)), sizes)
    b, eq, lo, hi, integer, candidates = (
        np.concatenate([getattr(part, name) for part in parts]) for name in _JOINED
    )
    a = parts[0].a if len(parts) == 1 else sparse.block_diag([p.a for p in parts], format="csr")
    n = a.shape[1]
    blocks = np.split(np.arange(n), np.cumsum(sizes)[:-1])  # each part's columns
    model = _Model(a, b, eq, lo, hi, k)
    alone = len(parts) == 1
    witnesses = (np.full(n, np.inf), np.full(n, -np.inf))  # lowest and highest seen

    def solve(cost, maximize):
        x, value = model.solve(cost, maximize)
        if x is None and not alone:
            raise _Unbounded
        if x is not None:
            np.minimum(witnesses[0], x, out=witnesses[0])
            np.maximum(witnesses[1], x, out=witnesses[1])
        return x, value

    pending = _witness_rounds(solve, owner, len(parts), integer, candidates, k, witnesses)
    determined = np.zeros(n, dtype=bool)
    for part, columns in zip(parts, blocks, strict=True):
        if pending[columns].any():
            # two witnesses that differ in a cell prove it is not fixed by the equations,
            # so only cells the rounds leave can be: one test here, not one per component
            determined[columns] = bounds.determined_in_block(part.a, part.eq) & pending[columns]
    pending &= ~determined
    low, high = _own_lps(solve, owner, pending, integer, k, witnesses, alone)
    return [
        Result(
            low[columns],
            high[columns],
            witnesses[0][columns],
            witnesses[1][columns],
            model.solves if index == 0 else 0,  # the batch's LPs, counted once
            determined[columns],
        )
        for index, columns in enumerate(blocks)
    ]


def _witness_rounds(solve, owner, n_parts, integer, candidates, k, witnesses) -> np.ndarray:
    """The cells the witness rounds leave undecided. Each round asks only for the point
    the undecided cells still lack (_lacking); a component leaves the rounds once it
    has no undecided cell or a round settles fewer than MIN_SETTLED_PER_ROUND of its
    cells (the rest need their own LPs: exact, small, or narrow)."""
    witness_low, witness_high = witnesses
    n = len(owner)
    pending = candidates.copy()
    active = np.ones(n_parts, dtype=bool)
    rng = np.random.default_rng(0)
    for _ in range(MAX_WITNESS_ROUNDS):
        before = np.bincount(owner, pending, minlength=n_parts)
        # widely varied weights (seeded: deterministic) so each round reaches another vertex
        weight = 10.0 ** rng.uniform(-WEIGHT_DECADES, WEIGHT_DECADES, n)
        asked = pending & active[owner]
        down, _ = _lacking(asked, integer, witness_low, witness_high, k)
        if down.any():
            cost = np.zeros(2 * n)
            cost[:n][down] = weight[down]
            solve(cost, maximize=False)
        _, up = _lacking(asked, integer, witness_low, witness_high, k)  # after the low point
        if up.any():
            cost = np.zeros(2 * n)
            cost[n:][up & integer] = weight[up & integer]  # min(x_i, k): k is enough
            cost[:n][up & ~integer] = weight[up & ~integer]
            solve(cost, maximize=True)
        pending &= ~settled(witness_low, witness_high, integer, k)
        after = np.bincount(owner, pending, minlength=n_parts)
        active &= (after > 0) & (before - after >= MIN_SETTLED_PER_ROUND)
        if not active.any():
            break
    return pending


def _own_lps(solve, owner, pending, integer, k, witnesses, alone: bool):
    """(low, high): each pending cell's own max and min LP, unless a point found on the
    way already shows it safe; one cell of every component per LP."""
    witness_low, witness_high = witnesses
    n = len(owner)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)

    def safe(i: int) -> bool:
        return bool(
            settled(witness_low[i : i + 1], witness_high[i : i + 1], integer[i : i + 1], k)[0]
        )

    cells = np.flatnonzero(pending)
    queues = [list(q) for q in np.split(cells, np.flatnonzero(np.diff(owner[cells])) + 1) if len(q)]
    queues = [q[::-1] for q in queues]  # popped from the end: each component's cells in order
    while queues:
        picked = []
        for queue in queues:
            while queue and safe(queue[-1]):
                queue.pop()  # an earlier cell's LP point already shows this one safe
            if queue:
                picked.append(queue.pop())
        queues = [queue for queue in queues if queue]
        if not picked:
            break
        cost = np.zeros(2 * n)
        cost[picked] = 1.0
        x, value = solve(cost, maximize=True)
        # its maximum and an earlier point differ, and one reaches k: no minimum needed
        left = [i for i in picked if not safe(i)]
        for i in left:
            high[i] = value if alone else x[i]
        if left:
            cost = np.zeros(2 * n)
            cost[left] = 1.0
            x, value = solve(cost, maximize=False)
            for i in left:
                low[i] = value if alone else x[i]
    return low, high
