"""ranks.py: one integer per row that sorts and compares as the row's tuple of codes."""

from __future__ import annotations

import numpy as np
import pytest

from studentflow.ranks import tuple_rank


@pytest.mark.parametrize("high", [3, 2**40])
def test_tuple_rank_orders_rows_as_lexsort_does(high):
    # high = 2**40: three such columns overflow int64 unless the rank is made dense
    rng = np.random.default_rng(7)
    columns = [rng.integers(0, high, 500), rng.integers(0, 4, 500), rng.integers(0, high, 500)]
    columns = [np.repeat(c[:250], 2) for c in columns]  # equal tuples in pairs
    rank = tuple_rank(columns)
    assert np.array_equal(np.argsort(rank, kind="stable"), np.lexsort(columns[::-1]))
    tuples = list(zip(*(c.tolist() for c in columns), strict=True))
    same = [tuples[i] == tuples[j] for i in range(0, 500, 7) for j in range(0, 500, 11)]
    equal = [rank[i] == rank[j] for i in range(0, 500, 7) for j in range(0, 500, 11)]
    assert same == equal and any(same)
