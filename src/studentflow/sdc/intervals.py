"""What an attacker can prove about suppressed cells, by linear programming.

Knowledge modelled (the same as the audit's): every published value, every
relation, counts non-negative, and a suppressed cell known to be at least 1 when
it is positive and either its row exists only for non-empty cells
(``present_only``) or a person in it knows themself (the singleton problem:
``insiders=True`` treats every positive suppressed cell as known >= 1).

A primary cell (true count 1..k-1) fails when the attacker can prove it below k
(LP maximum < k). Any other suppressed cell that the attacker can prove exactly
(LP maximum = minimum) is reported as *determined*: publishing it tells the
attacker nothing new, so the caller publishes it rather than leave a protected
cell that is not protected. Cheap first: a cell whose maximum already reaches
k (primary) or exceeds its value (others) needs no second LP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from studentflow.sdc.highs_lp import pass_columnwise

SLACK = 1e-6


@dataclass(frozen=True)
class Failure:
    var: int
    lower: float  # not computed (nan): the caller needs only how far the maximum falls short
    upper: float
    needed: float  # how much further up the maximum must reach


def lower_bounds(
    values: Sequence[int], present_only: Sequence[bool], insiders: bool = True
) -> list[float]:
    return [
        1.0 if value > 0 and (insiders or present) else 0.0
        for value, present in zip(values, present_only, strict=True)
    ]


@dataclass
class _Relations:
    """The relations over the unknown cells as sparse LP rows: known terms moved to the
    bounds (equations: lower = upper; inequalities: no lower bound)."""

    rows: list[int]
    cols: list[int]
    coefs: list[float]
    row_lower: list[float]
    row_upper: list[float]


def _relation_rows(
    equations: Sequence[dict[int, float]],
    inequalities: Sequence[dict[int, float]],
    values: Sequence[int],
    column: dict[int, int],
) -> _Relations:
    found = _Relations([], [], [], [], [])
    for relations, is_equation in ((equations, True), (inequalities, False)):
        for relation in relations:
            known = 0.0
            terms = []
            for var, coef in relation.items():
                if var in column:
                    terms.append((column[var], coef))
                else:
                    known += coef * values[var]
            if not terms:
                continue
            row = len(found.row_upper)
            for col, coef in terms:
                found.rows.append(row)
                found.cols.append(col)
                found.coefs.append(coef)
            found.row_upper.append(-known)
            found.row_lower.append(-known if is_equation else -highspy.kHighsInf)
    return found


class _Search:
    """What is known so far about one component's unknown cells: which maxima reach their
    target, which cells move off the truth, and the largest values seen."""

    def __init__(self, rel: _Relations, lows: list[float], truth, small, target):
        self.rel, self.lows, self.n = rel, lows, len(lows)
        self.truth, self.small, self.target = truth, small, target
        self.reached = np.zeros(self.n, dtype=bool)  # maximum shown to reach the target
        self.moved = np.zeros(self.n, dtype=bool)  # shown to take another value than the truth
        self.point_max = np.full(self.n, -np.inf)  # the largest value in any batch solution
        self.best = None  # the largest value known feasible (after the batches)
        self.single = None  # the model for one cell's optimum, built when first needed

    def homogeneous(self) -> None:
        """No relation around the suppressed cells has a published non-zero term (e.g. the
        whole component is suppressed): the constraints are homogeneous, so the truth
        scaled by any factor >= 1 is feasible and every positive suppressed cell is
        unbounded above. No LP needed."""
        positive = self.truth > 0
        self.reached |= positive
        self.moved |= positive
        self.point_max = np.where(positive, np.inf, self.point_max)

    def batch_up(self) -> None:
        """Cheap first: batched LPs with capped helper columns t <= y, t <= target,
        maximising the sum of t over cells not yet shown; every solution is a feasible
        point that clears many cells at once."""
        n, rel = self.n, self.rel
        solver = None
        for _ in range(20):
            # primary cells not yet reaching k, other cells not yet shown to move
            open_ = np.flatnonzero(~self.reached & (self.small | ~self.moved))
            if not len(open_):
                break
            if solver is None:
                solver = _model(
                    2 * n,
                    rel.rows + [len(rel.row_upper) + i for i in range(n)] * 2,
                    rel.cols + list(range(n)) + [n + i for i in range(n)],
                    rel.coefs + [1.0] * n + [-1.0] * n,
                    rel.row_lower + [0.0] * n,
                    rel.row_upper + [highspy.kHighsInf] * n,
                    self.lows + [0.0] * n,
                    upper=[highspy.kHighsInf] * n + list(self.target),
                )
                solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
            if not self._batch_step(solver, 2 * n, open_):
                break

    def _batch_step(self, solver: highspy.Highs, n_cols: int, open_) -> bool:
        """One batch LP rewarding the open helper columns; False when it cleared nothing."""
        costs = np.zeros(n_cols)
        costs[self.n + open_] = 1.0
        solver.changeColsCost(n_cols, np.arange(n_cols, dtype=np.int32), costs)
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False
        point = np.asarray(solver.getSolution().col_value[: self.n])
        self.point_max = np.maximum(self.point_max, point)
        before = int(self.reached.sum()) + int(self.moved.sum())
        self.reached |= point >= self.target - SLACK
        self.moved |= np.abs(point - self.truth) > SLACK
        return int(self.reached.sum()) + int(self.moved.sum()) != before

    def learn(self, point) -> None:
        """Every feasible point settles other cells for free."""
        if point is None:
            return
        self.reached |= point >= self.target - SLACK
        self.moved |= np.abs(point - self.truth) > SLACK
        self.best = np.maximum(self.best, point)

    def optimum(self, i: int, maximise: bool) -> float:
        if self.single is None:
            rel = self.rel
            self.single = _model(
                self.n, rel.rows, rel.cols, rel.coefs, rel.row_lower, rel.row_upper, self.lows
            )
        value, point = _optimum(self.single, i, maximise)
        self.learn(point)
        return value

    def primary_failures(self, unknown: list[int], max_single_lps: int) -> list[Failure]:
        """The primary cells whose maximum the attacker can prove below k."""
        failures: list[Failure] = []
        individual = 0
        for i in np.flatnonzero(self.small):
            if self.reached[i]:
                continue
            if individual >= max_single_lps:
                # too many to solve one by one: counted as failing (the caller
                # suppresses more) - conservative, never unsafe
                best = self.best[i]
                failures.append(Failure(unknown[i], float("nan"), best, self.target[i] - best))
                continue
            individual += 1
            top = self.optimum(i, maximise=True)
            if top < self.target[i] - SLACK:
                failures.append(Failure(unknown[i], float("nan"), top, self.target[i] - top))
        return failures

    def batch_down(self) -> None:
        """Downward batch for the other cells: helper s <= truth - y, s <= 1, maximising
        the sum of s over cells not yet shown to move. A cell that moves down in a
        feasible point is not determined, whatever its maximum."""
        n, rel, truth = self.n, self.rel, self.truth
        down = np.flatnonzero(~self.small & ~self.moved & (truth - np.asarray(self.lows) > SLACK))
        if not len(down):
            return
        m = len(down)
        base = len(rel.row_upper)
        solver = _model(
            n + m,
            rel.rows + [base + j for j in range(m)] * 2,
            rel.cols + list(down) + [n + j for j in range(m)],
            rel.coefs + [1.0] * (2 * m),
            rel.row_lower + [-highspy.kHighsInf] * m,
            rel.row_upper + list(truth[down]),
            self.lows + [0.0] * m,
            upper=[highspy.kHighsInf] * n + [1.0] * m,
        )
        solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for _ in range(20):
            open_ = np.flatnonzero(~self.moved[down])
            if not len(open_):
                break
            costs = np.zeros(n + m)
            costs[n + open_] = 1.0
            solver.changeColsCost(n + m, np.arange(n + m, dtype=np.int32), costs)
            solver.run()
            if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            before = int(self.moved.sum())
            self.learn(np.asarray(solver.getSolution().col_value[:n]))
            if int(self.moved.sum()) == before:
                break

    def determined(self, unknown: list[int]) -> list[int]:
        """The other cells the attacker can prove exactly."""
        rel = self.rel
        pinned = _pinned_at_lower_bound(
            rel.rows, rel.cols, rel.coefs, rel.row_lower, rel.row_upper, self.lows, self.n
        )
        determined: list[int] = []
        for i in np.flatnonzero(~self.small):
            if self.reached[i] or self.moved[i]:
                continue  # takes another value than the truth: not determined
            if pinned[i]:
                determined.append(unknown[i])  # proven without an LP
                continue
            top = self.optimum(i, maximise=True)
            if self.moved[i] or top > self.truth[i] + SLACK:
                continue
            bottom = self.optimum(i, maximise=False)
            if top - bottom <= SLACK:
                determined.append(unknown[i])
        return determined


def check_intervals(
    equations: Sequence[dict[int, float]],
    inequalities: Sequence[dict[int, float]],
    values: Sequence[int],
    suppressed: set[int],
    primary: set[int],
    lower: Sequence[float],
    k: int,
    max_single_lps: int = 200,
    certified: set[int] | None = None,
    moved: set[int] | None = None,
) -> tuple[list[Failure], list[int]]:
    """(failing primary cells, determined other cells) of one component (local indices).

    ``certified``: primary cells already shown to reach k with a subset of
    ``suppressed`` suppressed. Suppressing more keeps every earlier feasible
    point feasible (the newly suppressed cells at their true values), so they
    need no LP again; the cells certified here are added to the set.
    ``moved``: cells some such point takes off their true value, so they are
    not determined and need no LP to show it; the cells seen to move here are
    added to the set.
    """
    unknown = sorted(suppressed)
    if not unknown:
        return [], []
    column = {var: i for i, var in enumerate(unknown)}
    rel = _relation_rows(equations, inequalities, values, column)
    truth = np.asarray([values[var] for var in unknown], dtype=float)
    need = np.broadcast_to(np.asarray(k, dtype=float), (len(values),))[unknown]  # one, or per cell
    small = np.asarray([var in primary for var in unknown]) & (truth > 0) & (truth < need)
    target = np.where(small, need, truth + 1.0)  # what the maximum must reach
    search = _Search(rel, [lower[var] for var in unknown], truth, small, target)
    if certified:
        search.reached |= np.asarray([var in certified for var in unknown]) & small
    if moved:
        search.moved |= np.asarray([var in moved for var in unknown])
    if not any(rel.row_upper):
        search.homogeneous()
    search.batch_up()
    search.best = np.maximum(search.point_max, truth)
    failures = search.primary_failures(unknown, max_single_lps)
    if certified is not None:
        certified.update(unknown[i] for i in np.flatnonzero(search.reached & small))
    if moved is not None:
        moved.update(unknown[i] for i in np.flatnonzero(search.moved))
    if failures:
        # the caller suppresses more and asks again; which other cells are
        # determined matters only for the final suppression pattern
        return failures, []
    search.batch_down()
    return failures, search.determined(unknown)


def _pinned_at_lower_bound(rows, cols, coefs, row_lower, row_upper, lows, n) -> np.ndarray:
    """Cells every feasible point holds at their lower bound, found without LP.

    A relation whose unknown terms all have one sign and whose right-hand side
    equals those terms at their lower bounds (e.g. a published total equal to
    the sum of its published parts, so the suppressed parts sum to 0) holds
    each of them at its lower bound. Pinned cells become known and the check
    repeats. Sufficient, not necessary: the rest still get their LPs.
    """
    pinned = np.zeros(n, dtype=bool)
    lows = np.asarray(lows, dtype=float)
    terms_of: dict[int, list[tuple[int, float]]] = {}
    for row, col, coef in zip(rows, cols, coefs, strict=True):
        terms_of.setdefault(row, []).append((col, coef))
    changed = True
    while changed:
        changed = False
        for row, terms in terms_of.items():
            open_terms = [(col, coef) for col, coef in terms if not pinned[col]]
            if not open_terms:
                continue
            fixed = sum(coef * lows[col] for col, coef in terms if pinned[col])
            at_lower = sum(coef * lows[col] for col, coef in open_terms)
            if all(coef > 0 for _, coef in open_terms):
                # sum(coef * y) <= upper with every y >= its lower bound
                bound = row_upper[row] - fixed
            elif all(coef < 0 for _, coef in open_terms) and row_lower[row] > -highspy.kHighsInf:
                bound = row_lower[row] - fixed
            else:
                continue
            if abs(at_lower - bound) <= SLACK:
                for col, _ in open_terms:
                    pinned[col] = True
                changed = True
    return pinned


def _model(n_cols, rows, cols, coefs, row_lower, row_upper, lower, upper=None) -> highspy.Highs:
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    # small LPs re-solved with changed costs: measured about 10 % faster
    # without presolve
    solver.setOptionValue("presolve", "off")
    # column-wise, rows in order within a column
    order = np.lexsort((np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)))
    sorted_cols = np.asarray(cols, dtype=np.int32)[order]
    pass_columnwise(
        solver,
        np.zeros(n_cols),
        (lower, np.full(n_cols, highspy.kHighsInf) if upper is None else upper),
        (row_lower, row_upper),
        (
            np.searchsorted(sorted_cols, np.arange(n_cols + 1)),
            np.asarray(rows, dtype=np.int32)[order],
            np.asarray(coefs, dtype=float)[order],
        ),
    )
    return solver


def _optimum(solver: highspy.Highs, col: int, maximise: bool) -> tuple[float, np.ndarray | None]:
    """The optimum of one column and the optimal point (None when unbounded)."""
    solver.changeColCost(col, 1.0)
    solver.changeObjectiveSense(
        highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    )
    solver.run()
    status = solver.getModelStatus()
    if status not in _FINISHED:  # e.g. after an unbounded solve: start afresh once
        solver.clearSolver()
        solver.run()
        status = solver.getModelStatus()
    value = solver.getInfo().objective_function_value
    solver.changeColCost(col, 0.0)
    if status in _UNBOUNDED:  # the true values are feasible, so this is unbounded
        return (float("inf") if maximise else float("-inf")), None
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"interval LP for column {col}: {solver.modelStatusToString(status)}")
    return value, np.asarray(solver.getSolution().col_value)


_UNBOUNDED = (
    highspy.HighsModelStatus.kUnbounded,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
)
_FINISHED = (highspy.HighsModelStatus.kOptimal, *_UNBOUNDED)
