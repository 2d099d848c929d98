"""The audit pipeline: published cells -> relations -> components -> intervals.

Per protected cell, in order of cost: known bounds (row existence, midpoint
display), bound propagation over all relations, a component of one relation
(propagation is exact there), then LP (lp.py): witness points, the rank test
(fixed by equations alone) for the cells they leave undecided, and each
remaining cell's own LPs; cells that identities hold equal are one column
throughout (identities.py). A cell is a leak when its interval is one value
('exact'), or a count whose interval lies in 1..k-1 ('small'); a protected
mean whose sum is one value is 'mean'.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from studentflow.audit import (
    bounds,
    components,
    identities,
    last_release,
    quantile_bounds,
    quantile_slices,
    relations,
    report,
    slices,
    structure,
    threshold_bands,
    window_points,
    window_sums,
)
from studentflow.audit.manifest import Manifest, load
from studentflow.audit.solving import EPS, Intervals, classify, solve_every_component


@dataclass(frozen=True)
class AuditOptions:
    """How the audit runs; no option changes its result."""

    workers: int = 1  # processes solving components
    cache_dir: Path | None = None  # keep LP results per component here (cache.py)
    keep_slices: bool = False  # and the results of unchanged periods (slices.py)


@dataclass
class AuditResult:
    cells: pd.DataFrame  # protected cells with interval, status, method
    undeclared: list[str]
    inferred: list[str]
    inconsistent: list[str]
    seconds: float
    n_components: int
    n_lp: int
    k: int
    n_reused: int = 0  # components whose LP result came from the cache
    relation_arrays: tuple = field(default_factory=tuple)  # rel, cell, coef, eq, labels
    frame: pd.DataFrame | None = None  # every published cell (the attacker's input)
    # slices kept from the last audit (their cells are not in `cells`), of n_slices
    kept: list[slices.SliceResult] = field(default_factory=list)
    n_slices: int = 0
    # protected cells the last release published with their count now (last_release.py)
    revealed: int | None = None

    @property
    def leaks(self) -> pd.DataFrame:
        return self.cells[self.cells["status"] != "safe"]

    @property
    def failed(self) -> bool:
        return bool(len(self.leaks) or self.undeclared or self.inconsistent)


def _reduce(
    frame: pd.DataFrame, found, hidden: list[tuple[window_sums.Sums, str]], n_slices: int
) -> tuple:
    """The relations as arrays, the relations the published figures break, and the system
    reduced to the protected cells; the ``hidden`` sums (each with its label: the window
    sums, then the quantile bounds) are protected cells after the published ones, each
    equal to its cells (window_sums.py, quantile_bounds.py); the ``n_slices`` hidden
    slice cells follow them, at least 0, their relations in ``found``
    (quantile_slices.py)."""
    rel, cell, coef = found.arrays()
    eq = np.array([s == "eq" for s in found.sense], dtype=bool)
    n = sum(len(sums) for sums, _ in hidden) + n_slices
    protected = np.r_[frame["protected"].to_numpy(dtype=bool), np.ones(n, dtype=bool)]
    values = np.r_[frame["value"].to_numpy(dtype=float, na_value=np.nan), np.full(n, np.nan)]
    floors = [sums.table["floor"].to_numpy(float) for sums, _ in hidden]
    lo = np.r_[frame["lo"].to_numpy(dtype=float), *floors, np.zeros(n_slices)]
    hi = np.r_[frame["hi"].to_numpy(dtype=float), np.full(n, np.inf)]
    all_rel, all_cell, all_coef, labels = [rel], [cell], [coef], list(found.label)
    for sums, label in hidden:
        all_rel.append(sums.rel + len(labels))
        all_cell.append(sums.cell)
        all_coef.append(sums.coef)
        labels += [label] * len(sums)
    all_rel, all_cell, all_coef = (
        np.concatenate(all_rel),
        np.concatenate(all_cell),
        np.concatenate(all_coef),
    )
    all_eq = np.r_[eq, np.ones(n - n_slices, dtype=bool)]
    broken = components.inconsistent(all_rel, all_cell, all_coef, all_eq, protected, values)
    system = components.reduce(
        all_rel, all_cell, all_coef, all_eq, labels, protected, values, lo, hi
    )
    return (rel, cell, coef, eq), broken, system


def _published_cells(frame, columns, integer, attack: _Attack, k: int, first: int):
    """The cell table (_cell_table) of the published cells: the columns after
    ``first`` are the window sums (window_sums.py). A cell an identity merged with
    a sum has the sum's wanted high where witnesses settled it (solving._apply):
    not its maximum, so NaN as for any witness-settled cell."""
    shown = columns < first
    iv = attack.intervals
    high = np.where(iv.method == "lp-witness", np.nan, iv.high)
    return _cell_table(
        frame,
        columns[shown],
        integer[shown],
        Intervals(iv.low[shown], high[shown], iv.status[shown], iv.method[shown]),
        attack.component[shown],
        k,
    )


def _cell_table(
    frame: pd.DataFrame, columns, integer, iv: Intervals, column_component, k: int
) -> pd.DataFrame:
    """The protected cells with interval, status, method and component, in cell order.

    The columns are put together as arrays and the cells' rows taken from ``frame``
    once, in cell order: selecting, joining and sorting the rows took three copies of
    every text column (nationally 2 GiB more at the audit's peak)."""
    # protected cells in no relation: only their own known bounds
    # a mask, not np.setdiff1d: its hash-based unique of both arrays took 10 s nationally
    alone_mask = frame["protected"].to_numpy(dtype=bool, copy=True)
    alone_mask[columns] = False
    alone = np.flatnonzero(alone_mask)
    integer_all = (frame["quantity"] == "count").to_numpy()
    lo_alone = frame["lo"].to_numpy(float)[alone]
    hi_alone = frame["hi"].to_numpy(float)[alone]
    index = np.concatenate([columns, alone])
    order = np.argsort(index, kind="stable")
    columns = {
        "cell_index": index,
        "low": np.concatenate([np.where(integer, np.ceil(iv.low - EPS), iv.low), lo_alone]),
        "high": np.concatenate([np.where(integer, np.floor(iv.high + EPS), iv.high), hi_alone]),
        "status": np.concatenate(
            [iv.status, classify(lo_alone, hi_alone, integer_all[alone], k)]
        ).astype(object),
        "method": np.concatenate(
            [iv.method, np.full(len(alone), "no relation", dtype=object)]
        ).astype(object),
        "component": np.concatenate(
            [
                column_component if len(column_component) else np.full(len(index) - len(alone), -1),
                np.full(len(alone), -1),
            ]
        ).astype(np.int64),
    }
    out = _take_rows(frame, index[order])
    for name, values in columns.items():
        out[name] = values[order]
    return out


# texts the report groups and sorts by; the other texts (the marts' dims, display)
# are taken as categories
_PLAIN_TEXTS = {"mart", "count", "quantity"}


def _take_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame``'s rows in this order, the dim texts as categories.

    The dims are the union of every mart's columns, mostly NULL for any one mart;
    taking them as texts copied an 8-byte offset per row and column (nationally
    about 1.2 GiB of the audit's peak after an update). As categories each row
    holds a small code, and the values read the same."""
    texts = [
        name
        for name in frame.columns
        if name not in _PLAIN_TEXTS and pd.api.types.is_string_dtype(frame[name].dtype)
    ]
    out = frame.drop(columns=texts).take(rows).reset_index(drop=True)
    for name in texts:
        codes, values = pd.factorize(frame[name])
        out[name] = pd.Categorical.from_codes(codes[rows], categories=values)
    return out[list(frame.columns)]


@dataclass
class _Attack:
    """Per column of the reduced system: interval, status, method and component."""

    intervals: Intervals
    component: np.ndarray
    n_components: int
    n_lp: int
    n_reused: int


def _attack(
    system, integer, k, inconsistent: list[str], options: AuditOptions, only=None
) -> _Attack:
    """Propagation, components and LPs on the system with identity-linked cells merged;
    every cell of a group takes its group's interval, status and component. ``only``:
    the columns whose LPs are wanted (None: every column); the others' statuses are
    propagation's."""
    merged = identities.merge(system, integer)
    if only is not None:
        wanted = np.zeros(len(merged.integer), dtype=bool)
        wanted[merged.group[only]] = True
        only = wanted
    lo, hi, infeasible = bounds.propagate(merged.system, merged.integer)
    n_comp, column_component, row_component = components.split(merged.system)
    iv = Intervals(
        lo.copy(),
        hi.copy(),
        classify(lo, hi, merged.integer, k),
        np.full(len(merged.integer), "propagation", dtype=object),
    )
    if len(infeasible):
        cells = int(np.isin(merged.group, infeasible).sum())  # a merged column is a group
        inconsistent.append(f"{cells} protected cells have no value fitting the relations")
    n_lp, n_reused = solve_every_component(
        merged.system,
        components.blocks(merged.system.a, row_component, column_component, n_comp),
        lo,
        hi,
        merged.integer,
        k,
        iv,
        inconsistent,
        options,
        only,
    )
    group = merged.group
    return _Attack(
        Intervals(iv.low[group], iv.high[group], iv.status[group], iv.method[group]),
        column_component[group],
        n_comp,
        n_lp,
        n_reused,
    )


def audit(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    k: int,
    schema: str = structure.PUBLISHED,
    marts: list[str] | None = None,
    options: AuditOptions | None = None,
    last: Path | None = None,
) -> AuditResult:
    """``last``: the last release's DuckDB file; the cells it published with their
    count now are known to the attacker too (last_release.py)."""
    options = options or AuditOptions()
    started = time.perf_counter()
    published = structure.published_marts(con, schema)
    undeclared = [m for m in published if m not in manifest.marts]
    plan = None
    # a kept slice's result knew nothing of the last release
    if options.keep_slices and options.cache_dir is not None and marts is None and last is None:
        plan = slices.plan(con, manifest, k, schema, options.cache_dir, slices.code_version())
    only = None if plan is None else plan.only()
    if only == {}:  # every slice kept
        result = _nothing_audited(k, undeclared)
    else:
        result = _attack_published(con, manifest, k, schema, marts, options, only, last)
    result.undeclared = undeclared
    if plan is not None:
        _keep_slices(result, plan, options.cache_dir)
    result.seconds = time.perf_counter() - started
    return result


def _attack_windows_first(system, integer, k, inconsistent, options, hidden, linked):
    """(the columns' cells in the order attacked, whether each is a count, the attack,
    each bounded year cell's bound). Without window sums one attack of the whole
    system. With them (window_points.py), first the components holding a sum (the
    windows, with their floors; the sums themselves are not attacked), then the
    others (the years), each linked year cell at most its sums' values in one point
    of the windows, then the year cells that leaves narrowed, jointly with their
    windows. ``hidden``: the window sums and the first hidden slice cell (the slices
    are never attacked: no mart publishes them)."""
    sums, slices_from = hidden
    if not len(sums):
        attack = _attack(system, integer, k, inconsistent, options, only=system.cells < slices_from)
        return system.cells, integer, attack, pd.Series(dtype=float)
    _, column_component, row_component = components.split(system)
    with_sums = np.unique(column_component[_window_sums_at(system.cells, sums)])
    columns, rows = np.isin(column_component, with_sums), np.isin(row_component, with_sums)
    windows = components.restrict(system, rows, columns)
    years = components.restrict(system, ~rows, ~columns)
    is_sum = _window_sums_at(windows.cells, sums)
    only = ~is_sum & (windows.cells < slices_from)
    first = _attack(windows, integer[columns], k, inconsistent, options, only=only)
    high = np.full(len(sums), np.inf)
    high[windows.cells[is_sum] - sums.first] = window_points.caps(windows, is_sum, k)
    bounded = window_sums.year_bounds(linked, high)
    capped = copy.copy(years)
    capped.hi = np.fmin(years.hi, bounded.reindex(years.cells).to_numpy(dtype=float))
    only = capped.cells < slices_from
    second = _attack(capped, integer[~columns], k, inconsistent, options, only=only)
    counts = (integer[~columns], integer[columns])
    links = (linked, sums.first)
    _attack_jointly(second, (years, windows), counts, links, k, inconsistent, options)
    cells, counts = np.r_[windows.cells, years.cells], np.r_[integer[columns], integer[~columns]]
    return cells, counts, _joined(first, second), bounded


def _window_sums_at(cells: np.ndarray, sums: window_sums.Sums) -> np.ndarray:
    """Which of the columns' ``cells`` are window sums (the quantile bounds follow
    them, and are attacked as any cell's component)."""
    return (cells >= sums.first) & (cells < sums.first + len(sums))


def _attack_jointly(second: _Attack, systems, counts, links, k, inconsistent, options) -> None:
    """The year cells the bounded attack ``second`` narrowed, attacked again with
    their windows (window_points.joint_system); their results replace its."""
    years, windows = systems
    attacked = second.intervals.status != "safe"
    if not attacked.any():
        return
    joint, year_column, window_column = window_points.joint_system(years, windows, attacked, *links)
    only = np.zeros(len(year_column), dtype=bool)
    only[year_column >= 0] = attacked[year_column[year_column >= 0]]
    if not only.any():
        return
    integer = np.where(
        year_column >= 0, counts[0][np.maximum(year_column, 0)],
        counts[1][np.maximum(window_column, 0)],
    )  # fmt: skip
    third = _attack(joint, integer, k, inconsistent, options, only=only)
    for name in ("low", "high", "status", "method"):
        getattr(second.intervals, name)[year_column[only]] = getattr(third.intervals, name)[only]


def _joined(first: _Attack, second: _Attack) -> _Attack:
    """Two attacks on disjoint components as one (the second's components after)."""
    a, b = first.intervals, second.intervals
    return _Attack(
        Intervals(
            *(np.r_[getattr(a, f), getattr(b, f)] for f in ("low", "high", "status", "method"))
        ),
        np.r_[
            first.component,
            np.where(second.component >= 0, second.component + first.n_components, -1),
        ],
        first.n_components + second.n_components,
        first.n_lp + second.n_lp,
        first.n_reused + second.n_reused,
    )


def _attack_published(con, manifest: Manifest, k: int, schema: str, marts, options, only, last):
    """The audit of the published cells (of the slices in ``only``, when given)."""
    cells = structure.load_cells(con, manifest, k, schema, marts, only)
    revealed = None
    if last is not None:
        truth = partial(_truth, con, manifest)
        revealed = last_release.reveal(cells, last, manifest, truth)
    frame = cells.frame
    _release_freed()
    found = relations.build(cells, manifest)
    threshold_bands.add(con, manifest, cells, found)
    sums = window_sums.build(con, manifest, cells)
    runs = quantile_bounds.build(con, manifest, cells, schema, len(frame) + len(sums))
    slices_from = len(frame) + len(sums) + len(runs)
    n_slices = quantile_slices.add(con, manifest, cells, schema, slices_from, found)
    _release_freed()
    hidden = [(sums, window_sums.LABEL), (runs, quantile_bounds.LABEL)]
    (rel, cell, coef, eq), broken, system = _reduce(frame, found, hidden, n_slices)
    n_hidden = len(sums) + len(runs) + n_slices
    integer = np.r_[(frame["quantity"] == "count").to_numpy(), np.ones(n_hidden, bool)]
    integer = integer[system.cells]
    inconsistent = [f"published figures break: {found.label[r]}" for r in broken[:20]]
    linked = window_sums.links(sums, manifest, cells)
    columns, integer, attack, bounded = _attack_windows_first(
        system, integer, k, inconsistent, options, (sums, slices_from), linked
    )
    _release_freed()
    out = _published_cells(frame, columns, integer, attack, k, sums.first)
    _release_freed()
    # a band cell names the quantile bounds it is in (a window sum's year cells
    # are named by window_sums.tighten)
    labels = _labels_per_cell(
        np.r_[rel, runs.rel + len(found.label)],
        np.r_[cell, runs.cell],
        [*found.label, *[quantile_bounds.LABEL] * len(runs)],
    )
    out["relations"] = _relations_column(out["cell_index"], labels)
    out = window_sums.tighten(out, bounded, k)
    return AuditResult(
        cells=out,
        undeclared=[],
        inferred=found.inferred,
        inconsistent=inconsistent,
        seconds=0.0,
        n_components=attack.n_components,
        n_lp=attack.n_lp,
        k=k,
        n_reused=attack.n_reused,
        relation_arrays=(rel, cell, coef, eq, found.label),
        frame=frame,
        revealed=revealed,
    )


def _nothing_audited(k: int, undeclared: list[str]) -> AuditResult:
    columns = ["mart", "count", "quantity", "cell_index", "low", "high", "status", "method",
               "component", "relations"]  # fmt: skip
    return AuditResult(
        cells=pd.DataFrame(columns=columns),
        undeclared=undeclared,
        inferred=[],
        inconsistent=[],
        seconds=0.0,
        n_components=0,
        n_lp=0,
        k=k,
    )


def _keep_slices(result: AuditResult, plan: slices.Plan, directory: Path) -> None:
    """Adds the kept slices to the result and stores the slices for the next audit:
    those audited now only when nothing outside any slice failed (an undeclared
    mart, an inconsistency, an inferred relation)."""
    result.kept = plan.kept_results()
    result.n_slices = len(plan.hashes)
    clean = not (result.undeclared or result.inconsistent or result.inferred)
    audited = {}
    if clean:
        audited = slices.results(result.cells, plan, report.order_keys, report.LIMIT)
    slices.save(directory, {plan.hashes[key]: plan.stored[plan.hashes[key]]
                            for key in plan.kept}, audited)  # fmt: skip


def _release_freed() -> None:
    """Hand the blocks Arrow's allocator keeps after a phase back to the system.

    The published cells' texts live in Arrow buffers (structure.load_cells), and the
    allocator (mimalloc) keeps what a phase frees for later use; the phases' transients
    then add up at the audit's peak (nationally 6.77 -> 7.05 GiB without this, 6.9
    with it)."""
    pa.default_memory_pool().release_unused()


def _relations_column(cell_index: pd.Series, labels: pd.Series) -> pd.Series:
    """Each cell's relation kinds ('' when it is in none), as shared object texts: a
    mapped column of Arrow texts held a copy per cell, the audit's national peak."""
    cells, known = labels.index.to_numpy(), labels.to_numpy(dtype=object)
    wanted = cell_index.to_numpy()
    if not len(cells):
        return pd.Series("", index=cell_index.index, dtype=object)
    at = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
    texts = np.where(cells[at] == wanted, known[at], "").astype(object)
    return pd.Series(texts, index=cell_index.index, dtype=object)


def _labels_per_cell(rel, cell, labels) -> pd.Series:
    """The distinct relation kinds each cell is in, as '; '-joined text (names a leak).

    On integer codes: a frame of (cell, label text) pairs with a Python join per
    cell took 15 s on the demo, and nationally (16 M pairs) 6 GiB more memory. The
    Python join now runs once per distinct sequence of kinds (nationally 95), not
    once per cell (7.3 M): 4.8 -> 2.3 s."""
    if len(rel) == 0:
        return pd.Series(dtype=str)
    codes, names = pd.factorize(pd.Series(labels, dtype=object))
    names = np.asarray(names, dtype=object)
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.argsort(names.astype(str), kind="stable")] = np.arange(len(names))
    by_rank = names[np.argsort(rank)]
    # sorted, then each pair once (numpy's hash-based unique took 18 s nationally)
    pairs = np.sort(np.asarray(cell, dtype=np.int64) * len(names) + rank[codes[rel]])
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    cells, label_ranks = pairs // len(names), pairs % len(names)
    starts = np.flatnonzero(np.r_[True, cells[1:] != cells[:-1]])
    sizes = np.diff(np.r_[starts, len(cells)])
    which = _sequence_codes(label_ranks, starts, sizes)
    exemplar = np.zeros(which.max() + 1, dtype=np.int64)
    exemplar[which] = np.arange(len(which))  # some cell of each sequence: all read the same
    texts = np.empty(len(exemplar), dtype=object)
    texts[:] = ["; ".join(by_rank[label_ranks[starts[i] : starts[i] + sizes[i]]]) for i in exemplar]
    # object, not Arrow text: the few distinct texts stay shared, not copied per cell
    index = pd.Index(cells[starts], name="cell")
    return pd.Series(texts[which], index=index, name="label", dtype=object)


def _sequence_codes(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """One code per group of ``values`` (group i: ``sizes[i]`` values from
    ``starts[i]``), equal exactly for groups holding the same sequence. Built
    position by position over the groups that still have one, longest first, so
    each step holds arrays of those groups only and all steps together touch
    each value once."""
    order = np.argsort(-sizes, kind="stable")
    longer = np.searchsorted(-sizes[order], -np.arange(int(sizes.max())), side="left")
    which = np.zeros(len(starts), dtype=np.int64)
    for position in range(int(sizes.max())):
        alive = order[: longer[position]]  # the groups with a value at this position
        value_codes, distinct = pd.factorize(values[starts[alive] + position])
        # codes above every code so far: a group that ended cannot share one
        prefix = pd.factorize(which[alive] * len(distinct) + value_codes)[0]
        which[alive] = which.max() + 1 + prefix
    return pd.factorize(which)[0]


def score(
    con: duckdb.DuckDBPyConnection, manifest: Manifest, result: AuditResult
) -> tuple[pd.DataFrame, dict]:
    """True counts from the internal aggregates, for reporting only (never attack input).

    Returns the protected cells with `true_n`, and checks of the audit
    itself: intervals that miss the true count (must be 0: the audit is
    sound only if the declared relations are true) and declared relations
    the exact counts break, per relation kind.
    """
    frame = result.frame
    truth_all = _truth(con, manifest, frame)
    cells = result.cells.merge(truth_all, on="cell_index", how="left")
    rel, cell, coef, eq, labels = result.relation_arrays
    # the hidden slice cells (quantile_slices.py) have no true count here: their
    # relations, like a sum's, are not checked
    shown = cell < len(frame)
    true = np.zeros(len(frame))
    true[truth_all["cell_index"].to_numpy()] = truth_all["true_n"].to_numpy()
    residual = np.bincount(rel[shown], coef[shown] * true[cell[shown]], minlength=len(eq))
    not_count = np.ones(len(cell), dtype=bool)
    not_count[shown] = (frame["quantity"] != "count").to_numpy()[cell[shown]]
    has_sum = np.bincount(rel, not_count.astype(float), minlength=len(eq)) > 0
    broken = np.where(eq, np.abs(residual) > EPS, residual > EPS) & ~has_sum
    broken_labels = pd.Series(np.asarray(labels, dtype=object)[broken]).value_counts()
    counts = cells["quantity"] == "count"
    missed = counts & (
        (cells["true_n"] < cells["low"] - EPS) | (cells["true_n"] > cells["high"] + EPS)
    )
    checks = {
        "intervals_missing_true_count": int(missed.sum()),
        "declared_relations_broken_by_exact_counts": {
            str(k): int(v) for k, v in broken_labels.items()
        },
    }
    return cells, checks


def _truth(con: duckdb.DuckDBPyConnection, manifest: Manifest, frame: pd.DataFrame):
    cells = frame[frame["quantity"] == "count"].assign(cell_index=lambda f: f.index)
    scored = []
    for mart, sub in cells.groupby("mart"):
        spec = manifest.marts[mart]
        extras = spec.extras()
        columns = [spec.attribute(c) for c in spec.cells] + extras
        # the cells are matched as population attributes (a mart's `attributes`
        # renames them)
        named = structure.aggregate_columns(con, spec)
        select = ", ".join(
            f'cast("{named.get(c, c)}" as varchar) as "{a}"'
            for c, a in zip(spec.cells + extras, columns, strict=True)
        )
        truth = con.execute(
            f'select {select}, n_persons as true_n from aggregates."{spec.aggregate}"'
        ).df()
        renamed = sub[["cell_index"] + spec.cells + extras].rename(
            columns={c: spec.attribute(c) for c in spec.cells}
        )
        merged = renamed.merge(truth, on=columns, how="left")
        scored.append(merged[["cell_index", "true_n"]])
    truth = pd.concat(scored)
    truth["true_n"] = truth["true_n"].fillna(0)
    return truth


def run_audit(
    duckdb_path: Path | str,
    linked_tables: Path | str,
    k: int,
    marts: list[str] | None = None,
    options: AuditOptions | None = None,
    last: Path | None = None,
) -> tuple[AuditResult, Manifest, duckdb.DuckDBPyConnection]:
    manifest = load(linked_tables)
    con = duckdb.connect(str(duckdb_path), read_only=True)
    return audit(con, manifest, k, marts=marts, options=options, last=last), manifest, con
