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
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor

BATCH_CELLS = 2_000  # a batch closes when its tasks hold this many cells
PARENT_POLL_SECONDS = 1.0


def _end_with_parent(parent: int) -> None:
    """Worker initializer. A parent killed by its PID alone (a CI job's timeout, a
    scheduler's ``kill``) cannot stop its workers, which solved on for minutes and
    held their memory; each worker ends itself once it has another parent."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)  # no cleanup owed: the results have nowhere to go

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


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
    with TaskPool(workers) as pool:
        return pool.submit(function, tasks, sizes)()


class TaskPool:
    """Worker processes kept over several submissions, so that the caller can
    prepare the next tasks while the workers solve the last ones (the disclosure
    engine builds one group of linked marts while the groups before it are
    solved). ``workers`` <= 1: each submission runs at once in this process."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> TaskPool:
        if self.workers > 1:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded host
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_end_with_parent,
                initargs=(os.getpid(),),
            )
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            # on an error, the tasks not started are dropped rather than solved
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)

    def submit(
        self, function: Callable, tasks: Sequence, sizes: Sequence[int]
    ) -> Callable[[], list]:
        """Start ``function`` over ``tasks`` (batches as :func:`batches`); the
        returned callable waits for them and gives the results in task order."""
        if self._pool is None:
            results = [function(task) for task in tasks]
            return lambda: results
        planned = batches(sizes)
        futures = [self._pool.submit(_each, function, [tasks[i] for i in b]) for b in planned]

        def collect() -> list:
            results: list = [None] * len(tasks)
            for batch, future in zip(planned, futures, strict=True):
                for i, output in zip(batch, future.result(), strict=True):
                    results[i] = output
            return results

        return collect
