"""Every component's LP (lp.py), in worker processes: one task per component
that still has a cell to decide, small components batched into one LP, the LP
cache (cache.py) consulted first, and the intervals the LPs give written back
with their status (``classify``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studentflow.audit import cache, components, lp
from studentflow.processes import cut_batches, map_tasks

EPS = 1e-6
# Components solved side by side in one LP (lp.solve_components): the small ones, much
# of whose time was HiGHS's set-up per model and per run. Nationally (the update's
# warehouse, 2 workers) 350 659 LPs became 159 794; batching components of up to 200
# columns in batches of 2 000 left 65 842 LPs but was slower (the simplex grows faster
# than the blocks), benchmarks/results.md 2026-12-04.
LP_BATCH_LARGEST = 50  # columns
LP_BATCH_COLUMNS = 500  # per batch


def classify(low, high, integer, k) -> np.ndarray:
    low_int = np.where(integer, np.ceil(low - EPS), low)
    high_int = np.where(integer, np.floor(high + EPS), high)
    exact = np.where(
        integer, low_int >= high_int, high - low <= EPS * np.maximum(1.0, np.abs(high))
    )
    small = integer & (low_int >= 1) & (high_int <= k - 1)
    status = np.where(exact, "exact", np.where(small, "small", "safe"))
    return np.where(~integer & exact, "mean", status)


@dataclass
class Intervals:
    """Per cell of the reduced system: its interval, status and how it was found."""

    low: np.ndarray
    high: np.ndarray
    status: np.ndarray
    method: np.ndarray


@dataclass(frozen=True)
class _LpTask:
    """One component's LP input: all a worker process needs. Its block stays CSR
    arrays until a worker solves it (``part``): most components of an audit after
    an update are in the LP cache and need no matrix."""

    component: int
    columns: np.ndarray
    block: components.BlockArrays  # its rows x its columns
    b: np.ndarray
    eq: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    integer: np.ndarray
    candidates: np.ndarray  # the cells still safe
    k: int

    def part(self) -> lp.Part:
        return lp.Part(
            components.block_matrix(self.block),
            self.b, self.eq, self.lo, self.hi, self.integer, self.candidates,
        )  # fmt: skip

    def fingerprint(self, version: str) -> str:
        block = self.block
        arrays = [block.indptr, block.indices, block.data, self.b, self.eq, self.lo, self.hi]
        return cache.fingerprint(version, [*arrays, self.integer, self.candidates], self.k)


def _lp_task(system, component, cut: components.Blocks, lo, hi, integer, k, iv, only):
    """The component's LP (an _LpTask), or None when no cell needs one. ``only``: the
    cells to attack (None: every cell)."""
    columns = cut.columns(component)
    candidates = iv.status[columns] == "safe"
    if only is not None:
        candidates &= only[columns]
    if not candidates.any():
        return None
    rows = cut.rows(component)
    if len(rows) <= 1:
        # one relation: propagation gives the exact interval (an equation of one
        # cell fixes it there, one of more cells fixes none of them)
        return None
    return _LpTask(
        component,
        columns,
        cut.block_arrays(component),
        system.b[rows],
        system.eq[rows],
        lo[columns],
        hi[columns],
        integer[columns],
        candidates,
        k,
    )


def _solve_lp(task: _LpTask):
    """lp.Result, or None when the published figures are inconsistent (the task itself
    does not travel back from the worker: the caller has it)."""
    try:
        return lp.solve_components([task.part()], task.k)[0]
    except lp.InconsistentPublication:
        return None


def _solve_lp_batch(batch: list[_LpTask]) -> list:
    """_solve_lp of each task, the small components in one LP (lp.solve_components)."""
    if len(batch) == 1:
        return [_solve_lp(batch[0])]
    try:
        return lp.solve_components([task.part() for task in batch], batch[0].k)
    except lp.InconsistentPublication:
        return [_solve_lp(task) for task in batch]  # which of them is inconsistent


def lp_batches(sizes: list[int]) -> list[list[int]]:
    """Positions in ``sizes`` (columns per component, in component order), cut into the
    batches solved as one LP: components of up to LP_BATCH_LARGEST columns together
    until a batch holds LP_BATCH_COLUMNS, larger ones alone. Fixed by the components
    alone, never by the number of workers, so the result is the same for any."""
    return cut_batches(range(len(sizes)), sizes, LP_BATCH_COLUMNS, LP_BATCH_LARGEST)


def _apply(task: _LpTask, result, iv: Intervals, inconsistent) -> None:
    """Write one component's LP intervals."""
    if result is None:
        inconsistent.append(f"component {task.component}: no solution fits the published figures")
        return
    pending, columns, integer = task.candidates, task.columns, task.integer
    if result.determined is not None and result.determined.any():
        index = columns[result.determined]
        iv.status[index] = np.where(integer[result.determined], "exact", "mean")
        iv.method[index] = "rank"
        pending = pending & ~result.determined
    solved = ~np.isnan(result.high) & pending
    index = columns[solved]
    iv.low[index] = result.low[solved]
    iv.high[index] = result.high[solved]
    iv.status[index] = classify(result.low[solved], result.high[solved], integer[solved], task.k)
    iv.method[index] = "lp"
    index = columns[pending & ~solved]
    iv.low[index] = np.nan  # the true interval is at least the witness range
    iv.high[index] = np.nan
    iv.method[index] = "lp-witness"


def solve_every_component(
    system, cut: components.Blocks, lo, hi, integer, k, iv, inconsistent, options, only=None
) -> tuple[int, int]:
    """Every component (rank test here, LPs in ``options.workers`` processes:
    components share no relation, so the result does not depend on it; a
    component in ``options.cache_dir``'s cache keeps its stored result);
    returns (LPs solved, components reused)."""
    tasks = []
    for component in range(cut.n_components):
        task = _lp_task(system, component, cut, lo, hi, integer, k, iv, only)
        if task is not None:
            tasks.append(task)
    version = cache.code_version()
    keys = [task.fingerprint(version) for task in tasks]
    stored = cache.load(options.cache_dir)
    todo = [i for i, key in enumerate(keys) if key not in stored]
    results = {i: stored[key] for i, key in enumerate(keys) if key in stored}
    n_lp = 0
    sizes = [len(tasks[i].columns) for i in todo]
    batches = [[todo[p] for p in batch] for batch in lp_batches(sizes)]
    solved = map_tasks(
        _solve_lp_batch,
        [[tasks[i] for i in batch] for batch in batches],
        [sum(len(tasks[i].columns) for i in batch) for batch in batches],
        options.workers,
    )
    for batch, batch_results in zip(batches, solved, strict=True):
        for i, result in zip(batch, batch_results, strict=True):
            results[i] = result
            n_lp += result.n_lp if result is not None else 0
    for i, task in enumerate(tasks):
        _apply(task, results[i], iv, inconsistent)
    cache.save(options.cache_dir, {keys[i]: results[i] for i in range(len(tasks))})
    return n_lp, len(tasks) - len(todo)
