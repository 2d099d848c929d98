"""Orchestration: primary rule, Gaussian secondary suppression and interval
protection per independent component of the linked structure.

Components (variables connected by relations: in practice one period of one
population) share no relation, so each is solved on its own. Per component:

1. primary: 0 < n < k;
2. Gaussian elimination (``gauss.gauss_suppress``) with candidates in order of
   preference to publish: non-zero before zero when ``secondary_zeros`` (a
   suppressed zero lets a suppressed neighbour be larger), then larger counts,
   then more total members (totals), then cell order - deterministic;
3. interval check (``intervals.check_intervals``); the primary cells it cannot
   show to reach k go to the protection LPs (``protection.py``), which
   suppress the published cells a feasible point lifting them to k moves;
   a second check then finds them all certified;
4. a non-primary suppressed cell the attacker can prove exactly anyway (e.g. a
   zero that a linked present-only mart shows by the absence of its row) is
   published: that adds nothing to what the attacker knows.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import chain

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from studentflow.sdc.gauss import free_parametrisation, gauss_suppress
from studentflow.sdc.intervals import check_intervals, lower_bounds
from studentflow.sdc.protection import Protection
from studentflow.sdc.reuse import engine_version, fingerprint
from studentflow.sdc.structure import Structure

BATCH = 64  # failing cells lifted by one protection LP


@dataclass
class Result:
    is_primary: list[bool]
    is_suppressed: list[bool]
    stats: dict = field(default_factory=dict)
    # per variable: the fingerprint of its component (None: nothing to protect)
    component_hash: list[str | None] = field(default_factory=list)

    def cells(self, structure: Structure) -> pd.DataFrame:
        frame = structure.cells.copy()
        frame["is_primary"] = [self.is_primary[v] for v in frame["var"]]
        frame["is_suppressed"] = [self.is_suppressed[v] for v in frame["var"]]
        hashes = self.component_hash or [None] * structure.n_vars
        frame["component_hash"] = [hashes[v] for v in frame["var"]]
        return frame.drop(columns="var")


def components(n_vars: int, equations: list[dict[int, float]]) -> list[list[int]]:
    """The variables connected by relations: each component's members ascending,
    components in the order of their smallest member."""
    if not n_vars:
        return []
    sizes = np.fromiter((len(equation) for equation in equations), dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(equations), dtype=np.int64, count=int(sizes.sum()))
    firsts = np.repeat(flat[np.cumsum(sizes) - sizes], sizes)  # each var to its equation's first
    graph = coo_matrix((np.ones(len(flat)), (firsts, flat)), shape=(n_vars, n_vars))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")  # members ascending within a label
    labels_sorted = labels[order]
    starts = np.flatnonzero(np.r_[True, labels_sorted[1:] != labels_sorted[:-1]])
    groups = np.split(order, starts[1:])
    groups.sort(key=lambda members: members[0])
    return [members.tolist() for members in groups]


def protect(
    structure: Structure,
    k: int,
    secondary_zeros: bool = True,
    insiders: bool = True,
    intervals: bool = True,
    workers: int = 1,
    stored: dict[str, frozenset[tuple[str, str]]] | None = None,
) -> Result:
    """Protect every component; ``workers`` > 1 solves components in that many
    processes (the result does not depend on it: components share nothing and
    are put together in their fixed order). ``stored`` maps a component's
    fingerprint to the cells it suppressed in an earlier build
    (``reuse.stored_decisions``): such a component is not solved again."""
    started = time.perf_counter()
    n = structure.n_vars
    is_primary = [0 < value < k for value in structure.values]
    is_suppressed = list(is_primary)
    component_hash: list[str | None] = [None] * n
    settings = (engine_version(), k, secondary_zeros, insiders, intervals)
    stats = defaultdict(float)
    tasks = _tasks(structure, k, insiders, stats)
    cells_of = _cells_of_vars(structure)
    todo = []
    for task in tasks:
        identities = [cells_of[var] for var in task.members]
        task_hash = fingerprint([settings, task.fingerprint_parts(), identities])
        for var in task.members:
            component_hash[var] = task_hash
        if stored is not None and task_hash in stored:
            stats["components_reused"] += 1
            chosen = stored[task_hash]
            for var, cells in zip(task.members, identities, strict=True):
                if any(cell in chosen for cell in cells):
                    is_suppressed[var] = True
        else:
            todo.append(task)
    solve = partial(_solve, k=k, secondary_zeros=secondary_zeros, intervals=intervals)
    for suppressed, task_stats in _run(solve, todo, workers):
        for var in suppressed:
            is_suppressed[var] = True
        for key, value in task_stats.items():
            stats[key] += value
    stats["components_solved"] = len(todo)
    stats["seconds"] = time.perf_counter() - started
    stats["variables"] = n
    stats["primary"] = sum(is_primary)
    stats["suppressed"] = sum(is_suppressed)
    return Result(is_primary, is_suppressed, dict(stats), component_hash)


def _tasks(structure: Structure, k: int, insiders: bool, stats) -> list[_Task]:
    """One task per component with a primary cell (the others publish every cell)."""
    values = structure.values
    lower = lower_bounds(values, structure.present_only, insiders)
    relations = structure.equations + structure.inequalities
    relations_of: dict[int, list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        relations_of[min(relation)].append(index)
    n_equations = len(structure.equations)
    tasks = []
    for members in components(structure.n_vars, relations):
        if not any(0 < values[var] < k for var in members):
            continue  # nothing to protect: every cell is published
        stats["components"] += 1
        stats["largest_component"] = max(stats["largest_component"], len(members))
        found = sorted({i for var in members for i in relations_of.get(var, ())})
        tasks.append(
            _task(
                structure,
                members,
                [relations[i] for i in found if i < n_equations],
                [relations[i] for i in found if i >= n_equations],
                lower,
            )
        )
    return tasks


def _cells_of_vars(structure: Structure) -> dict[int, tuple[tuple[str, str], ...]]:
    """The published cells (mart, cell_id) of each variable, sorted."""
    frame = structure.cells.sort_values(["var", "mart", "cell_id"])
    cells: dict[int, list[tuple[str, str]]] = defaultdict(list)
    marts, ids = frame["mart"].tolist(), frame["cell_id"].tolist()
    for var, mart, cell in zip(frame["var"].tolist(), marts, ids, strict=True):
        cells[var].append((mart, cell))
    return {var: tuple(found) for var, found in cells.items()}


def _run(solve, tasks: list[_Task], workers: int) -> list:
    """solve(task) for every task, in task order, in ``workers`` processes."""
    if workers > 1 and len(tasks) > 1:
        # largest first so that the processes finish together; results by index
        order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i].members))
        context = multiprocessing.get_context("spawn")  # no fork of a threaded host
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            solved = dict(zip(order, pool.map(solve, [tasks[i] for i in order]), strict=True))
        return [solved[i] for i in range(len(tasks))]
    return [solve(task) for task in tasks]


@dataclass(frozen=True)
class _Task:
    """One component in local indices: all a worker process needs."""

    members: list[int]
    values: list[int]
    low: list[float]
    eqs: list[dict[int, float]]
    ineqs: list[dict[int, float]]
    keys: list[int]  # rank of each cell in the deterministic preference order
    totals: list[int]

    def fingerprint_parts(self) -> tuple:
        """Everything but the global variable numbers that decides the result."""
        return (
            self.values,
            self.low,
            [sorted(eq.items()) for eq in self.eqs],
            [sorted(eq.items()) for eq in self.ineqs],
            self.keys,
            self.totals,
        )


def _task(structure, members, equations, inequalities, lower) -> _Task:
    local = {var: i for i, var in enumerate(members)}
    return _Task(
        members=list(members),
        values=[structure.values[var] for var in members],
        low=[lower[var] for var in members],
        eqs=[{local[var]: coef for var, coef in eq.items()} for eq in equations],
        ineqs=[{local[var]: coef for var, coef in eq.items()} for eq in inequalities],
        keys=_ranks([structure.sort_keys[var] for var in members]),
        totals=[structure.is_total[var] for var in members],
    )


def _ranks(keys: list[tuple]) -> list[int]:
    """Only the order of the sort keys matters; ranks do not depend on where the
    component's cells sit among all cells (a new year shifts those positions)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = [0] * len(keys)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def _solve(task: _Task, k: int, secondary_zeros: bool, intervals: bool):
    """(suppressed variables, stats) of one component."""
    stats: dict[str, float] = defaultdict(float)
    suppressed = _component(task, k, secondary_zeros, intervals, stats)
    return [task.members[i] for i in suppressed], dict(stats)


def _component(task: _Task, k, secondary_zeros, intervals, stats) -> list[int]:
    members, values, low, eqs, ineqs, keys, totals = (
        task.members,
        task.values,
        task.low,
        task.eqs,
        task.ineqs,
        task.keys,
        task.totals,
    )
    # Gauss treats covering relations (total <= sum of parts) as equations too:
    # more than the attacker knows, so the linear guarantee holds a fortiori,
    # and each mart's sdc_no_single_suppressed_part test (which declares
    # covering dims additive) holds as well. The LP keeps them as inequalities.
    columns = free_parametrisation(
        len(members), eqs + ineqs, lambda i: (values[i], totals[i], -keys[i])
    )
    primary = {i for i, value in enumerate(values) if 0 < value < k}
    candidates = sorted(
        (i for i in range(len(members)) if i not in primary),
        key=lambda i: (secondary_zeros and values[i] == 0, -values[i], -totals[i], keys[i]),
    )
    stats["gauss_runs"] += 1
    suppressed = primary | gauss_suppress(columns, candidates, primary)
    if not intervals:
        return sorted(suppressed)
    protection = Protection(eqs, ineqs, values, low)
    certified: set[int] = set()  # primary cells shown to reach k
    # Gauss runs once: the cells the protection LPs add are moved by a point
    # the attacker cannot rule out, so they are no linear combination of the
    # published cells, and publishing less keeps every earlier cell protected.
    # The second check finds every primary cell certified (each failure's
    # protection point lifts it to k) and only works out which other
    # suppressed cells are determined.
    for _ in range(2):
        stats["lp_runs"] += 1
        certified |= protection.certified(k) & primary
        failures, determined = check_intervals(
            eqs, ineqs, values, suppressed, primary, low, k, max_single_lps=0, certified=certified
        )
        if not failures:
            stats["published_as_determined"] += len(determined)
            return sorted(suppressed - set(determined))
        stats["interval_failures"] += len(failures)
        is_suppressed = np.zeros(len(members), dtype=bool)
        is_suppressed[sorted(suppressed)] = True
        suppressed |= _protect_failures(protection, failures, k, is_suppressed, stats)
        if any(sum(var in suppressed for var in relation) == 1 for relation in ineqs):
            # an inequality-only protection point left a covering relation with
            # one suppressed cell: Gauss (covering as equations) adds partners
            stats["gauss_runs"] += 1
            suppressed |= gauss_suppress(columns, candidates, suppressed)
    raise RuntimeError(f"interval protection: cells {[f.var for f in failures]} not certified")


def _protect_failures(protection: Protection, failures, k, is_suppressed, stats) -> set[int]:
    """Suppress the published cells the protection LPs move. Failures are
    taken in batches of cells that share no relation (one LP per batch);
    later LPs see earlier additions as suppressed (nearly free), so a failure
    an earlier addition already protects adds nothing."""
    added: set[int] = set()
    remaining = [failure.var for failure in failures]
    while remaining:
        batch, blocked, rest = [], set(), []
        for var in remaining:
            relations = protection.relations_of(var)
            if len(batch) < BATCH and not relations & blocked:
                batch.append(var)
                blocked |= relations
            else:
                rest.append(var)
        stats["protection_lps"] += 1
        extra = protection.cells_to_suppress(batch, k, is_suppressed)
        if extra:
            is_suppressed[extra] = True
            added.update(extra)
        remaining = rest
    return added
