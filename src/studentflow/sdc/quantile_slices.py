"""The employed of a cell by income slice: what the quartiles of several rows of
one cell say together (docs/disclosure-control.md section 10).

quantile_bounds.py reads each row's quartiles alone, as floors on runs of its
own bands. A mart split by sex publishes the quartiles of `Totalt` and of each
sex, over persons the `Totalt` row is the union of, and the quartile values
fall inside bands: a `Totalt` median of 390 200 over 53 employed leaves at most
26 above 390 200; a women's median of 403 900 over 45 puts at least 23 women
there, so at most 3 men earn more than 390 200, which bounds the men's bands
from 400 000 up. No single row's runs say that.

Here the attacker's whole reasoning is written out. The values every row's
quartiles and every band edge name cut the incomes into slices: each value is a
slice of its own, and so is each open interval between two neighbours. Per leaf
row (each sex, or the `Totalt` row where the mart is not split) the employed in
each slice are a hidden count (e); a band counts the employed in its slices and
others (the not employed with an income there, ne: the bands count everyone not
emigrated). A row's employed are its leaves' together. Each published quartile
q of a row of N employed (``quantile_cont``: between the values at lo =
floor((N-1)p) and hi = ceil((N-1)p)) gives four facts on the row's slices:
at least lo + 1 at or below q, at least N - hi at or above q, at most hi below
q and at most N - 1 - lo above q. The slices summing to N, the first and the
third say the other two. Neighbours in one band that every fact counts alike
(either side of a band edge no quartile falls on) share one variable
(:func:`distinct`): the relations count them together anyway.

Each leaf's slices are variables no mart publishes (at least 0); the
relations (dicts {variable: coefficient}: an equation = 0, an inequality <= 0):
- a leaf's employed (the ``of`` row) are its slices together;
- each band is at least the employed in its slices (the rest, ne, are the not
  employed with an income there);
- ``not_employed``: the not employed with an income (etablering `svag
  position`) are in the bands above the first, less the employed there; those
  without one (`utanför`, and no record: studier `Okänt`) in the first band,
  less the employed there, or in the unknown band;
- each quartile row's facts, over the slices of its leaves, scaled by its count
  N: a floor f is f/N x N - slices <= 0 (N's cell holds N wherever the facts
  are known: the quartiles are published only beside it);
- ``employed_from_threshold``: a row whose persons are all employed with the
  measure at least a public threshold (etablerad: at least the lowest of UKÄ's
  thresholds of the window's years, the aggregate's column, as
  threshold_bands.py reads it) is at most its leaves' employed in the slices
  from the threshold up (a cut of its own). threshold_bands.py says less: the
  bands from the one holding the threshold, which count the not employed too.
The audit numbers the slices after its cells and reads the published quartiles
(audit/quantile_slices.py); the engine adds them as hidden variables, from the
quartiles of every row of at least k_magnitude persons (a stronger attacker, as
quantile_bounds.py), each slice's count a whole-number solution of the
relations at the exact counts (the true counts are one; no mart shows them, so
any one serves as the point the engine's protection moves from).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from studentflow.sdc import bands
from studentflow.sdc.cells import StructureError
from studentflow.sdc.quantile_bounds import QUANTILES, keys_of, of_rows
from studentflow.sdc.relations import Relations


@dataclass(frozen=True)
class Fact:
    """The employed of a row in the slices of ``mask`` are at least (``sense``
    'ge') or at most ('le') ``bound``."""

    mask: np.ndarray
    sense: str
    bound: int


def slices(edges: np.ndarray, values) -> tuple[np.ndarray, np.ndarray]:
    """(a value inside each slice, each slice's band) for the bands' least values
    ``edges`` (the first -inf) and the quartile values ``values``. A slice's value
    compares with every cut as the whole slice does, as no cut lies inside it."""
    cuts = np.unique(np.r_[edges[np.isfinite(edges)], np.asarray(values, dtype=float)])
    if not len(cuts):
        return np.array([0.0]), np.array([0])
    between = (cuts[:-1] + cuts[1:]) / 2
    inside = np.empty(2 * len(cuts) + 1)
    inside[0], inside[-1] = cuts[0] - 1, cuts[-1] + 1
    inside[1:-1:2] = cuts
    inside[2:-1:2] = between
    band = np.searchsorted(edges, inside, side="right") - 1
    return inside, band


def facts(n: int, quantiles, inside: np.ndarray) -> list[Fact]:
    """What a row's published ``quantiles`` (in QUANTILES' order) over its ``n``
    employed say about its slices (values ``inside``), less what every count
    satisfies anyway (a floor of nothing, a cap of all)."""
    found = []
    for p, q in zip(QUANTILES.values(), quantiles, strict=True):
        lo, hi = int(np.floor((n - 1) * p)), int(np.ceil((n - 1) * p))
        # at least n - hi at or above q and at most n - 1 - lo above it follow
        # from these two, the row's slices summing to n
        found += [Fact(inside <= q, "ge", lo + 1), Fact(inside < q, "le", hi)]
    return [f for f in found if (f.bound > 0 if f.sense == "ge" else f.bound < n)]


def distinct(band: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """The slices (positions) worth a variable of their own: the first of each
    run of neighbours in one band that every mask takes alike. Every relation
    counts such a run whole (a band, a fact, a leaf's total), so one variable
    for the run says exactly what one per slice would: a band edge no quartile
    falls on, or a quartile of a row whose count is not published, cuts
    nothing."""
    changes = band[1:] != band[:-1]
    if masks:
        stacked = np.vstack(masks)
        changes |= (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)
    return np.flatnonzero(np.r_[True, changes])


@dataclass
class Written:
    """The relations found so far, and the hidden slice variables, numbered
    from ``first``, with each one's cell (its keys)."""

    first: int
    equations: list = field(default_factory=list)
    inequalities: list = field(default_factory=list)
    owner: list = field(default_factory=list)  # per hidden variable: its cell's key
    # per cell: where its equations, inequalities and hidden variables start
    starts: list = field(default_factory=list)

    def hidden(self, count: int, key) -> np.ndarray:
        numbers = self.first + len(self.owner) + np.arange(count)
        self.owner += [key] * count
        return numbers


def cell_keys(mart: dict, entry: dict) -> list[str]:
    """The dims a cell of slices is per: the row's (quantile_bounds.keys_of) but
    the ``split``."""
    return [dim for dim in keys_of(mart, entry) if dim != entry["split"]]


def relations(entry: dict, total: str, keys: list[str], cells, rows: pd.DataFrame, out: Written):
    """Adds to ``out`` the relations of every cell (``keys``: :func:`cell_keys`)
    of the mart's ``cells`` (its dims and ``__var``) with a quartile row in
    ``rows`` (the row keys as texts, ``n`` and the quartile columns; with
    ``__threshold`` (:func:`with_thresholds`) also the rows of no quartiles)."""
    if "__threshold" not in rows:
        rows = rows.assign(__threshold=np.nan)
    framed = _framed(entry, cells)
    framed = framed.merge(rows.loc[rows["n"].notna(), keys].drop_duplicates(), on=keys)
    # the same cells on both sides, so that both number them alike
    rows = rows.merge(framed[keys].drop_duplicates(), on=keys, how="inner")
    framed, shown = _by_cell(framed, keys), _by_cell(rows, keys)
    arrays = {
        "split": shown[entry["split"]].to_numpy(object),
        "n": shown["n"].to_numpy(float),
        "quartiles": shown[[f"{entry['measure']}_{s}" for s in QUANTILES]].to_numpy(float),
        "threshold": shown["__threshold"].to_numpy(float),
    }
    parts = _Parts(framed, entry["split"])
    edges = bands.edges(entry["bands"])
    for cell, key in enumerate(framed["__key"].drop_duplicates().tolist()):
        out.starts.append((len(out.equations), len(out.inequalities), len(out.owner)))
        mine = slice(*np.searchsorted(shown["__code"].to_numpy(), [cell, cell + 1]))
        told = {name: values[mine] for name, values in arrays.items()}
        _cell(total, key, parts.of_cell(cell), told, edges, out)


def _cell(total: str, key, own: dict, shown: dict, edges: np.ndarray, out: Written) -> None:
    """Adds one cell's slices and relations to ``out``: ``own``, its rows
    (:class:`_Parts`); ``shown``, its quartile rows' split value, ``n``,
    quartiles and threshold (arrays; n NaN where only the threshold is known)."""
    leaves = sorted(set(own["split"].tolist()) - {total}) or [total]
    of_var, above_var = _vars_of(own, own["of"]), _vars_of(own, own["role"] == "above")
    known = np.isfinite(shown["n"]) & np.isin(shown["split"], list(of_var))
    above = np.isfinite(shown["threshold"]) & np.isin(shown["split"], list(above_var))
    cuts = np.r_[shown["quartiles"][known].ravel(), shown["threshold"][above]]
    inside, band = slices(edges, cuts)
    told = [
        (row_of, int(n), facts(int(n), values, inside))
        for row_of, n, values in zip(
            shown["split"][known], shown["n"][known], shown["quartiles"][known], strict=True
        )
    ]
    from_threshold = [
        (row_of, inside >= threshold)
        for row_of, threshold in zip(shown["split"][above], shown["threshold"][above], strict=True)
    ]
    masks = [fact.mask for *_, found in told for fact in found]
    kept = distinct(band, [*masks, *(mask for _, mask in from_threshold)])
    numbers = {
        leaf: _leaf(_taken(own, own["split"] == leaf), band[kept], key, out) for leaf in leaves
    }

    def under(row_of) -> list[np.ndarray]:
        return [numbers[leaf] for leaf in (leaves if row_of == total else [row_of])]

    for row_of, n, found in told:
        for fact in found:
            out.inequalities.append(_fact(fact, kept, n, of_var[row_of], under(row_of)))
    for row_of, mask in from_threshold:
        inner = np.concatenate([numbers[mask[kept]] for numbers in under(row_of)])
        out.inequalities.append(
            {above_var[row_of]: 1.0, **dict.fromkeys(inner[inner >= 0].tolist(), -1.0)}
        )


def _vars_of(own: dict, mask: np.ndarray) -> dict:
    """The split value -> variable of the cell's rows in ``mask``."""
    return dict(zip(own["split"][mask].tolist(), own["var"][mask].tolist(), strict=True))


def with_thresholds(entry: dict, keys: list[str], rows: pd.DataFrame, frame: pd.DataFrame):
    """``rows`` (quartile rows: the row ``keys`` as texts) with ``__threshold``:
    the threshold of the row of the same keys in ``frame`` (an aggregate's rows)
    that the entry's ``employed_from_threshold`` names, NaN where none; such a
    row without quartiles is added (n NaN): its persons are still among the
    employed its cell's slices count."""
    told = entry.get("employed_from_threshold")
    if not told:
        return rows.assign(__threshold=np.nan)
    if {"where", "threshold"} - set(told):
        raise StructureError(
            f"quantile_slices: '{entry['mart']}' employed_from_threshold needs where and threshold"
        )
    column = told["threshold"]
    missing = [c for c in [*keys, *told["where"], column] if c not in frame]
    if missing:
        raise StructureError(f"quantile_slices: mart '{entry['mart']}' lacks {missing}")
    above = frame[bands.matching(frame, told["where"]) & frame[column].notna().to_numpy()]
    found = above[keys].astype(str).assign(__threshold=above[column].to_numpy(float))
    return rows.merge(found, on=keys, how="outer")


def _by_cell(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` sorted by its cell (``keys``), with the cell's number (``__code``,
    in sorted order) and its keys as a tuple (``__key``)."""
    texts = [frame[k].astype(str) for k in keys]
    key = pd.Series(list(zip(*texts, strict=True)), index=frame.index)
    codes, _ = pd.factorize(key, sort=True)
    return frame.assign(__code=codes, __key=key).sort_values("__code", kind="stable")


class _Parts:
    """The rows of ``framed`` (sorted by cell: :func:`_by_cell`) as arrays."""

    def __init__(self, framed: pd.DataFrame, split: str):
        self.code = framed["__code"].to_numpy()
        self.arrays = {
            "split": framed[split].to_numpy(object),
            "band": framed["__band"].to_numpy(np.int64),
            "of": framed["__of"].to_numpy(bool),
            "role": framed["__role"].to_numpy(object),
            "var": framed["__var"].to_numpy(np.int64),
        }

    def of_cell(self, cell: int) -> dict[str, np.ndarray]:
        first, stop = np.searchsorted(self.code, [cell, cell + 1])
        return {name: values[first:stop] for name, values in self.arrays.items()}


def _taken(own: dict, mask: np.ndarray) -> dict:
    return {name: values[mask] for name, values in own.items()}


def _framed(entry: dict, cells: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``cells`` the relations read, with ``__band`` (-1: none),
    ``__of`` and ``__role`` (:func:`_roles`)."""
    is_band, number = bands.band_rows(cells, entry["bands"])
    framed = cells.astype({c: str for c in cells.columns if c != "__var"})
    framed["__band"] = np.where(is_band, number, -1)
    framed["__of"] = of_rows(framed, entry)
    framed["__role"] = _roles(framed, entry)
    return framed[is_band | framed["__of"].to_numpy() | (framed["__role"] != "").to_numpy()]


def _roles(framed: pd.DataFrame, entry: dict) -> np.ndarray:
    """Each row's part in what the entry's ``not_employed`` says: 'with' (not
    employed, with an income), 'without' (without one), 'unknown' (the bands' row
    of an unknown income); 'above' (``employed_from_threshold``: employed, from a
    threshold up); '' for the others."""
    roles = np.full(len(framed), "", dtype=object)
    told = entry.get("not_employed") or {}
    for role in ("with", "without"):
        for where in told.get(f"{role}_income") or []:
            roles[bands.matching(framed, where)] = role
    above = entry.get("employed_from_threshold")
    if above:
        roles[bands.matching(framed, above["where"])] = "above"
    if told.get("unknown_band") is not None:
        unknown = {**entry["bands"]["where"], entry["bands"]["column"]: told["unknown_band"]}
        roles[bands.matching(framed, unknown)] = "unknown"
    return roles


def _leaf(own: dict, band: np.ndarray, key, out: Written) -> np.ndarray:
    """A leaf's slice variables (-1 for a slice in a band the leaf has no row of:
    none there) and their relations to the leaf's cells (``own``: its rows as
    arrays)."""
    is_band = own["band"] >= 0
    band_of, band_var = own["band"][is_band], own["var"][is_band]
    present = np.isin(band, band_of)
    numbers = np.full(len(band), -1, dtype=np.int64)
    numbers[present] = out.hidden(int(present.sum()), key)
    of = own["var"][own["of"]]
    if len(of):
        out.equations.append({int(of[0]): 1.0, **dict.fromkeys(numbers[present].tolist(), -1.0)})
    for number, var in zip(band_of.tolist(), band_var.tolist(), strict=True):
        out.inequalities.append({**dict.fromkeys(numbers[band == number].tolist(), 1.0), var: -1.0})
    for kind, first in (("with", False), ("without", True)):
        told = own["var"][own["role"] == kind].tolist()
        if not told:
            continue
        lower = band_var[(band_of == 0) == first].tolist()
        if kind == "without":
            lower += own["var"][own["role"] == "unknown"].tolist()
        inner = numbers[((band == 0) == first) & (numbers >= 0)].tolist()
        relation = {**dict.fromkeys([*told, *inner], 1.0), **dict.fromkeys(lower, -1.0)}
        out.inequalities.append(relation)
    return numbers


def _fact(fact: Fact, kept: np.ndarray, n: int, of: int, under: list[np.ndarray]) -> dict:
    """One fact over the leaves' slices (the ``kept`` ones: :func:`distinct`) as
    an inequality, scaled by the row's count ``of`` (n)."""
    inner = np.concatenate([numbers[fact.mask[kept]] for numbers in under])
    sign = -1.0 if fact.sense == "ge" else 1.0
    return {**{int(v): sign for v in inner[inner >= 0]}, of: -sign * fact.bound / n}


def exact_counts(out: Written, values) -> np.ndarray:
    """A whole-number count per hidden slice variable of ``out`` that every
    relation holds with, the cells at their exact ``values`` (the true counts
    are one solution). One LP over every cell (the cells share no variable);
    a cell whose solution is not whole numbers is solved again alone as an
    integer programme. Stops, naming the cell, where there is none: its
    quartiles, bands and counts do not fit together."""
    system = _System(out, values)
    found = system.solved(system.rows_of(range(len(out.starts))), integer=False)
    if found is None:
        found = np.zeros(len(out.owner))
        fractional = range(len(out.starts))
    else:
        found = np.round(found)
        fractional = system.broken_cells(found)
    for cell in fractional:
        first, stop = system.columns_of(cell)
        if stop == first:
            continue
        alone = system.solved(system.rows_of([cell]), integer=True, columns=(first, stop))
        if alone is None:
            raise StructureError(
                f"quantile_slices: the quartiles, bands and counts of the cell "
                f"{out.owner[first]} do not fit together (no whole-number slice counts)"
            )
        found[first:stop] = alone
    return np.round(found).astype(np.int64)


class _System:
    """The relations of ``out`` over its hidden variables (columns), the cells'
    exact ``values`` moved to the bounds, as CSR arrays."""

    def __init__(self, out: Written, values):
        eq, le = Relations.from_dicts(out.equations), Relations.from_dicts(out.inequalities)
        self.n_eq, self.starts, self.n = len(eq), out.starts, len(out.owner)
        self.ends = [*out.starts[1:], (len(eq), len(le), self.n)]
        indptr = np.r_[eq.indptr, le.indptr[1:] + eq.indptr[-1]]
        indices = np.r_[eq.indices, le.indices].astype(np.int64) - out.first
        coefs = np.r_[eq.coefs, le.coefs]
        row = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        cell = indices < 0
        known = np.asarray(values, dtype=float)[indices[cell] + out.first]
        bound = -np.bincount(row[cell], coefs[cell] * known, minlength=len(indptr) - 1)
        self.upper = bound
        self.lower = np.where(np.arange(len(bound)) < len(eq), bound, -np.inf)
        self.row, self.column, self.coef = row[~cell], indices[~cell], coefs[~cell]

    def rows_of(self, cells) -> np.ndarray:
        """The rows of the ``cells`` (numbers in ``starts``)."""
        parts = []
        for cell in cells:
            (eq0, le0, _), (eq1, le1, _) = self.starts[cell], self.ends[cell]
            parts += [np.arange(eq0, eq1), self.n_eq + np.arange(le0, le1)]
        return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def columns_of(self, cell: int) -> tuple[int, int]:
        return self.starts[cell][2], self.ends[cell][2]

    def broken_cells(self, x: np.ndarray) -> list[int]:
        """The cells with a relation the whole numbers ``x`` break (the LP's
        solution rounded: a vertex need not be whole)."""
        value = np.bincount(self.row, self.coef * x[self.column], minlength=len(self.upper))
        broken = (value > self.upper + 1e-6) | (value < self.lower - 1e-6)
        rows = np.flatnonzero(broken)
        ends = np.array([self.n_eq + end[1] for end in self.ends], dtype=np.int64)
        eq_ends = np.array([end[0] for end in self.ends], dtype=np.int64)
        cells = np.where(
            rows < self.n_eq,
            np.searchsorted(eq_ends, rows, "right"),
            np.searchsorted(ends, rows, "right"),
        )  # fmt: skip
        return sorted(set(cells.tolist()))

    def solved(self, rows: np.ndarray, integer: bool, columns=None) -> np.ndarray | None:
        """A solution over the ``rows`` (columns first..stop, default all), None
        where there is none."""
        first, stop = columns or (0, self.n)
        taken = np.isin(self.row, rows)
        local = np.searchsorted(rows, self.row[taken])
        matrix = sparse.csc_matrix(
            (self.coef[taken], (local, self.column[taken] - first)), shape=(len(rows), stop - first)
        )
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        n = stop - first
        solver.passModel(
            n, len(rows), matrix.nnz, int(highspy.MatrixFormat.kColwise),
            int(highspy.ObjSense.kMinimize), 0.0, np.zeros(n), np.zeros(n), np.full(n, np.inf),
            self.lower[rows], self.upper[rows], matrix.indptr.astype(np.int32),
            matrix.indices.astype(np.int32), matrix.data.astype(float),
            np.full(n, 1 if integer else 0, dtype=np.int32),
        )  # fmt: skip
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(solver.getSolution().col_value, dtype=float)
