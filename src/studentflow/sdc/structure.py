"""Public structure -> variables and linear relations over all published cells.

Input: the parsed ``sdc/linked_tables.yml`` (format: docs/disclosure-control.md,
"Linked tables") and, per mart, its exact aggregate as a DataFrame (the cell
columns and the count column). Output: a :class:`Structure` in which

- every published cell is one row of ``cells`` (mart, cell_id) pointing to a
  *variable*; cells that two marts of the same population publish about the
  same persons (same attribute values after renames and identities, an
  attribute a mart does not have counting as the total) share one variable, so
  they get one value and one suppression state;
- ``equations`` hold every linear relation an attacker knows: within a mart
  total - sum(parts) = 0 for each additive dim (all other cell dims fixed),
  and the population's declared cross-mart relations.

The relations are held as :class:`~studentflow.sdc.relations.Relations` (flat
arrays that read as a list of dicts), the sort keys as one integer per variable:
nationally the structure has millions of cells and relations.

A row that is absent from a ``present_only`` mart is a public zero: it is no
variable and is simply missing from its relations.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from studentflow.sdc.relations import DistinctRelations, Relations, as_relations

SEPARATOR = "|"


class StructureError(ValueError):
    """The declaration and the aggregates do not fit together."""


@dataclass
class Structure:
    cells: pd.DataFrame  # mart, cell_id, var
    values: list[int]  # exact count per variable
    present_only: list[bool]  # a row of a present_only mart exists only when > 0
    # deterministic order per variable (first cell seen): the mart's index
    # * 2**32 + the cell's position in the mart's sorted cell ids; only the
    # order of the keys is used
    sort_keys: Sequence[int]
    is_total: list[int]  # number of total members in the variable's canonical key
    # sum(coef * y) = 0, read as a list of dict[int, float] (a list of dicts
    # given is converted)
    equations: Relations = field(default_factory=list)
    # sum(coef * y) <= 0: covering dims (a total counts each person once, a
    # person may be in several parts) and relations with sense '<='
    inequalities: Relations = field(default_factory=list)

    def __post_init__(self):
        self.equations = as_relations(self.equations)
        self.inequalities = as_relations(self.inequalities)

    @property
    def n_vars(self) -> int:
        return len(self.values)


def load_spec(path: str | Path) -> dict:
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(spec, dict) or "marts" not in spec:
        raise StructureError(f"{path}: no 'marts' section")
    return spec


def cell_id(row: dict, cell_dims: list[str]) -> str:
    """The cell's id, as sdc_publish computes it in SQL: dims sorted by name."""
    return SEPARATOR.join(f"{dim}={_text(row[dim])}" for dim in sorted(cell_dims))


def _text(value) -> str:
    """As SQL casts the value to text (integers read through a float column too)."""
    if type(value) is str:
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts, built from plain column lists (much faster than to_dict)."""
    lists = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*lists, strict=True)]


def _cell_ids(texts: pd.DataFrame, cell_dims: list[str]) -> list[str]:
    """cell_id for every row of a frame of texts (the same result, vectorised)."""
    parts = []
    for dim in sorted(cell_dims):
        codes, uniques = pd.factorize(texts[dim].to_numpy(dtype=object))
        labels = np.array([f"{dim}={value}" for value in uniques] + [""], dtype=object)
        parts.append(labels[codes].tolist())
    return [SEPARATOR.join(row) for row in zip(*parts, strict=True)]


def _text_column(column: pd.Series) -> list[str]:
    """_text of every value; a plain numeric column once per distinct value (its
    missing values, NaN, as ''), anything else value by value."""
    values = column.to_numpy(dtype=object)
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":
        codes, uniques = pd.factorize(values)
        labels = np.array([_text(value) for value in uniques] + [""], dtype=object)
        return labels[codes].tolist()
    return [_text(value) for value in values]


def mart_dims(mart_spec: dict) -> list[str]:
    """The aggregate's cell columns: the mart's cells, plus the attribute that a
    mart with several count columns (``counts``) pivots into them."""
    dims = list(mart_spec["cells"])
    for attributes in (mart_spec.get("counts") or {}).values():
        for attr in attributes:
            if attr not in dims:
                dims.append(attr)
    return dims


def _attributes(mart_spec: dict) -> dict[str, str]:
    renames = mart_spec.get("attributes") or {}
    return {dim: renames.get(dim, dim) for dim in mart_dims(mart_spec)}


def _canonical(values: dict[str, str], attrs: list[str], identities: list, total: str) -> tuple:
    """The population-level key of a cell: every attribute, missing ones as total."""
    full = {attr: values.get(attr, total) for attr in attrs}
    for identity in identities:
        left, right = identity["left"], identity["right"]
        left_match = all(full.get(a) == _text(v) for a, v in left.items())
        right_open = all(full.get(a) in (total, _text(v)) for a, v in right.items())
        if left_match and right_open:
            for attr in left:
                full[attr] = total
            for attr, value in right.items():
                full[attr] = _text(value)
    return tuple(full[attr] for attr in attrs)


def _canonical_columns(values: dict, n_rows: int, attrs: list[str], identities: list, total: str):
    """(_canonical of every row as one object array of texts per attribute, each
    row's number of total members), all rows at once: ``values`` holds one object
    array of texts per attribute; the identities are applied in order, as masks
    over the rows."""
    full = {attr: values.get(attr, np.full(n_rows, total, dtype=object)) for attr in attrs}
    full = {attr: column.copy() for attr, column in full.items()}
    for identity in identities:
        left, right = identity["left"], identity["right"]
        if any(attr not in full for attr in [*left, *right]):
            continue  # full.get(attr) is None: never matches, as in _canonical
        mask = np.ones(n_rows, dtype=bool)
        for attr, value in left.items():
            mask &= full[attr] == _text(value)
        for attr, value in right.items():
            mask &= (full[attr] == total) | (full[attr] == _text(value))
        for attr in left:
            full[attr][mask] = total
        for attr, value in right.items():
            full[attr][mask] = _text(value)
    n_totals = np.zeros(n_rows, dtype=np.int64)
    for attr in attrs:
        n_totals += full[attr] == total
    return full, n_totals.tolist()


def _population_attributes(marts: dict) -> dict[str, list[str]]:
    """Per population, the sorted attributes of all its marts (after renames)."""
    pop_attrs: dict[str, list[str]] = {}
    for name, mart in marts.items():
        attrs = pop_attrs.setdefault(mart.get("population", f"__{name}"), [])
        for attr in _attributes(mart).values():
            if attr not in attrs:
                attrs.append(attr)
    for attrs in pop_attrs.values():
        attrs.sort()
    return pop_attrs


def _mart_texts(name: str, mart: dict, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A mart's aggregate as text cells with ``__count`` and ``__id``, sorted by cell id
    (so the result never depends on the aggregate's row order); checked first."""
    if name not in frames:
        raise StructureError(f"no aggregate given for mart '{name}'")
    frame = frames[name]
    dims = mart_dims(mart)
    count = mart.get("aggregate_count", "n_persons")
    missing = [c for c in dims + [count] if c not in frame.columns]
    if missing:
        raise StructureError(f"mart '{name}': aggregate lacks columns {missing}")
    if frame[count].isna().any():
        bad = frame[frame[count].isna()].iloc[0].to_dict()
        raise StructureError(f"mart '{name}': NULL count in column '{count}' at {bad}")
    # column by column on plain object arrays: iterating pandas' arrow
    # strings row by row was most of the structure's time
    texts = pd.DataFrame({dim: _text_column(frame[dim]) for dim in dims}, index=frame.index)
    texts["__count"] = frame[count].astype("int64").to_numpy()
    texts["__id"] = _cell_ids(texts, dims)
    if texts["__id"].duplicated().any():
        bad = texts.loc[texts["__id"].duplicated(), "__id"].iloc[0]
        raise StructureError(f"mart '{name}': cell {bad} occurs twice in the aggregate")
    return texts.sort_values("__id", kind="stable").reset_index(drop=True)


class _Variables:
    """The variables found so far: one per population-level cell key, shared by the
    cells of every mart that publishes it."""

    def __init__(self, total: str):
        self.total = total
        # the variable of each population-level key, encoded by _keys: a tuple of
        # texts per key cost most of the build's memory
        self.var_of_key: dict[bytes, int] = {}
        self.population_codes: dict[str, int] = {}
        self.text_codes: dict[str, dict[str, int]] = {}  # per attribute: text -> code
        self.values: list[int] = []
        self.present_only: list[bool] = []
        self.sort_keys = array("q")  # mart index * 2**32 + position in its sorted cell ids
        self.is_total: list[int] = []
        # the cells, per mart its name, its cell ids (as texts holds them) and the
        # variables: a list of row tuples of Python objects costs far more
        self.cell_marts: list[tuple[str, int]] = []
        self.cell_ids: list[pd.Series] = []
        self.cell_vars: list[np.ndarray] = []
        self.conflicts: list[str] = []

    def add_mart(self, mart_index: int, name: str, mart: dict, texts, attrs, identities):
        """The variable of every cell of one mart, in the order of ``texts``."""
        dims = mart_dims(mart)
        rename = _attributes(mart)
        population = mart.get("population", f"__{name}")
        present = mart.get("rows", "present_only") == "present_only"
        values = {rename[d]: texts[d].to_numpy(dtype=object) for d in dims}
        full, n_totals = _canonical_columns(values, len(texts), attrs, identities, self.total)
        keys = self._keys(population, full, attrs, len(texts))
        counts = texts["__count"].tolist()
        var_ids = []
        # one variable per population-level key, the first cell seen sets it; a
        # plain loop with local names, as it runs once per published cell
        var_of_key, found, present_only = self.var_of_key, self.values, self.present_only
        if len(texts) >= 2**32 or mart_index >= 2**31:
            raise StructureError(f"mart '{name}': too many cells or marts for the sort keys")
        mart_key = mart_index << 32
        for position, (key, n) in enumerate(zip(keys, counts, strict=True)):
            var = var_of_key.get(key)
            if var is None:
                var = len(found)
                var_of_key[key] = var
                found.append(n)
                present_only.append(present)
                self.sort_keys.append(mart_key + position)  # position in sorted cell ids
                self.is_total.append(n_totals[position])
            elif found[var] != n:
                canonical = [full[attr][position] for attr in attrs]
                self.conflicts.append(
                    f"{dict(zip(attrs, canonical, strict=True))}: {n} in mart '{name}', "
                    f"{found[var]} in an earlier mart"
                )
            else:
                present_only[var] = present_only[var] or present
            var_ids.append(var)
        self.cell_marts.append((name, len(texts)))
        self.cell_ids.append(texts["__id"])
        self.cell_vars.append(np.asarray(var_ids, dtype=np.int64))
        return var_ids

    def _keys(self, population: str, full: dict, attrs: list[str], n_rows: int) -> list[bytes]:
        """Each row's population-level key (population, canonical texts) as bytes:
        the population's code and each attribute's text code, 4 bytes each. The
        codes are numbered as first seen, one per distinct text per attribute, and
        a population always has the same attributes, so two keys are equal bytes
        exactly when population and texts are equal."""
        codes = self.population_codes
        columns = [np.full(n_rows, codes.setdefault(population, len(codes)), dtype=np.int64)]
        for attr in attrs:
            codes = self.text_codes.setdefault(attr, {})
            found, texts = pd.factorize(full[attr], use_na_sentinel=False)
            numbered = [codes.setdefault(text, len(codes)) for text in texts]
            mapped = np.array(numbered, dtype=np.int64)
            columns.append(mapped[found])
        if max(len(self.population_codes), *map(len, self.text_codes.values()), 0) >= 2**31:
            raise StructureError("too many distinct attribute values for the keys")
        stacked = np.ascontiguousarray(np.stack(columns, axis=1).astype(np.int32))
        return stacked.view(np.dtype((np.void, 4 * stacked.shape[1]))).ravel().tolist()

    def cells(self) -> pd.DataFrame:
        """mart, cell_id, var of every cell, marts in the order added."""
        columns = ["mart", "cell_id", "var"]
        counts = [count for _, count in self.cell_marts]
        if not sum(counts):
            return pd.DataFrame([], columns=columns)  # as from no rows at all
        names = np.array([name for name, _ in self.cell_marts], dtype=object)
        ids = [found for found, count in zip(self.cell_ids, counts, strict=True) if count]
        return pd.DataFrame(
            {
                "mart": pd.Series(np.repeat(names, counts).tolist()),
                "cell_id": pd.concat(ids, ignore_index=True),
                "var": np.concatenate(self.cell_vars),
            },
            columns=columns,
        )


def _relations(spec: dict, mart_cells: dict[str, pd.DataFrame], values: list[int]):
    """(equations, inequalities): the marts' additive and covering dims, then the
    populations' declared relations, each checked against the exact counts."""
    total = spec.get("total_label", "Totalt")
    marts = spec["marts"]
    # each distinct relation once, over equations and inequalities together
    found_relations = DistinctRelations(2)
    for name, mart in marts.items():
        for kind, target in (("additive", EQUATIONS), ("covering", INEQUALITIES)):
            for dim in mart.get(kind) or []:
                found_relations.add_many(
                    target, _additive_relations(mart_cells[name], mart, total, kind, dim)
                )
    for population, pop_spec in (spec.get("populations") or {}).items():
        for relation in (pop_spec or {}).get("relations") or []:
            if relation.get("kind") == "same_cohort":
                found = _same_cohort_equations(relation, marts, mart_cells)
                target = EQUATIONS
            else:
                found = _declared_equations(relation, marts, mart_cells, total)
                target = INEQUALITIES if relation.get("sense", "=") == "<=" else EQUATIONS
            checked = []
            for equation in found:
                _check(equation, values, population, relation, target == INEQUALITIES)
                equation = {var: coef for var, coef in equation.items() if coef != 0}
                if equation:  # rare: a var that is both total and part cancels out
                    checked.append(equation)
            found_relations.add_many(target, Relations.from_dicts(checked))
    equations, inequalities = found_relations.relations()
    return equations, inequalities


def build_structure(spec: dict, frames: dict[str, pd.DataFrame]) -> Structure:
    populations = spec.get("populations") or {}
    marts = spec["marts"]
    pop_attrs = _population_attributes(marts)
    found = _Variables(spec.get("total_label", "Totalt"))
    mart_cells: dict[str, pd.DataFrame] = {}
    for mart_index, name in enumerate(marts):
        mart = marts[name]
        texts = _mart_texts(name, mart, frames)
        population = mart.get("population", f"__{name}")
        identities = (populations.get(population) or {}).get("identities") or []
        var_ids = found.add_mart(mart_index, name, mart, texts, pop_attrs[population], identities)
        mart_frame = texts[mart_dims(mart)].copy()
        mart_frame["__var"] = var_ids
        mart_cells[name] = mart_frame
    if found.conflicts:
        raise StructureError(
            f"{len(found.conflicts)} common cells (same population and attribute values) "
            "differ between marts - not the same persons? Fix sdc/linked_tables.yml. First: "
            + "; ".join(found.conflicts[:5])
        )
    found.var_of_key = {}  # not needed any more: free it before the relations
    equations, inequalities = _relations(spec, mart_cells, found.values)
    del mart_cells
    cells = found.cells()
    return Structure(
        cells,
        found.values,
        found.present_only,
        found.sort_keys,
        found.is_total,
        equations,
        inequalities,
    )


def _check(equation, values, population, relation, inequality) -> None:
    """A declared relation must hold for the exact counts, or the yml is wrong."""
    residual = sum(coef * values[var] for var, coef in equation.items())
    if residual > 0.5 or (not inequality and residual < -0.5):
        raise StructureError(
            f"population '{population}': relation {relation} does not hold for the exact "
            f"counts (residual {residual:+.0f}); fix sdc/linked_tables.yml"
        )


EQUATIONS, INEQUALITIES = 0, 1  # the targets of DistinctRelations in _relations


def _additive_relations(frame: pd.DataFrame, mart: dict, total: str, kind: str, dim: str):
    """total - sum(parts) for each group of rows equal in every cell dim but ``dim``
    (listed under ``kind``), as :class:`Relations`: entries in row order (totals
    first), a variable in several rows added up at its first place, entries that
    cancel out dropped."""
    dims = mart_dims(mart)
    if dim not in dims:
        raise StructureError(f"{kind} dim '{dim}' is not among the cells {dims}")
    is_total = frame[dim].to_numpy(dtype=object) == total
    order, starts, n_totals = _groups(frame, [d for d in dims if d != dim], is_total)
    sizes = np.diff(np.r_[starts, len(order)])
    # no total row, or a total with no parts: no equation
    keep = (n_totals > 0) & (n_totals < sizes)
    group = np.repeat(np.arange(len(sizes)), sizes)[np.repeat(keep, sizes)]
    rows = order[np.repeat(keep, sizes)]
    variables = frame["__var"].to_numpy(dtype=np.int64)[rows]
    coefs = np.where(is_total[rows], 1.0, -1.0)
    return _merged(group, variables, coefs)


def _merged(group: np.ndarray, variables: np.ndarray, coefs: np.ndarray) -> Relations:
    """Relations from entries (group, variable, coefficient) in order, the groups
    one after the other: per group one entry per variable, at its first place,
    with the coefficients summed; zeros and empty groups dropped."""
    if not len(group):
        return Relations.from_dicts([])
    by_key = np.lexsort((np.arange(len(group)), variables, group))
    group_sorted, variables_sorted = group[by_key], variables[by_key]
    starts = np.flatnonzero(
        np.r_[
            True,
            (group_sorted[1:] != group_sorted[:-1])
            | (variables_sorted[1:] != variables_sorted[:-1]),
        ]
    )
    summed = np.add.reduceat(coefs[by_key], starts)
    first = by_key[starts][summed != 0]  # each (group, variable)'s first place
    in_order = np.argsort(first)
    place, summed = first[in_order], summed[summed != 0][in_order]
    sizes = np.unique(group[place], return_counts=True)[1]
    return Relations(np.r_[0, np.cumsum(sizes)].astype(np.int64), variables[place], summed)


def _groups(frame: pd.DataFrame, columns: list[str], is_total: np.ndarray):
    """(order, starts, n_totals): the rows grouped by equal ``columns`` (texts),
    groups in the sorted order of their key tuples, within a group the total rows
    first, each part in frame order; where each group starts in ``order``, and
    its number of total rows."""
    n_rows = len(frame)
    # factorize with sort=True ranks each column's texts as Python compares them,
    # so sorting by the codes is sorting by the key tuples (lexsort is stable)
    codes = [pd.factorize(frame[c].to_numpy(dtype=object), sort=True)[0] for c in columns]
    order = np.lexsort([np.arange(n_rows), ~is_total] + codes[::-1])
    if codes:
        stacked = np.stack([code[order] for code in codes])
        changed = (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)
    else:
        changed = np.zeros(max(n_rows - 1, 0), dtype=bool)
    starts = np.flatnonzero(np.r_[True, changed]) if n_rows else np.zeros(0, dtype=np.int64)
    n_totals = np.add.reduceat(is_total[order].astype(np.int64), starts) if n_rows else starts
    return order, starts, n_totals


def _select(frame: pd.DataFrame, mart: dict, where: dict, total: str):
    """Rows matching `where` (population attribute names), keyed by the other attributes."""
    rename = _attributes(mart)
    by_attr = {attr: dim for dim, attr in rename.items()}
    mask = pd.Series(True, index=frame.index)
    for attr, value in where.items():
        dim = by_attr.get(attr, attr)
        if dim not in frame.columns:
            raise StructureError(f"relation selects '{attr}', not a cell of the mart")
        mask &= frame[dim] == _text(value)
    rest = [d for d in mart_dims(mart) if rename[d] not in where]
    selected = frame[mask]
    return {
        tuple(sorted((rename[d], row[d]) for d in rest)): row["__var"]
        for row in _records(selected, list(selected.columns))
    }


def _declared_equations(relation: dict, marts: dict, mart_cells: dict, total: str):
    """One equation per combination of the attributes the sides share."""
    sides = [(1.0, relation["total"])] + [(-1.0, part) for part in relation["parts"]]
    selections = []
    for sign, side in sides:
        mart_name = side["mart"]
        if mart_name not in marts:
            raise StructureError(f"relation names unknown mart '{mart_name}'")
        selected = _select(mart_cells[mart_name], marts[mart_name], side.get("where") or {}, total)
        selections.append((sign, selected))
    shared = None
    for _, selected in selections:
        for key in selected:
            attrs = {attr for attr, _ in key}
            shared = attrs if shared is None else shared & attrs
            break
    shared = shared or set()
    keyed = []
    for sign, selected in selections:
        by_shared: dict[tuple, int] = {}
        for key, var in selected.items():
            short = tuple(item for item in key if item[0] in shared)
            if short in by_shared:
                raise StructureError(f"relation {relation}: several cells match {dict(short)}")
            by_shared[short] = var
        keyed.append((sign, by_shared))
    for key in sorted(keyed[0][1]):
        equation = {keyed[0][1][key]: 1.0}
        for sign, selected in keyed[1:]:
            var = selected.get(key)
            if var is not None:  # an absent row is a public zero
                equation[var] = equation.get(var, 0) + sign
        yield equation


def _same_cohort_equations(relation: dict, marts: dict, mart_cells: dict):
    """In a window where every listed follow-up occurs in the mart, the cells
    matching `where` are the same persons at each follow-up: equal counts."""
    mart_name = relation["mart"]
    mart = marts[mart_name]
    frame = mart_cells[mart_name]
    column, window = relation["column"], relation["window"]
    followups = [_text(value) for value in relation["values"]]
    mask = pd.Series(True, index=frame.index)
    for attr, value in (relation.get("where") or {}).items():
        mask &= frame[attr] == _text(value)
    present = frame.groupby(window)[column].agg(lambda col: set(col))
    complete = {w for w, seen in present.items() if set(followups) <= seen}
    rest = [d for d in mart_dims(mart) if d != column]
    selected = frame[mask & frame[window].isin(complete)]
    by_key: dict[tuple, dict[str, int]] = {}
    for row in _records(selected, list(selected.columns)):
        by_key.setdefault(tuple(row[d] for d in rest), {})[row[column]] = row["__var"]
    for key in sorted(by_key):
        cells = by_key[key]
        for first, second in zip(followups, followups[1:], strict=False):
            equation = {}
            if first in cells:
                equation[cells[first]] = 1.0
            if second in cells:
                equation[cells[second]] = equation.get(cells[second], 0) - 1.0
            yield equation
