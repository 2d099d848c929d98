"""Which published cells to suppress so that a primary cell can reach k.

The attacker's interval check (``intervals.py``) says which primary cells can
be proven below k. For each of them this module solves one *protection LP*
(the idea of Fischetti and Salazar's model for cell suppression): find a
change ``d`` of the table that keeps every relation true (covering relations
as equations of ``d``, see below), keeps every cell at
or above the attacker's lower bound, lifts the failing cell to k, and moves as
little published value as possible. The published cells that move are then
suppressed: with them suppressed, ``truth + d`` is a point the attacker cannot
rule out, so the failing cell's maximum is at least k. Suppressing more later
keeps that point feasible, so a cell once protected stays protected and one
pass over the failures protects them all.

Cost of moving a published cell: ``1 + value`` per unit, so small cells and
cells already suppressed (cost ``EPSILON``) carry the change and totals are
touched only when nothing cheaper exists. (Before, the cell to suppress was
picked by a nearest-first search, one per failure and round; it could not tell
whether a cell gave room - a county total pinned by the national total gives
none - and chains of such picks blanked whole marts.)

The change is sought near the failing cells first: cells within 4 relations
of them may move, every other cell keeps ``d = 0`` (so a local solution is a
solution of the whole component); only when no local change exists is the
neighbourhood widened to the whole component. (A first try within 2 relations
was infeasible for 2 485 of the demo's 6 437 batches, and where it was feasible
it could be no cheaper than the try within 4, whose changes include its own: it
suppressed a published cell where suppressed cells three relations away could
move, test_sdc_protection. Dropping it published 527 more of the demo's
cells and 151 more of the adversarial world's, with the audit passing on
both; the demo's solve in 2 processes took 108.6 s instead of 114.2 s.)
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np
from scipy import sparse

from studentflow.sdc.highs_lp import pass_columnwise
from studentflow.sdc.relations import ramp

EPSILON = 1e-3  # moving a suppressed cell: nearly free, but not arbitrary
MOVED = 1e-6
RELEASE_COST = 1e4  # moving a held cell: only where nothing else gives room
# (radius, covering relations as equations); radius None: the whole component
TRIES = ((4, True), (None, True), (None, False))


class Protection:
    """The protection LPs of one component (local indices)."""

    def __init__(
        self,
        equations: Sequence[dict[int, float]],
        inequalities: Sequence[dict[int, float]],
        values: Sequence[int],
        lower: Sequence[float],
        fixed: Sequence[int] = (),
        n_covering: int | None = None,
    ):
        """``n_covering``: the leading inequalities that are covering dims (None:
        all); the others are bounds declared between populations."""
        relations = list(equations) + list(inequalities)
        n = len(values)
        self.n = n
        self.values = np.asarray(values, dtype=float)
        self.room_down = np.maximum(self.values - np.asarray(lower, dtype=float), 0.0)
        # cells the last release published with this count (held.py): the
        # attacker knows them, so a protection point moves them only where no
        # other point exists (``released``)
        self.fixed = np.zeros(n, dtype=bool)
        self.fixed[list(fixed)] = True
        self.released = 0  # held cells a protection point had to move
        self.reach = self.values.copy()  # largest value of any protection point so far
        self.floor = self.values.copy()  # smallest value of any protection point so far
        self.point = self.values.copy()  # the last protection point
        rows = [index for index, relation in enumerate(relations) for _ in relation]
        cols = [var for relation in relations for var in relation]
        coefs = [coef for relation in relations for coef in relation.values()]
        self.matrix = sparse.csr_matrix((coefs, (rows, cols)), shape=(len(relations), n))
        # each LP takes the columns of its neighbourhood (_columns)
        by_column = self.matrix.tocsc()
        self.col_start = by_column.indptr.astype(np.int32)
        self.col_rows = by_column.indices.astype(np.int32)
        self.col_coefs = by_column.data.astype(float)
        incidence = (self.matrix != 0).astype(float)
        self.by_relation = incidence.tocsr()
        self.by_var = incidence.T.tocsr()
        # A covering relation (total <= sum of parts) is first held as an
        # equation of the change: a moved cell then has a moved partner in
        # each of its relations, so no relation is left with a single
        # suppressed cell (each mart's sdc_no_single_suppressed_part test
        # declares covering dims additive). That can be infeasible (the truth
        # scaled up changes a covering relation's slack), so the last try over
        # the whole component keeps only the inequality the attacker knows,
        # where the scaled truth is always a solution; the caller then gives
        # a covering relation left with one cell a partner (partners.py). A
        # declared bound stays an inequality in every try: as equations a
        # pair of them (employed >= the SSYK groups, employed <= the SSYK
        # groups + Okänt) pins a cell, and most first tries of the national
        # category-1 group had no solution (benchmarks/results.md).
        n_covering = len(inequalities) if n_covering is None else n_covering
        index = np.arange(len(relations))
        self.is_equation = index < len(equations)
        self.is_covering = ~self.is_equation & (index < len(equations) + n_covering)
        self.slack = -(self.matrix @ self.values)
        self.highs: highspy.Highs | None = None  # _solver

    def certified(self, k: int) -> set[int]:
        """Cells some protection point lifts to k (feasible for the attacker)."""
        return set(np.flatnonzero(self.reach >= k - MOVED).tolist())

    def moved(self) -> set[int]:
        """Cells some protection point takes off their value: each point stays
        feasible for the attacker, so none of them is determined."""
        off = (self.reach > self.values + MOVED) | (self.floor < self.values - MOVED)
        return set(np.flatnonzero(off).tolist())

    def relations_of(self, var: int) -> set[int]:
        return set(self.by_var.indices[self.by_var.indptr[var] : self.by_var.indptr[var + 1]])

    def cells_to_suppress(
        self, cells: Sequence[int], k: int, suppressed: np.ndarray, release: bool = True
    ) -> list[int]:
        """Published cells whose suppression lets each of ``cells`` reach ``k``.

        One LP lifts all of ``cells`` at once: the caller passes cells that
        share no relation, so the LP falls apart into one problem per cell
        and solving them together costs one solve instead of many. Without
        ``release`` no held cell moves: a cell with no such point is left
        where it is (nothing to suppress for it).
        """
        k = np.broadcast_to(np.asarray(k, dtype=float), (self.n,))  # one, or one per cell
        cells = [
            var for var in cells if self.reach[var] < k[var] - MOVED and self.values[var] < k[var]
        ]
        if not cells:
            return []
        whole_tried = set()  # the tries over the whole component: not solved twice
        for radius, exact in TRIES:
            inside = self._near(cells, radius)
            if len(inside) == self.n:
                if exact in whole_tried:
                    continue  # the neighbourhood was the whole component already
                whole_tried.add(exact)
            change = self._solve(cells, k, inside, suppressed, exact)
            if change is not None:
                return self._taken(change, inside, suppressed)
        if len(cells) > 1 and (self.fixed.any() or not release):
            # held cells can leave cells that share no relation competing for the
            # same room (a point for each, none for both): one LP per cell
            return self._one_at_a_time(cells, k, suppressed, release)
        if not release:
            return []
        if self.fixed.any():
            # Last release's published cells and this release's relations
            # determine the cell (a new relation ties them to it): the two
            # releases together show it whatever this one does. Moving as few
            # held cells as possible keeps this release safe on its own.
            return self._releasing_held(cells, k, suppressed)
        # the truth scaled up is always feasible, so the whole component has a solution
        raise RuntimeError(f"protection LP for cells {cells}: no solution")

    def _releasing_held(self, cells: Sequence[int], k: int, suppressed: np.ndarray) -> list[int]:
        inside = np.arange(self.n)
        change = self._solve(cells, k, inside, suppressed, False, release=True)
        if change is None:  # the truth scaled up is a solution once held cells may move
            raise RuntimeError(f"protection LP for cells {cells}: no solution")
        return self._taken(change, inside, suppressed)

    def _taken(self, change: np.ndarray, inside: np.ndarray, suppressed: np.ndarray) -> list[int]:
        """Record the protection point ``values + change`` (on the cells
        ``inside``); the published cells it moves."""
        self.point = self.values.copy()
        self.point[inside] += change
        self.reach = np.maximum(self.reach, self.point)
        self.floor = np.minimum(self.floor, self.point)
        moved = inside[np.abs(change) > MOVED]
        self.released += int(self.fixed[moved].sum())
        self.fixed[moved] = False  # released: suppressed from now on
        return sorted(moved[~suppressed[moved]].tolist())

    def _one_at_a_time(
        self, cells: Sequence[int], k: int, suppressed: np.ndarray, release: bool
    ) -> list[int]:
        suppressed = suppressed.copy()
        added: list[int] = []
        for cell in cells:
            extra = self.cells_to_suppress([cell], k, suppressed, release)
            suppressed[extra] = True
            added += extra
        return sorted(added)

    def _near(self, cells: Sequence[int], radius: int | None) -> np.ndarray:
        """The cells within ``radius`` relations of ``cells`` (None: all), walked
        out from the last step's new cells only. A product with the whole incidence
        matrix per step took 19.5 s of the national largest component's solve
        (4.7 s now), where a neighbourhood is a sixth of the component
        (benchmarks/results.md, 2026-12-07 tenth)."""
        if radius is None:
            return np.arange(self.n)
        seen = np.zeros(self.n, dtype=bool)
        seen[cells] = True
        reached = np.zeros(self.by_relation.shape[0], dtype=bool)
        frontier = np.flatnonzero(seen)
        for _ in range(radius):
            relations = np.flatnonzero(_marked(self.by_var, frontier, len(reached)) & ~reached)
            reached[relations] = True
            frontier = np.flatnonzero(_marked(self.by_relation, relations, self.n) & ~seen)
            if not len(frontier):
                break
            seen[frontier] = True
        return np.flatnonzero(seen)

    def _columns(self, inside: np.ndarray):
        """(start, rows, coefs, relations) of the columns ``inside``: CSC arrays
        with the relations they touch renumbered 0.. in order. Gathered with
        numpy instead of scipy's column slicing, whose per-call checks cost
        more than the gather on the many small LPs of a national build."""
        indptr, indices, data = self.col_start, self.col_rows, self.col_coefs
        if len(inside) == self.n:
            start, rows, coefs = indptr, indices, data
        else:
            taken, start = _positions(indptr, inside)
            rows, coefs = indices[taken], data[taken]
        touched = np.zeros(self.matrix.shape[0], dtype=bool)
        touched[rows] = True
        used = np.flatnonzero(touched)
        row_of = np.cumsum(touched, dtype=np.int32) - 1
        return start, row_of[rows], coefs, used

    def _solve(
        self, cells, k, inside, suppressed, exact: bool, release: bool = False
    ) -> np.ndarray | None:
        """The cheapest change of the cells ``inside`` (None: there is none):
        columns [up, down] per cell inside. Held cells stay where they are, or
        with ``release`` move at a cost above any other cell's."""
        m = len(inside)
        start, rows, coefs, used = self._columns(inside)
        cost = np.where(suppressed[inside], EPSILON, 1.0 + self.values[inside])
        held = self.fixed[inside]
        up_lower = np.zeros(m)
        pinned = held & (not release)
        up_upper = np.where(pinned, 0.0, highspy.kHighsInf)
        down_upper = np.where(pinned, 0.0, self.room_down[inside])
        if release:
            cost[held] = RELEASE_COST * (1.0 + self.values[inside][held])
        targets = np.searchsorted(inside, cells)
        up_lower[targets] = np.broadcast_to(k, (self.n,))[cells] - self.values[cells]
        down_upper[targets] = 0.0
        equal = self.is_equation[used] | (exact & self.is_covering[used])
        nnz = len(rows)
        solver = self._solver()
        pass_columnwise(
            solver,
            np.concatenate([cost, cost]),
            (
                np.concatenate([up_lower, np.zeros(m)]),
                np.concatenate([up_upper, down_upper]),
            ),
            (np.where(equal, 0.0, -highspy.kHighsInf), np.where(equal, 0.0, self.slack[used])),
            (
                np.concatenate([start, nnz + start[1:]]),
                np.concatenate([rows, rows]),
                np.concatenate([coefs, -coefs]),
            ),
        )
        solver.run()
        status = solver.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"protection LP for {cells}: {solver.modelStatusToString(status)}")
        point = np.asarray(solver.getSolution().col_value)
        return point[:m] - point[m:]

    def _solver(self) -> highspy.Highs:
        """One HiGHS instance per component, reused: passModel replaces the
        model and its basis, so each LP is solved from scratch as on a new
        instance (same result), without the instance's set-up per LP."""
        if self.highs is None:
            self.highs = highspy.Highs()
            self.highs.setOptionValue("output_flag", False)
            # presolve costs more than it saves on these sparse, mostly feasible
            # LPs (one year of the per-municipality marts: 19 s -> 10 s)
            self.highs.setOptionValue("presolve", "off")
        return self.highs


def _positions(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the positions of the entries of ``rows`` in a compressed sparse matrix's
    arrays, row after row; where each row starts among them, one more than
    rows): a gather in numpy, without scipy's per-call checks on slicing."""
    first, lengths = indptr[rows], indptr[rows + 1] - indptr[rows]
    start = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(lengths, out=start[1:])
    return np.repeat(first, lengths) + ramp(lengths), start


def _marked(matrix: sparse.csr_matrix, rows: np.ndarray, size: int) -> np.ndarray:
    """Which of the ``size`` columns the ``rows`` of ``matrix`` hold an entry in
    (a mask: np.unique's sort of the entries cost more than the walk itself)."""
    mask = np.zeros(size, dtype=bool)
    mask[matrix.indices[_positions(matrix.indptr, rows)[0]]] = True
    return mask
