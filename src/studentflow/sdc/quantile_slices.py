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
q and at most N - 1 - lo above q.

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
  are known: the quartiles are published only beside it).
The audit numbers the slices after its cells and reads the published quartiles
(audit/quantile_slices.py); the engine adds them as hidden variables, from the
quartiles of every row of at least k_magnitude persons (a stronger attacker, as
quantile_bounds.py), each slice's count a whole-number solution of the
relations at the exact counts (the true counts are one; no mart shows them, so
any one serves as the point the engine's protection moves from).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from studentflow.sdc import bands
from studentflow.sdc.cells import StructureError
from studentflow.sdc.quantile_bounds import QUANTILES, keys_of, of_rows


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
        found += [
            Fact(inside <= q, "ge", lo + 1),
            Fact(inside >= q, "ge", n - hi),
            Fact(inside < q, "le", hi),
            Fact(inside > q, "le", n - 1 - lo),
        ]
    return [f for f in found if (f.bound > 0 if f.sense == "ge" else f.bound < n)]


@dataclass
class Written:
    """The relations found so far, the hidden slice variables numbered from
    ``first`` and each one's cell (the row of ``cells`` per variable)."""

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
    ``rows`` (the row keys as texts, ``n`` and the quartile columns)."""
    split = entry["split"]
    framed = _framed(entry, cells)
    framed = framed.merge(rows[keys].drop_duplicates(), on=keys, how="inner")
    quartiles = [f"{entry['measure']}_{s}" for s in QUANTILES]
    by_cell = dict(tuple(rows.groupby(keys, sort=False)))
    for key, part in framed.groupby(keys, sort=True):
        out.starts.append((len(out.equations), len(out.inequalities), len(out.owner)))
        shown = by_cell[key]
        inside, band = slices(bands.edges(entry["bands"]), shown[quartiles].to_numpy(float).ravel())
        leaves = sorted(set(part[split]) - {total}) or [total]
        of_var = part[part["__of"]].set_index(split)["__var"]
        numbers = {leaf: _leaf(part[part[split] == leaf], band, key, out) for leaf in leaves}
        for row_of, n, values in zip(
            shown[split], shown["n"], shown[quartiles].to_numpy(float), strict=True
        ):
            if row_of not in of_var.index:
                continue
            under = [numbers[leaf] for leaf in (leaves if row_of == total else [row_of])]
            for fact in facts(int(n), values, inside):
                out.inequalities.append(_fact(fact, int(n), int(of_var[row_of]), under))


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
    of an unknown income); '' for the others."""
    roles = np.full(len(framed), "", dtype=object)
    told = entry.get("not_employed") or {}
    for role in ("with", "without"):
        for where in told.get(f"{role}_income") or []:
            roles[bands.matching(framed, where)] = role
    if told.get("unknown_band") is not None:
        unknown = {**entry["bands"]["where"], entry["bands"]["column"]: told["unknown_band"]}
        roles[bands.matching(framed, unknown)] = "unknown"
    return roles


def _leaf(own: pd.DataFrame, band: np.ndarray, key, out: Written) -> np.ndarray:
    """A leaf's slice variables (-1 for a slice in a band the leaf has no row of:
    none there) and their relations to the leaf's cells."""
    band_vars = own[own["__band"] >= 0].set_index("__band")["__var"]
    present = np.isin(band, band_vars.index.to_numpy())
    numbers = np.full(len(band), -1, dtype=np.int64)
    numbers[present] = out.hidden(int(present.sum()), key)
    of = own.loc[own["__of"], "__var"].to_numpy()
    if len(of):
        out.equations.append({int(of[0]): 1.0, **{int(v): -1.0 for v in numbers[present]}})
    for number, var in band_vars.items():
        out.inequalities.append({**{int(v): 1.0 for v in numbers[band == number]}, int(var): -1.0})
    role = own.set_index("__var")["__role"]
    for kind, first in (("with", False), ("without", True)):
        told = role.index[role == kind].tolist()
        if not told:
            continue
        lower = band_vars[(band_vars.index == 0) == first].tolist()
        if kind == "without":
            lower += role.index[role == "unknown"].tolist()
        inner = numbers[((band == 0) == first) & (numbers >= 0)]
        relation = {int(v): 1.0 for v in [*told, *inner]}
        out.inequalities.append({**relation, **{int(v): -1.0 for v in lower}})
    return numbers


def _fact(fact: Fact, n: int, of: int, under: list[np.ndarray]) -> dict:
    """One fact over the leaves' slices as an inequality, scaled by the row's
    count ``of`` (n)."""
    inner = np.concatenate([numbers[fact.mask] for numbers in under])
    sign = -1.0 if fact.sense == "ge" else 1.0
    return {**{int(v): sign for v in inner[inner >= 0]}, of: -sign * fact.bound / n}


def exact_counts(out: Written, values) -> np.ndarray:
    """A whole-number count per hidden slice variable of ``out`` that every
    relation holds with, the cells at their exact ``values`` (one small integer
    programme per cell; the true counts are one solution). Stops where there is
    none: the quartiles, bands and counts of a cell do not fit together."""
    found = np.zeros(len(out.owner), dtype=np.int64)
    ends = [*out.starts[1:], (len(out.equations), len(out.inequalities), len(out.owner))]
    for (eq0, le0, first), (eq1, le1, stop) in zip(out.starts, ends, strict=True):
        if stop > first:
            solved = _solved(
                out.equations[eq0:eq1], out.inequalities[le0:le1],
                out.first + first, stop - first, values,
            )  # fmt: skip
            if solved is None:
                raise StructureError(
                    f"quantile_slices: the quartiles, bands and counts of the cell "
                    f"{out.owner[first]} do not fit together (no whole-number slice counts)"
                )
            found[first:stop] = solved
    return found


def _solved(equations, inequalities, first: int, n: int, values) -> np.ndarray | None:
    """The integer programme of one cell: its ``n`` hidden variables from ``first``."""
    rows = [*equations, *inequalities]
    matrix, bound = np.zeros((len(rows), n)), np.zeros(len(rows))
    for i, relation in enumerate(rows):
        for var, coef in relation.items():
            if var >= first:
                matrix[i, var - first] = coef
            else:
                bound[i] -= coef * values[var]
    low = np.where(np.arange(len(rows)) < len(equations), bound, -np.inf)
    result = milp(
        np.zeros(n), constraints=LinearConstraint(matrix, low, bound + 1e-9),
        integrality=np.ones(n), bounds=Bounds(0, np.inf),
    )  # fmt: skip
    return None if result.x is None else np.round(result.x).astype(np.int64)
