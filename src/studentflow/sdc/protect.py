"""Orchestration: primary rule, interval protection and (where a covering
relation needs it) a partner per independent component of the linked
structure.

Components (variables connected by relations: in practice one period of one
population) share no relation, so each is solved on its own from its task
(``tasks.py``: the component as compact arrays in local indices). Per component:

1. primary: 0 < n < k;
2. interval check (``intervals.check_intervals``) with only the primary cells
   suppressed; the primary cells it cannot show to reach k go to the
   protection LPs (``protection.py``), which suppress the published cells a
   feasible point lifting them to k moves; a second check then finds them
   all certified. A cell the exact (linear) rule would protect is provably
   below k as well, so this covers it. Gaussian elimination first
   (``gauss.gauss_suppress``) suppressed more: the demo published 84 579
   cells instead of 85 290, the national replay 2 357 443 instead of
   2 402 853 (benchmarks/results.md, 2026-12-03);
3. a covering relation (total <= sum of parts) left with one suppressed
   cell, which no interval shows, gets a partner (``partners.py``), and so
   does every relation the partner is then alone in: the cell alone in the
   fewest other relations, then the last in the order of preference to
   publish (non-zero before zero when ``secondary_zeros``, then larger
   counts, then more total members (totals), then cell order -
   deterministic). Gauss (``gauss.py``) did
   this until 2026-12-05 and is left for ``intervals=False``, the linear
   rule alone, which the tests compare with;
4. a non-primary suppressed cell the attacker can prove exactly anyway (e.g. a
   zero that a linked present-only mart shows by the absence of its row) is
   published: that adds nothing to what the attacker knows. A cell the last
   release suppressed with the same count is first moved off its count
   where held published cells allow (HELD_EXPOSED): the last release may
   have protected other cells with it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as with_fields
from functools import partial

import numpy as np
import pandas as pd

from studentflow.processes import TaskPool
from studentflow.sdc import held as holding
from studentflow.sdc.cells import texts_at
from studentflow.sdc.gauss import free_parametrisation, gauss_suppress
from studentflow.sdc.identities import Merged, merge_identities
from studentflow.sdc.intervals import check_intervals
from studentflow.sdc.partners import Partners
from studentflow.sdc.protection import Protection
from studentflow.sdc.reuse import StoredDecisions, engine_version, fingerprint
from studentflow.sdc.structure import Structure
from studentflow.sdc.tasks import Task, Tasks

BATCH = 64  # failing cells lifted by one protection LP


@dataclass
class Result:
    is_primary: list[bool]
    is_suppressed: list[bool]
    stats: dict
    # per variable: the fingerprint of its component (None: nothing to protect)
    component_hash: list[str | None]
    # per row of the structure's cells: its place in its component (Tasks.cell_rank)
    component_cell: np.ndarray
    # per variable: its component's decision was the stored one, not solved this run
    reused: np.ndarray
    # per variable: its exact count (stored, so that the next release can hold
    # the decision of a cell whose count did not change: held.py)
    values: np.ndarray

    def cells(self, cells: pd.DataFrame) -> pd.DataFrame:
        """``cells`` (the structure's: mart, cell_id, var) with their decisions."""
        frame = cells.copy()
        var = frame["var"].to_numpy(dtype=np.int64)
        frame["is_primary"] = np.asarray(self.is_primary, dtype=bool)[var]
        frame["is_suppressed"] = np.asarray(self.is_suppressed, dtype=bool)[var]
        codes, hashes = pd.factorize(np.asarray(self.component_hash, dtype=object))
        unsolved = codes[var] < 0
        taken = texts_at(hashes.tolist(), codes[var], missing=unsolved)
        frame["component_hash"] = pd.Series(taken.to_pandas(), index=frame.index)
        frame["component_cell"] = pd.arrays.IntegerArray(self.component_cell, unsolved)
        frame["component_reused"] = pd.arrays.BooleanArray(self.reused[var], unsolved)
        frame["n_exact"] = self.values[var]
        return frame.drop(columns="var")


def protect(
    structure: Structure,
    k: int,
    secondary_zeros: bool = True,
    insiders: bool = True,
    intervals: bool = True,
    workers: int = 1,
    stored: StoredDecisions | None = None,
    held: holding.Lookup | None = None,
) -> Result:
    """Protect every component; ``workers`` > 1 solves components in that many
    processes (the result does not depend on it: components share nothing and
    are put together in their fixed order). ``stored``: the fingerprints of an
    earlier build's components and the cells they suppressed
    (``reuse.stored_decisions``): such a component is not solved again.
    ``held``: the last release's cells (``held.py``): a component solved again
    keeps their states where the count did not change."""
    with TaskPool(workers) as pool:
        return start_protect(
            structure, k, pool, secondary_zeros, insiders, intervals, stored=stored, held=held
        )()


def start_protect(
    structure: Structure,
    k: int,
    pool: TaskPool,
    secondary_zeros: bool = True,
    insiders: bool = True,
    intervals: bool = True,
    stored: StoredDecisions | None = None,
    held: holding.Lookup | None = None,
) -> Callable[[], Result]:
    """:func:`protect` with the components to solve handed to ``pool``: the
    returned callable waits for them and gives the :class:`Result`, so that the
    caller can build the next structure meanwhile."""
    started = time.perf_counter()
    settings = (engine_version(), k, secondary_zeros, insiders, intervals)
    plan = _Plan.of(structure, k, insiders, repr(settings), stored, held)
    solve = partial(_solve, k=k, secondary_zeros=secondary_zeros, intervals=intervals)
    # batches of small components, large ones alone and largest first (processes.py)
    solved = pool.submit(solve, plan.todo, [len(t) for t in plan.todo])
    plan.todo = []  # the pool holds the tasks until a worker takes them
    set_up = time.perf_counter() - started

    def finish() -> Result:
        waited = time.perf_counter()
        result = plan.result(solved())
        # this structure's own time: its set-up and the wait for its components
        result.stats["seconds"] = set_up + time.perf_counter() - waited
        return result

    return finish


@dataclass
class _Plan:
    """A structure's components: the decisions known before any is solved (the
    primary cells, the stored decisions) and the tasks left to solve."""

    is_primary: np.ndarray
    is_suppressed: np.ndarray
    component_hash: np.ndarray  # per variable: its component's fingerprint
    reused: np.ndarray
    cell_rank: np.ndarray
    todo: list[Task]
    stats: defaultdict
    values: np.ndarray

    @classmethod
    def of(cls, structure, k: int, insiders: bool, settings: str, stored, held=None) -> _Plan:
        values = np.asarray(structure.values, dtype=np.int64)
        is_primary = (values > 0) & (values < k)
        plan = cls(
            is_primary,
            is_primary.copy(),
            np.full(structure.n_vars, None, dtype=object),
            np.zeros(structure.n_vars, dtype=bool),
            np.empty(0, dtype=np.int32),
            [],
            defaultdict(float),
            values,
        )
        tasks = Tasks(structure, k, insiders)
        todo = [c for c in tasks if plan.add(tasks, c, settings, stored)]
        if held is not None and todo:
            plan.hold(tasks, todo, held)
        plan.cell_rank = tasks.cell_rank
        plan.stats["components_solved"] = len(plan.todo)
        plan.stats["variables"] = structure.n_vars
        plan.stats["primary"] = int(is_primary.sum())
        return plan

    def add(self, tasks: Tasks, component: int, settings: str, stored) -> bool:
        """The component's fingerprint, and its stored decision or its task
        (True: the component is to be solved)."""
        task = tasks.task(component)
        self.stats["components"] += 1
        self.stats["largest_component"] = max(self.stats["largest_component"], len(task))
        task_hash = fingerprint([settings, *task.fingerprint_parts(), *tasks.identity(component)])
        self.component_hash[task.members] = task_hash
        if stored is not None and task_hash in stored:
            self.stats["components_reused"] += 1
            self.reused[task.members] = True
            self.is_suppressed[tasks.vars_at(component, stored.cells(task_hash))] = True
            return False
        self.todo.append(task)
        return True

    def hold(self, tasks: Tasks, components: list[int], lookup: holding.Lookup) -> None:
        """Give the tasks to solve the last release's states of their cells."""
        states = holding.held_states(tasks.cells_of(components), self.values, lookup)
        self.todo = [with_fields(task, held=states[task.members]) for task in self.todo]
        self.stats["held_published"] += int((states == holding.PUBLISHED).sum())
        self.stats["held_suppressed"] += int((states == holding.SUPPRESSED).sum())

    def result(self, solved: list) -> Result:
        """The :class:`Result` once the tasks are solved (``solved`` in task order)."""
        for suppressed, task_stats in solved:
            self.is_suppressed[suppressed] = True
            for key, value in task_stats.items():
                self.stats[key] += value
        self.stats["suppressed"] = int(self.is_suppressed.sum())
        return Result(
            self.is_primary.tolist(),
            self.is_suppressed.tolist(),
            dict(self.stats),
            self.component_hash.tolist(),
            self.cell_rank,
            self.reused,
            self.values,
        )


def _solve(task: Task, k: int, secondary_zeros: bool, intervals: bool):
    """(suppressed variables, stats) of one component."""
    stats: dict[str, float] = defaultdict(float)
    suppressed = _component(task, k, secondary_zeros, intervals, stats)
    return task.members[suppressed], dict(stats)


def _component(task: Task, k, secondary_zeros, intervals, stats) -> list[int]:
    """The suppressed cells of one component (local indices), solved with one
    variable per group of cells a relation says are equal (``identities.py``)."""
    merged = merge_identities(
        task.values.tolist(),
        task.low.tolist(),
        task.keys.tolist(),
        task.totals.tolist(),
        task.eqs.dicts(),
        task.ineqs.dicts(),
        task.n_covering,
    )
    stats["cells_merged"] += len(task) - len(merged.values)
    states = [holding.NONE] * len(merged.values)
    if task.held is not None:
        states = holding.merged_states(task.held, merged.groups)
    hidden, need = _window_sums(task, merged, k)
    solved = _merged_component(merged, need, secondary_zeros, intervals, stats, states, hidden)
    return merged.expand(solved)


def _window_sums(task: Task, merged: Merged, k: int):
    """(the merged variables no mart publishes, what each variable's maximum must
    reach where it is below: k, or one per variable): window_sums.py. A group
    with a published cell is not hidden; it must reach what its members must."""
    if task.hidden is None:
        return set(), k
    hidden = {g for g, group in enumerate(merged.groups) if task.hidden[group].all()}
    return hidden, np.array([task.need[group].max() for group in merged.groups])


def _merged_component(merged, k, secondary_zeros, intervals, stats, held, hidden=()) -> list[int]:
    values = merged.values
    need = np.broadcast_to(k, (len(values),))  # k: one number, or one per variable (_window_sums)
    primary = {i for i, value in enumerate(values) if 0 < value < need[i]}
    # last release's states where the count did not change (held.py; a primary cell
    # is suppressed whatever it was); a hidden variable is as good as suppressed
    kept_out = {i for i, state in enumerate(held) if state == holding.PUBLISHED} - primary
    held_in = {i for i, state in enumerate(held) if state == holding.SUPPRESSED} - primary
    kept_in = held_in | set(hidden)
    if not intervals:
        gauss = _gauss_runner(merged, primary, secondary_zeros, (kept_out, kept_in), stats)
        first = primary | kept_in
        return sorted(first | gauss(first))
    partners = _partner_runner(merged, secondary_zeros, kept_out, stats)
    # The interval check and the protection LPs alone decide: a primary cell
    # that Gauss would protect from exact recovery is also provably below k,
    # so the check finds it and a protection LP lifts it. A covering relation
    # left with one suppressed cell gets a partner (partners.py).
    suppressed = primary | kept_in
    suppressed |= partners(suppressed)
    protection = Protection(
        merged.eqs, merged.ineqs, values, merged.low, sorted(kept_out), merged.n_covering
    )
    return _checked(merged, need, primary, held_in, suppressed, protection, partners, hidden, stats)


def _checked(merged, k, primary, held_in, suppressed, protection, partners, hidden, stats):
    """The suppressed cells once every primary cell is certified to reach k,
    each held suppressed cell is kept undetermined where it can be (HELD_EXPOSED)
    and the other determined cells are shown.

    The cells the protection LPs add are moved by a point the attacker
    cannot rule out, so they are no linear combination of the published
    cells, and suppressing more keeps every earlier cell protected. The
    second check finds every primary cell certified (each failure's
    protection point lifts it to k) and only works out which other
    suppressed cells are determined. The protection points are witnesses
    for that too: a cell one of them moves is not determined, so only the
    cells no point moves need an LP (the demo's largest components: 5.6 s
    of that check -> 0.5 s, the same decisions)."""
    certified: set[int] = set()  # primary cells shown to reach k
    moved: set[int] = set(hidden)  # taken off their value by a point; hidden: never shown
    known: set[int] = set()  # cells a check proved exactly: never a partner
    exposed_tried = False
    for attempt in range(CHECKS):
        stats["lp_runs"] += 1
        certified |= protection.certified(k) & primary
        moved |= protection.moved()
        failures, determined = _check(merged, suppressed, primary, k, certified, moved)
        exposed = sorted(held_in.intersection(determined))
        if failures or (exposed and not exposed_tried):
            if failures:
                stats["interval_failures"] += len(failures)
                suppressed |= _lift(protection, [f.var for f in failures], k, suppressed, stats)
            else:
                exposed_tried = True
                stats["held_exposed"] += len(exposed)
                off = np.array(k, dtype=float)
                off[exposed] = np.asarray(merged.values, dtype=float)[exposed] + 1
                suppressed |= _lift(protection, exposed, off, suppressed, stats, release=False)
            # an inequality-only protection point can leave a covering relation
            # with one suppressed cell
            suppressed |= partners(suppressed, frozenset(known))
            continue
        known |= set(determined)
        shown = suppressed - set(determined)
        added = partners(shown, frozenset(known)) if attempt < CHECKS - 1 else set()
        if added:
            # a shown cell left a covering relation alone: it gets a partner
            # (the protection points stay feasible: see CHECKS)
            suppressed = shown | added
            continue
        stats["held_released"] += protection.released
        stats["held_shown"] += len(exposed)  # no point lifts them: shown anyway
        stats["published_as_determined"] += len(determined)
        return sorted(shown)
    raise RuntimeError(f"interval protection: cells {[f.var for f in failures]} not certified")


def _lift(protection: Protection, cells, k, suppressed: set[int], stats, release=True) -> set[int]:
    """The published cells to suppress so that each of ``cells`` can reach its k."""
    is_suppressed = np.zeros(protection.n, dtype=bool)
    is_suppressed[sorted(suppressed)] = True
    return _protect_failures(protection, cells, k, is_suppressed, stats, release)


# A hidden sum (window_sums.py, quantile_bounds.py) counts as moved from the
# start in _merged_component: it is never published, so whether the attacker can
# work it out needs no LP (nationally the quantile bounds' 330 000 sums each took
# one: the engine ran over 36 minutes instead of 16).
#
# interval checks per component: the first, one after the protection LPs, one
# after the LPs for exposed held cells (HELD_EXPOSED), and spares for a
# covering relation that showing determined cells leaves with one suppressed
# cell. It then gets a partner other than a cell a check proved, and the check
# runs again; the protection points stay feasible, since they keep determined
# cells at their values and a partner only widens the set.
CHECKS = 5

# HELD_EXPOSED: a cell the last release suppressed with the count it has now,
# and which this release determines. Shown (step 4), or merely determined, it
# gives the attacker with the last release a value that release protected
# other cells with: the adversarial world's first release, with the update's
# 121 shown held cells known, had 94 cells determined and 20 proven 1..4
# (benchmarks/results.md, 2026-12-07 eleventh). So such a cell gets a
# protection LP that lifts it one above its count, as a failing primary cell
# is lifted to k: the cells that point moves are suppressed and the cell is
# no longer determined. No held published cell moves for it (that would
# release a cell to protect one the last release already hides). Where no
# such point exists, the last release's counts and this release's relations
# keep it from rising whatever this release suppresses, and it is shown as
# before (``held_shown``). Only the upward move is tried: a point that
# lowers it is not sought (nationally 21 cells were shown, benchmarks/
# results.md, 2026-12-07 twelfth; none since income slices are at least their
# floor, tasks.py BOUNDED_LOW, 2026-12-08).


def _partner_runner(merged: Merged, secondary_zeros: bool, kept_out: set[int], stats):
    """The partners (partners.py) for a set of suppressed cells, in Gauss's order
    of preference to publish; a held published cell is never one."""
    rank = np.empty(len(merged.values), dtype=np.int64)
    rank[_publishing_order(merged, secondary_zeros, kept_out)] = np.arange(len(rank))
    finder: list[Partners] = []  # the relations indexed the first time partners are sought

    def partners(suppressed: set[int], known: frozenset[int] = frozenset()) -> set[int]:
        """``known``: cells the attacker works out, never taken."""
        if not finder:
            finder.append(Partners(merged.covering, rank.tolist(), merged.eqs))
        added = finder[0].of(suppressed, kept_out | known)
        stats["partners"] += len(added)
        return added

    return partners


def _gauss_runner(merged: Merged, primary, secondary_zeros, held, stats):
    """Gauss's secondary cells for a set of protected cells; its inputs are
    built the first time it runs. ``held``: (published, suppressed) last release."""
    kept_out, kept_in = held
    prepared: list = []  # (columns, candidates)

    def gauss(protected: set[int], known: frozenset[int] = frozenset()) -> set[int]:
        """``known``: cells the attacker works out, offered for publication first."""
        if not prepared:
            prepared.append(_gauss_inputs(merged, primary, secondary_zeros, kept_out, kept_in))
        stats["gauss_runs"] += 1
        columns, candidates = prepared[0]
        if known:
            candidates = [i for i in candidates if i in known] + [
                i for i in candidates if i not in known
            ]
        withheld = gauss_suppress(columns, candidates, protected)
        # a held published cell is known: withholding it hides nothing (the
        # interval check decides whether the pattern is safe without it)
        stats["held_published_gauss"] += len(withheld & kept_out)
        return withheld - kept_out - known

    return gauss


def _check(merged: Merged, suppressed, primary, k, certified, moved):
    """The interval check of one suppression pattern; every primary cell it
    cannot show to reach k fails (no single LPs: the protection LPs lift them)."""
    return check_intervals(
        merged.eqs,
        merged.ineqs,
        merged.values,
        suppressed,
        primary,
        merged.low,
        k,
        max_single_lps=0,
        certified=certified,
        moved=moved,
    )


def _gauss_inputs(
    merged: Merged, primary: set[int], secondary_zeros: bool, kept_out=frozenset(), kept_in=()
):
    """(each cell as a vector over the free variables, the candidates to publish
    in order of preference). Gauss treats covering relations (total <= sum of
    parts) as equations too: more than the attacker knows, so the linear
    guarantee holds a fortiori, and each mart's sdc_no_single_suppressed_part
    test (which declares covering dims additive) holds as well. The LP keeps
    them as inequalities. Declared '<=' and '>=' relations stay out: as
    equations a pair of them (employed >= the SSYK groups, employed <= the SSYK
    groups + Okänt) would fix a cell at zero, which no pattern can protect.
    Held published cells (``kept_out``) come first among
    the candidates, held suppressed ones (``kept_in``) are none."""
    values, keys, totals = merged.values, merged.keys, merged.totals
    columns = free_parametrisation(
        len(values), merged.eqs + merged.covering, lambda i: (values[i], totals[i], -keys[i])
    )
    excluded = primary | set(kept_in)
    order = _publishing_order(merged, secondary_zeros, kept_out)
    return columns, [i for i in order if i not in excluded]


def _publishing_order(merged: Merged, secondary_zeros: bool, kept_out) -> list[int]:
    """Every cell, in order of preference to publish: held published cells,
    then non-zero before zero when ``secondary_zeros``, then larger counts,
    then more total members (totals), then cell order - deterministic."""
    values, keys, totals = merged.values, merged.keys, merged.totals
    return sorted(
        range(len(values)),
        key=lambda i: (
            i not in kept_out,
            secondary_zeros and values[i] == 0,
            -values[i],
            -totals[i],
            keys[i],
        ),
    )


def _protect_failures(
    protection: Protection, cells: list[int], k, is_suppressed, stats, release: bool = True
) -> set[int]:
    """Suppress the published cells the protection LPs move to lift each of
    ``cells`` to its ``k``. They are taken in batches of cells that share no
    relation (one LP per batch); later LPs see earlier additions as suppressed
    (nearly free), so a cell an earlier addition already lifts adds nothing.
    ``release``: whether a held published cell may move (Protection)."""
    added: set[int] = set()
    remaining = list(cells)
    relations_of = {var: protection.relations_of(var) for var in remaining}
    while remaining:
        batch, blocked, rest = [], set(), []
        for at, var in enumerate(remaining):
            if len(batch) == BATCH:
                # the rest wait in their order: passing over them after a full
                # batch took 6.7 s of the national largest component's solve
                # (profiled; under 1 s now)
                rest += remaining[at:]
                break
            relations = relations_of[var]
            if relations & blocked:
                rest.append(var)
            else:
                batch.append(var)
                blocked |= relations
        stats["protection_lps"] += 1
        extra = protection.cells_to_suppress(batch, k, is_suppressed, release)
        if extra:
            is_suppressed[extra] = True
            added.update(extra)
        remaining = rest
    return added
