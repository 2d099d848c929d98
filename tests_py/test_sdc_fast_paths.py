"""The linked engine's fast paths give the slow paths' results.

- the interval check (batched witness LPs, certificates from every optimum,
  the homogeneous shortcut) classifies cells exactly as one LP per cell does
  (scipy's linprog, written here independently);
- a component with nothing published needs no LP at all.
Shapes: the 13-municipality linked marts of issue 13 and random small ones.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog
from sdc_linked_fixtures import linked_frames, linked_spec, thirteen_municipalities

from studentflow.sdc import intervals
from studentflow.sdc.intervals import check_intervals, lower_bounds
from studentflow.sdc.protect import protect
from studentflow.sdc.structure import build_structure

K = 5


def _structure(seed: int):
    return build_structure(linked_spec(), linked_frames(thirteen_municipalities(seed=seed)))


def _slow_intervals(structure, suppressed: set[int]):
    """(failing primary cells, determined other cells) by one LP per cell and sense."""
    hidden = sorted(suppressed)
    column = {var: i for i, var in enumerate(hidden)}
    values = structure.values

    def rows(relations):
        matrix, rhs = [], []
        for relation in relations:
            row = np.zeros(len(hidden))
            known = 0.0
            for var, coef in relation.items():
                if var in column:
                    row[column[var]] += coef
                else:
                    known += coef * values[var]
            if row.any():
                matrix.append(row)
                rhs.append(-known)
        return (np.asarray(matrix), np.asarray(rhs)) if matrix else (None, None)

    a_eq, b_eq = rows(structure.equations)
    a_ub, b_ub = rows(structure.inequalities)
    low = lower_bounds(values, structure.present_only)
    bounds = [(low[var], None) for var in hidden]

    def optimum(i, sign):
        cost = np.zeros(len(hidden))
        cost[i] = -sign
        result = linprog(
            cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )
        if result.status == 3:
            return sign * np.inf
        assert result.status == 0, result.message
        return -sign * result.fun

    failing, determined = set(), set()
    for i, var in enumerate(hidden):
        top = optimum(i, +1)
        if 0 < values[var] < K:
            if top < K - 1e-6:
                failing.add(var)
        elif top - optimum(i, -1) <= 1e-6:
            determined.add(var)
    return failing, determined


def _patterns(structure, seed: int):
    """Suppression patterns around the primary cells: the engine's own, Gauss
    alone, and random supersets of the primary cells."""
    rng = np.random.default_rng(seed)
    primary = {v for v, value in enumerate(structure.values) if 0 < value < K}
    final = protect(structure, K).is_suppressed
    gauss = protect(structure, K, intervals=False).is_suppressed
    yield {v for v, s in enumerate(final) if s}
    yield {v for v, s in enumerate(gauss) if s}
    for share in (0.2, 0.5, 0.9):
        extra = rng.random(structure.n_vars) < share
        yield primary | {v for v in range(structure.n_vars) if extra[v]}


def _fast_intervals(structure, suppressed, max_single_lps=10**6, **carried):
    """check_intervals on the structure; ``carried``: certified / moved sets."""
    return check_intervals(
        structure.equations,
        structure.inequalities,
        structure.values,
        suppressed,
        {v for v, value in enumerate(structure.values) if 0 < value < K},
        lower_bounds(structure.values, structure.present_only),
        K,
        max_single_lps=max_single_lps,
        **carried,
    )


@pytest.mark.parametrize("seed", [13, 7, 21])
def test_interval_check_equals_one_lp_per_cell(seed):
    structure = _structure(seed)
    for suppressed in _patterns(structure, seed):
        failing, determined = _slow_intervals(structure, suppressed)
        failures, fast_determined = _fast_intervals(structure, suppressed)
        assert {f.var for f in failures} == failing
        # determined cells are worked out only when nothing fails
        assert set(fast_determined) == (determined if not failing else set())


def test_certified_cells_carry_over_to_a_larger_suppression():
    structure = _structure(7)
    first = {v for v, s in enumerate(protect(structure, K, intervals=False).is_suppressed) if s}
    certified: set[int] = set()
    _fast_intervals(structure, first, max_single_lps=200, certified=certified)
    assert certified  # some primary cells reach k already
    larger = first | set(range(0, structure.n_vars, 3))
    failures, _ = _fast_intervals(structure, larger, max_single_lps=200, certified=set(certified))
    assert {f.var for f in failures} == _slow_intervals(structure, larger)[0]


def test_moved_cells_carry_over_to_a_larger_suppression():
    """A cell some feasible point took off its value is not determined, and
    stays so when more is suppressed (that point stays feasible): given the
    cells a check of a smaller suppression saw move, the check of a larger one
    finds the determined cells one LP per cell finds, among them cells
    determined in both patterns (which must not be carried over)."""
    structure = _structure(13)
    final = {v for v, s in enumerate(protect(structure, K).is_suppressed) if s}
    first = final | set(range(0, structure.n_vars, 3))
    larger = first | set(range(0, structure.n_vars, 2))
    failing, determined = _slow_intervals(structure, larger)
    assert not failing and determined & _slow_intervals(structure, first)[1]
    moved: set[int] = set()
    _fast_intervals(structure, first, moved=moved)
    assert moved
    assert set(_fast_intervals(structure, larger, moved=set(moved))[1]) == determined


def test_moved_cells_spare_lps(monkeypatch):
    """After the engine's own pattern, a larger suppression needs fewer LPs
    when the cells seen to move are carried over, with the same result."""
    structure = _structure(13)
    final = {v for v, s in enumerate(protect(structure, K).is_suppressed) if s}
    larger = final | set(range(0, structure.n_vars, 2))
    moved: set[int] = set()
    _fast_intervals(structure, final, moved=moved)
    lps = []
    for name in ("_batch_step", "optimum"):
        solve = getattr(intervals._Search, name)
        monkeypatch.setattr(
            intervals._Search,
            name,
            lambda *a, solve=solve, **kw: lps.append(1) or solve(*a, **kw),
        )
    determined = set(_fast_intervals(structure, larger)[1])
    without = len(lps)
    assert set(_fast_intervals(structure, larger, moved=set(moved))[1]) == determined
    assert len(lps) - without < without, (len(lps) - without, without)


def test_nothing_published_needs_no_lp(monkeypatch):
    """Every cell suppressed: the truth scaled up is feasible, so every positive
    cell is unbounded and no LP is solved; zeros still get their LP."""
    structure = _structure(13)
    everything = set(range(structure.n_vars))
    assert _slow_intervals(structure, everything)[0] == set()
    positive = {v for v, value in enumerate(structure.values) if value > 0}
    primary = {v for v in positive if structure.values[v] < K}
    low = lower_bounds(structure.values, structure.present_only)

    def no_lp(*args, **kwargs):
        raise AssertionError("an LP was built although nothing is published")

    monkeypatch.setattr(intervals, "_model", no_lp)
    failures, determined = check_intervals(
        structure.equations,
        structure.inequalities,
        structure.values,
        positive,
        primary,
        low,
        K,
    )
    assert failures == [] and determined == []


def test_same_input_same_output():
    first = protect(_structure(21), K)
    second = protect(_structure(21), K)
    assert first.is_suppressed == second.is_suppressed
    assert first.stats["suppressed"] == second.stats["suppressed"]


def test_worker_processes_give_the_same_result():
    frames = linked_frames(
        thirteen_municipalities(seed=5).pipe(
            lambda persons: persons.assign(year=np.where(persons.index % 2, "2020", "2021"))
        )
    )
    structure = build_structure(linked_spec(), frames)
    alone = protect(structure, K)
    assert alone.stats["components"] >= 2
    assert protect(structure, K, workers=2).is_suppressed == alone.is_suppressed
