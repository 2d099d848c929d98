"""An LP handed to HiGHS as arrays in one call (the engine's LPs).

highspy's `passModel` overload over numpy arrays copies each array once.
Setting the fields of a `HighsLp` one by one converted them element by
element, which on the national build's many small LPs cost as much CPU as
solving them (benchmarks/results.md, 2026-12-03).
"""

from __future__ import annotations

import highspy
import numpy as np


def pass_columnwise(
    solver: highspy.Highs,
    cost: np.ndarray,
    col_bounds: tuple[np.ndarray, np.ndarray],
    row_bounds: tuple[np.ndarray, np.ndarray],
    matrix: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Replace the solver's model by: minimise ``cost @ x`` subject to
    ``row_lower <= A x <= row_upper`` and ``col_lower <= x <= col_upper``,
    every column continuous. ``matrix`` is A column-wise: (start, row index,
    value), start with one entry more than there are columns. HiGHS clears
    the previous model and its basis, so the next run starts from scratch."""
    start, index, value = matrix
    n_cols = len(cost)
    solver.passModel(
        n_cols,
        len(row_bounds[0]),
        len(index),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.asarray(cost, dtype=float),
        np.asarray(col_bounds[0], dtype=float),
        np.asarray(col_bounds[1], dtype=float),
        np.asarray(row_bounds[0], dtype=float),
        np.asarray(row_bounds[1], dtype=float),
        np.asarray(start, dtype=np.int32),
        np.asarray(index, dtype=np.int32),
        np.asarray(value, dtype=float),
        np.zeros(n_cols, dtype=np.int32),
    )
