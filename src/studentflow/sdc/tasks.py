"""The linked structure cut into one task per component, as compact arrays.

Components (variables connected by relations: in practice one period of one
population) share no relation, so each is solved on its own from its
:class:`Task`: the component's counts, lower bounds, relations and preference
order in local indices (0 .. size - 1), plus the published cells of each of its
variables, which name the component in a stored decision (``reuse.py``).

Everything is computed for all components at once with numpy and each task is
a set of slices. Nationally (millions of variables) the tasks used to be built
as Python dicts per relation and a tuple of cell names per variable, which took
more memory than the structure itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from studentflow.sdc.intervals import lower_bounds
from studentflow.sdc.relations import Relations, as_relations, ramp
from studentflow.sdc.structure import Structure

CELL_SEPARATOR = "\x1f"  # between cell names in a component's identity (never in a name)


@dataclass(frozen=True)
class LocalRelations:
    """Relations of one component as CSR arrays over its local indices."""

    indptr: np.ndarray  # int64, from 0
    indices: np.ndarray  # int32, local variable indices
    coefs: np.ndarray  # float64

    def dicts(self) -> list[dict[int, float]]:
        """The relations as the solvers read them: {local index: coefficient},
        in the order the structure holds each relation's entries."""
        bounds = self.indptr.tolist()
        indices, coefs = self.indices.tolist(), self.coefs.tolist()
        return [
            dict(zip(indices[start:end], coefs[start:end], strict=True))
            for start, end in zip(bounds, bounds[1:], strict=False)
        ]


@dataclass(frozen=True)
class Task:
    """One component in local indices: all a worker process needs."""

    members: np.ndarray  # the global variables, ascending (int64)
    values: np.ndarray  # exact count per variable (int64)
    low: np.ndarray  # the attacker's lower bound per variable (float64)
    eqs: LocalRelations
    ineqs: LocalRelations  # covering dims first, then declared '<=' / '>=' relations
    keys: np.ndarray  # rank of each cell in the deterministic preference order (int64)
    totals: np.ndarray  # total members in each cell's key (int64)
    # per variable: last release's state where its count did not change
    # (held.py; None: nothing held). Not in the fingerprint: a component whose
    # fingerprint is stored keeps its decision, which holds every cell anyway
    held: np.ndarray | None = None
    n_covering: int | None = None  # the leading ineqs that are covering dims (None: all)
    # per variable: no mart publishes it, always hidden (window_sums.py; None: none)
    hidden: np.ndarray | None = None
    # per variable: what its maximum must reach where it is below (None: k for all)
    need: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.members)

    def fingerprint_parts(self) -> list[bytes]:
        """Everything but the global variable numbers that decides the result,
        each array with its type and length."""
        arrays = (
            self.values,
            self.low,
            self.eqs.indptr,
            self.eqs.indices,
            self.eqs.coefs,
            self.ineqs.indptr,
            self.ineqs.indices,
            self.ineqs.coefs,
            self.keys,
            self.totals,
            np.array([-1 if self.n_covering is None else self.n_covering]),
            np.zeros(0, dtype=bool) if self.hidden is None else self.hidden,
            np.zeros(0, dtype=np.int64) if self.need is None else self.need,
        )
        return [f"{a.dtype.str}{a.shape}".encode() + a.tobytes() for a in arrays]


@dataclass(frozen=True)
class _Layout:
    """Variables grouped by component: components in the order of their smallest
    member, members ascending."""

    order: np.ndarray  # the variables, component after component
    starts: np.ndarray  # where each component starts in ``order`` (one more than components)
    component: np.ndarray  # per variable: its component's number
    local: np.ndarray  # per variable: its index within its component

    @property
    def n_components(self) -> int:
        return len(self.starts) - 1


def _nonempty(relations: Relations) -> np.ndarray:
    return np.flatnonzero(relations.sizes() > 0)


def _layout(n_vars: int, relation_sets: Sequence[Relations]) -> _Layout:
    """The components of the graph that links each relation's variables."""
    firsts, entries = [], []
    for relations in relation_sets:
        rows = _nonempty(relations)
        sizes = relations.sizes()[rows]
        firsts.append(np.repeat(relations.indices[relations.indptr[rows]], sizes))
        entries.append(relations.indices[np.repeat(relations.indptr[rows], sizes) + ramp(sizes)])
    none = np.zeros(0, dtype=np.int64)
    first, entry = np.concatenate([*firsts, none]), np.concatenate([*entries, none])
    graph = coo_matrix((np.ones(len(entry)), (first, entry)), shape=(n_vars, n_vars))
    _, labels = connected_components(graph, directed=False)
    smallest = np.full(labels.max() + 1 if n_vars else 0, n_vars, dtype=np.int64)
    np.minimum.at(smallest, labels, np.arange(n_vars, dtype=np.int64))
    named = smallest[labels]  # a component is named by its smallest member
    order = np.argsort(named, kind="stable")
    ordered = named[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if n_vars else order
    starts = np.append(starts, n_vars).astype(np.int64)
    sizes = np.diff(starts)
    component = np.empty(n_vars, dtype=np.int64)
    component[order] = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    local = np.empty(n_vars, dtype=np.int64)
    local[order] = ramp(sizes)
    return _Layout(order, starts, component, local)


def components(n_vars: int, equations) -> list[list[int]]:
    """The variables connected by relations: each component's members ascending,
    components in the order of their smallest member."""
    layout = _layout(n_vars, [as_relations(equations)])
    bounds = layout.starts.tolist()
    order = layout.order.tolist()
    return [order[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]


@dataclass(frozen=True)
class _Grouped:
    """One kind of relation (equations or inequalities) grouped by component, in
    local indices; a component's relations keep their order in the structure."""

    starts: np.ndarray  # per component: where its relations start (one more)
    indptr: np.ndarray
    indices: np.ndarray
    coefs: np.ndarray
    leading: np.ndarray  # per component: how many of its relations were leading rows

    def of(self, component: int) -> LocalRelations:
        first, last = self.starts[component], self.starts[component + 1]
        begin, end = self.indptr[first], self.indptr[last]
        return LocalRelations(
            self.indptr[first : last + 1] - begin,
            self.indices[begin:end],
            self.coefs[begin:end],
        )


def _grouped(relations: Relations, layout: _Layout, n_leading: int = 0) -> _Grouped:
    """``n_leading``: the first rows of ``relations`` that stay first in each
    component (its covering dims among the inequalities), counted per component."""
    rows = _nonempty(relations)
    owner = layout.component[relations.indices[relations.indptr[rows]]]
    order = np.argsort(owner, kind="stable")
    rows, owner = rows[order], owner[order]
    sizes = relations.sizes()[rows]
    source = np.repeat(relations.indptr[rows], sizes) + ramp(sizes)
    return _Grouped(
        starts=np.searchsorted(owner, np.arange(layout.n_components + 1)),
        indptr=np.r_[0, np.cumsum(sizes)].astype(np.int64),
        indices=layout.local[relations.indices[source]].astype(np.int32),
        coefs=relations.coefs[source].copy(),
        leading=np.bincount(owner[rows < n_leading], minlength=layout.n_components),
    )


# BOUNDED_LOW: a bounded variable (a run of bands, quantile_bounds.py; an
# income slice, quantile_slices.py) is at least its public floor, and no more:
# the insiders' lower bound 1 of a positive cell is left off. A slice's count
# is one whole-number solution of the relations (quantile_slices.exact_counts),
# not the truth, so its being positive says nothing anyone knows, and which
# solution the LP gives depends on the other cells built with it. With the 1,
# a build of one window alone took other slices positive than the full build
# and proved cells below k that the full build had protected: replaying the
# national update's window 2013 of category 3 on last year's counts, every
# cell held, released 170 held variables in 140 components, each liftable to k
# once its slices may be 0 (benchmarks/results.md, 2026-12-08). The audit
# takes slices as at least 0 too. A run of bands is a sum of cells, each
# with its own lower bound, so it loses nothing.


class Tasks:
    """The task and the published cells of every component with a primary cell
    (the others publish every cell and need no task)."""

    def __init__(self, structure: Structure, k: int, insiders: bool):
        equations = as_relations(structure.equations)
        inequalities = as_relations(structure.inequalities)
        self.layout = _layout(structure.n_vars, [equations, inequalities])
        self.values = np.asarray(structure.values, dtype=np.int64)
        self.low = np.asarray(
            lower_bounds(structure.values, structure.present_only, insiders), dtype=np.float64
        )
        if structure.floors is not None:  # a mart's at_least: public by its definition
            self.low = np.maximum(self.low, structure.floors)
        self.hidden = self.need = None
        if structure.hidden is not None or structure.bounded is not None:
            self.hidden = np.zeros(structure.n_vars, dtype=bool)
            self.need = np.full(structure.n_vars, k, dtype=np.int64)
            if structure.hidden is not None:
                self.hidden[structure.hidden] = True
                # a window sum must reach its floor + k - 1 (window_sums.py)
                self.need[structure.hidden] = np.maximum(k, self.low[structure.hidden] + k - 1)
            if structure.bounded is not None:
                # a run of bands or an income slice need reach nothing: it
                # only ties what the attacker knows (quantile_bounds.py,
                # quantile_slices.py)
                self.hidden[structure.bounded] = True
                self.need[structure.bounded] = 0
                # its public floor only, never the insiders' 1 (BOUNDED_LOW)
                floors = structure.floors
                self.low[structure.bounded] = (
                    0.0 if floors is None else floors[structure.bounded].astype(np.float64)
                )
        self.sort_keys = np.asarray(structure.sort_keys, dtype=np.int64)
        self.totals = np.asarray(structure.is_total, dtype=np.int64)
        self.equations = _grouped(equations, self.layout)
        n_covering = structure.n_covering
        self.inequalities = _grouped(
            inequalities, self.layout, len(inequalities) if n_covering is None else n_covering
        )
        primary = (self.values > 0) & (self.values < (k if self.need is None else self.need))
        self.with_primary = np.flatnonzero(
            np.bincount(self.layout.component[primary], minlength=self.layout.n_components)
        )
        self._cells = _cells_by_component(structure.cells, self.layout)

    def __iter__(self) -> Iterator[int]:
        return iter(self.with_primary.tolist())

    def task(self, component: int) -> Task:
        start, end = self.layout.starts[component], self.layout.starts[component + 1]
        members = self.layout.order[start:end]
        keys = self.sort_keys[members]
        ranks = np.empty(len(members), dtype=np.int64)
        # only the order of the sort keys matters: ranks do not depend on where
        # the component's cells sit among all cells (a new year shifts those)
        ranks[np.argsort(keys, kind="stable")] = np.arange(len(members))
        return Task(
            members=members,
            values=self.values[members],
            low=self.low[members],
            eqs=self.equations.of(component),
            ineqs=self.inequalities.of(component),
            keys=ranks,
            totals=self.totals[members],
            n_covering=int(self.inequalities.leading[component]),
            hidden=None if self.hidden is None else self.hidden[members],
            need=None if self.need is None else self.need[members],
        )

    def identity(self, component: int) -> list[bytes]:
        """The published cells of the component, variable by variable."""
        cells = self._cells
        first, last = cells.starts[component], cells.starts[component + 1]
        return [
            cells.local[first:last].astype(np.int32).tobytes(),
            CELL_SEPARATOR.join(cells.marts[first:last]).encode(),
            CELL_SEPARATOR.join(cells.ids[first:last]).encode(),
        ]

    @property
    def cell_rank(self) -> np.ndarray:
        """Per row of the structure's cells: its place in its component's identity
        (0 .. cells of the component - 1). A stored decision names its cells by
        it: the same fingerprint means the same cells in the same order."""
        return self._cells.rank

    def vars_at(self, component: int, ranks: np.ndarray) -> np.ndarray:
        """The variables of the component's cells at these places in its identity."""
        first, last = self._cells.starts[component], self._cells.starts[component + 1]
        if ranks.size and (ranks.min() < 0 or ranks.max() >= last - first):
            raise ValueError(
                f"a stored decision names cell {int(ranks.max())} of a component with "
                f"{last - first} cells: the table int_sdc_cells_suppressed is corrupt "
                "(run dbt with --full-refresh)"
            )
        return self._cells.var[first + ranks]

    def cells_of(self, components: Sequence[int]) -> pd.DataFrame:
        """var, mart, cell_id of every published cell of the components."""
        cells = self._cells
        starts, ends = cells.starts[components], cells.starts[np.asarray(components) + 1]
        rows = np.repeat(starts, ends - starts) + ramp(ends - starts)
        return pd.DataFrame(
            {"var": cells.var[rows], "mart": cells.marts[rows], "cell_id": cells.ids[rows]}
        )


@dataclass(frozen=True)
class _Cells:
    """The published cells sorted by component, variable, mart and cell id."""

    starts: np.ndarray  # per component: where its cells start (one more)
    var: np.ndarray
    local: np.ndarray
    marts: np.ndarray  # the names (objects)
    ids: np.ndarray  # the cell ids (objects)
    rank: np.ndarray  # per row of the structure's cells, unsorted: its place in its component


def _cells_by_component(cells: pd.DataFrame, layout: _Layout) -> _Cells:
    var = cells["var"].to_numpy(dtype=np.int64)
    position = np.empty(len(layout.order), dtype=np.int64)
    position[layout.order] = np.arange(len(layout.order))
    # integer sort keys: nationally, sorting millions of cell ids as strings took
    # gigabytes; a variable has one cell per mart, so (variable, mart) decides
    marts, names = pd.factorize(cells["mart"].to_numpy(dtype=object), sort=True)
    order = np.lexsort((marts, position[var]))
    ids = cells["cell_id"].to_numpy(dtype=object)[order]
    _sort_ties_by_id(position[var][order], marts[order], ids, order)
    sorted_var = var[order]
    component = layout.component[sorted_var]
    starts = np.r_[0, np.cumsum(np.bincount(component, minlength=layout.n_components))]
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order)) - starts[component]
    return _Cells(
        starts=starts.astype(np.int64),
        var=sorted_var,
        local=layout.local[sorted_var],
        marts=np.asarray(names, dtype=object)[marts[order]],
        ids=ids,
        rank=rank,
    )


def _sort_ties_by_id(position: np.ndarray, marts: np.ndarray, ids: np.ndarray, order) -> None:
    """Where one variable has several cells of one mart (identities can merge
    them), order those by cell id, in place."""
    tied = np.flatnonzero((position[1:] == position[:-1]) & (marts[1:] == marts[:-1]))
    if not tied.size:
        return
    for start in tied[np.r_[True, np.diff(tied) > 1]].tolist():
        end = start + 1
        while end < len(ids) and position[end] == position[start] and marts[end] == marts[start]:
            end += 1
        by_id = start + np.argsort(ids[start:end].astype(str), kind="stable")
        ids[start:end], order[start:end] = ids[by_id], order[by_id]
