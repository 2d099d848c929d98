"""pass_columnwise (src/studentflow/sdc/highs_lp.py): an LP handed to HiGHS
as column-wise arrays in one call."""

from __future__ import annotations

import highspy
import numpy as np

from studentflow.sdc.highs_lp import pass_columnwise

INF = highspy.kHighsInf


def _solve(solver, cost, rhs):
    """min cost @ x, x0 + x1 >= rhs, x0 - x1 <= 1, 0 <= x <= 10."""
    pass_columnwise(
        solver,
        np.asarray(cost, dtype=float),
        (np.zeros(2), np.full(2, 10.0)),
        (np.array([rhs, -INF]), np.array([INF, 1.0])),
        (np.array([0, 2, 4]), np.array([0, 1, 0, 1]), np.array([1.0, 1.0, 1.0, -1.0])),
    )
    solver.run()
    assert solver.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return np.asarray(solver.getSolution().col_value), solver.getInfo().simplex_iteration_count


def test_columnwise_arrays_are_the_lp_solved():
    """The optimum of the LP the arrays describe, as a continuous LP (no
    integer columns): x0 + x1 >= 2.5 with x0 - x1 <= 1 at the cheaper x0
    gives x0 = 1.75, x1 = 0.75 (not rounded)."""
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    point, _ = _solve(solver, [1.0, 2.0], 2.5)
    assert np.allclose(point, [1.75, 0.75])
    assert solver.getLp().num_col_ == 2 and solver.getLp().num_row_ == 2


def test_passing_a_model_replaces_the_last_one():
    """A second model on the same instance is solved as on a new instance:
    the same point and the same simplex iterations (no warm start)."""
    reused = highspy.Highs()
    reused.setOptionValue("output_flag", False)
    _solve(reused, [1.0, 2.0], 2.5)
    again = _solve(reused, [2.0, 1.0], 4.0)
    fresh = highspy.Highs()
    fresh.setOptionValue("output_flag", False)
    alone = _solve(fresh, [2.0, 1.0], 4.0)
    assert np.allclose(again[0], alone[0]) and np.allclose(alone[0], [0.0, 4.0])
    assert again[1] == alone[1]
