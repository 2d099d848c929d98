"""One function over many independent tasks in worker processes.

The disclosure engine (components to protect) and the audit (components to
attack) both map a solver over tens of thousands of tasks, most of them a few
cells solved in well under a millisecond. Sending one task to a worker and its
result back costs far more than that (pickling, a pipe round trip, the
executor's bookkeeping): 54 000 small tasks took 45 s one by one and 7 s in
batches of 16 (benchmarks/results.md). So the small tasks travel in batches;
the large ones alone, largest first, so that the processes finish together.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

BATCH_CELLS = 2_000  # a batch closes when its tasks hold this many cells


def _each(function: Callable, batch: list) -> list:
    return [function(task) for task in batch]


def cut_batches(
    order: Iterable[int], sizes: Sequence[int], capacity: int, alone_above: float = math.inf
) -> list[list[int]]:
    """The indices in ``order`` cut into consecutive batches, each closed once it holds
    ``capacity`` (summed ``sizes``); an index whose size exceeds ``alone_above`` is a
    batch of its own."""
    found: list[list[int]] = []
    current: list[int] = []
    held = 0
    for i in order:
        if sizes[i] > alone_above:
            found.append([i])
            continue
        current.append(i)
        held += sizes[i]
        if held >= capacity:
            found.append(current)
            current, held = [], 0
    if current:
        found.append(current)
    return found


def batches(sizes: Sequence[int], batch_cells: int = BATCH_CELLS) -> list[list[int]]:
    """Task indices, largest task first, cut into batches of about ``batch_cells``
    cells: a task of that size or more is a batch of its own."""
    return cut_batches(sorted(range(len(sizes)), key=lambda i: -sizes[i]), sizes, batch_cells)


def map_tasks(function: Callable, tasks: Sequence, sizes: Sequence[int], workers: int) -> list:
    """``function`` over ``tasks``, results in task order, in ``workers`` processes
    (``sizes``: each task's cells). The result does not depend on ``workers``."""
    if workers <= 1 or len(tasks) <= 1:
        return [function(task) for task in tasks]
    planned = batches(sizes)
    context = multiprocessing.get_context("spawn")  # no fork of a threaded host
    results: list = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        solved = pool.map(partial(_each, function), [[tasks[i] for i in b] for b in planned])
        for batch, outputs in zip(planned, solved, strict=True):
            for i, output in zip(batch, outputs, strict=True):
                results[i] = output
    return results
