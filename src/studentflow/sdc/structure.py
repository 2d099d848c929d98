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
  and the population's declared cross-mart relations (declared.py).

The relations are held as :class:`~studentflow.sdc.relations.Relations` (flat
arrays that read as a list of dicts), the sort keys as one integer per variable:
nationally the structure has millions of cells and relations.

A row that is absent from a ``present_only`` mart is a public zero: it is no
variable and is simply missing from its relations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from studentflow.ranks import tuple_rank
from studentflow.sdc import computed
from studentflow.sdc.cells import (
    StructureError,
    attributes,
    cell_id_order,
    cell_ids,
    mart_dims,
    sorted_codes,
    text_categorical,
    text_of,
    texts_at,
)
from studentflow.sdc.declared import at_least_floors, relation_entries
from studentflow.sdc.relations import DistinctRelations, Relations, as_relations, concatenate


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
    # person may be in several parts), then relations with sense '<=' or '>='
    inequalities: Relations = field(default_factory=list)
    # per variable the index of its period in ``period_texts`` (the text of the
    # declared period dim, slices.py); None when built without periods
    period: np.ndarray | None = None
    period_texts: list[str] = field(default_factory=list)
    # the leading inequalities that are covering dims (None: all of them)
    n_covering: int | None = None
    # per variable the public lower bound a mart's `at_least` gives (None: none)
    floors: np.ndarray | None = None
    # variables no mart publishes, always hidden (window_sums.py; None: none)
    hidden: np.ndarray | None = None
    # hidden too, with a floor and nothing to reach (quantile_bounds.py,
    # quantile_slices.py; None: none)
    bounded: np.ndarray | None = None

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


class _CodedColumn:
    """One attribute of a mart's cells as codes into its texts (a copy: the
    identities rewrite it); a text not yet among them is added when assigned."""

    def __init__(self, codes: np.ndarray, texts: list[str]):
        self.codes = np.array(codes, dtype=np.int32)
        self.texts = list(texts)

    def equals(self, text: str) -> np.ndarray:
        if text not in self.texts:
            return np.zeros(len(self.codes), dtype=bool)
        return self.codes == self.texts.index(text)

    def code(self, text: str) -> int:
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text)


def _canonical_columns(values: dict, n_rows: int, attrs: list[str], identities: list, total: str):
    """(the population-level key of every row, each row's number of total members).

    ``values`` holds one text categorical per attribute the mart has; every other
    attribute of the population counts as the total. The identities are applied
    in order, as masks over the rows: where a row matches an identity's left side
    and its right side is the total or the right value, the left attributes become
    the total and the right ones take their values. The key is one
    :class:`_CodedColumn` per attribute.
    """
    full = {
        attr: _CodedColumn(values[attr].codes, values[attr].categories.tolist())
        if attr in values
        else _CodedColumn(np.zeros(n_rows, dtype=np.int32), [total])
        for attr in attrs
    }
    for identity in identities:
        left, right = identity["left"], identity["right"]
        if any(attr not in full for attr in [*left, *right]):
            continue  # an attribute the population does not have: never matches
        mask = np.ones(n_rows, dtype=bool)
        for attr, value in left.items():
            mask &= full[attr].equals(text_of(value))
        for attr, value in right.items():
            mask &= full[attr].equals(total) | full[attr].equals(text_of(value))
        for attr in left:
            full[attr].codes[mask] = full[attr].code(total)
        for attr, value in right.items():
            full[attr].codes[mask] = full[attr].code(text_of(value))
    n_totals = np.zeros(n_rows, dtype=np.int64)
    for attr in attrs:
        n_totals += full[attr].equals(total)
    return full, n_totals


def _population_attributes(marts: dict) -> dict[str, list[str]]:
    """Per population, the sorted attributes of all its marts (after renames)."""
    pop_attrs: dict[str, list[str]] = {}
    for name, mart in marts.items():
        attrs = pop_attrs.setdefault(mart.get("population", f"__{name}"), [])
        for attr in attributes(mart).values():
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
    texts = pd.DataFrame({dim: text_categorical(frame[dim]) for dim in dims})
    texts["__count"] = frame[count].astype("int64").to_numpy()
    found = cell_id_order(texts, dims)
    if found is None:
        ids = cell_ids(texts, dims)
        order = np.asarray(pc.sort_indices(ids))
        ids = ids.take(pa.array(order))
        same = pc.equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
        texts = texts.take(order).reset_index(drop=True)
    else:
        # the ids made in their order: no take of millions of id texts
        order, rank = found
        texts = texts.take(order).reset_index(drop=True)
        ids = cell_ids(texts, dims)
        same = rank[order][1:] == rank[order][:-1]
    # sorted, so a cell id that occurs twice occurs in adjacent rows
    repeated = np.flatnonzero(same)
    if len(repeated):
        bad = ids[int(repeated[0])].as_py()
        raise StructureError(f"mart '{name}': cell {bad} occurs twice in the aggregate")
    texts["__id"] = pd.Series(ids.to_pandas(), index=texts.index)
    return texts


class _Variables:
    """The variables: one per population-level cell key, shared by the cells of
    every mart that publishes it. The marts are added one by one; ``assign``
    then numbers the keys in the order their first cell was added."""

    def __init__(self, total: str):
        self.total = total
        self.population_codes: dict[str, int] = {}
        self.text_codes: dict[str, dict[str, int]] = {}  # per attribute: text -> code
        # per mart: its keys (population code, then one text code per attribute),
        # counts, number of total members, whether its rows exist only when > 0
        self._keys_of: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._n_totals: list[np.ndarray] = []
        self._present: list[bool] = []
        self._floors: list[np.ndarray] = []
        self._attrs: list[list[str]] = []
        # the cells, per mart its name, its cell ids (as texts holds them) and the
        # variables: a list of row tuples of Python objects costs far more
        self.cell_marts: list[tuple[str, int]] = []
        self.cell_ids: list[pd.Series] = []
        self.cell_vars: list[np.ndarray] = []
        self.values: list[int] = []
        self.present_only: list[bool] = []
        self.sort_keys: np.ndarray = np.zeros(0, dtype=np.int64)
        self.is_total: list[int] = []
        self.floors: np.ndarray = np.zeros(0, dtype=np.int64)
        self.conflicts: list[str] = []  # the first five, in words
        self.n_conflicts = 0

    def add_mart(self, mart_index: int, name: str, mart: dict, texts, attrs, identities):
        """Take one mart's cells, in the order of ``texts`` (the marts in index order)."""
        if len(texts) >= 2**32 or mart_index >= 2**31:
            raise StructureError(f"mart '{name}': too many cells or marts for the sort keys")
        dims = mart_dims(mart)
        rename = attributes(mart)
        population = mart.get("population", f"__{name}")
        values = {rename[d]: texts[d].array for d in dims}
        full, n_totals = _canonical_columns(values, len(texts), attrs, identities, self.total)
        self._keys_of.append(self._keys(population, full, attrs, len(texts)))
        self._counts.append(texts["__count"].to_numpy(dtype=np.int64))
        self._n_totals.append(n_totals)
        self._present.append(mart.get("rows", "present_only") == "present_only")
        self._floors.append(at_least_floors(name, mart, texts))
        self._attrs.append(attrs)
        self.cell_marts.append((name, len(texts)))
        self.cell_ids.append(texts["__id"])

    def assign(self) -> list[np.ndarray]:
        """The variable of every cell, per mart: equal keys share one variable,
        numbered by their first cell; it takes that cell's count, total members and
        sort key (mart index * 2**32 + position in the mart's sorted cell ids)."""
        sizes = [len(keys) for keys in self._keys_of]
        width = max((keys.shape[1] for keys in self._keys_of), default=1)
        # keys of populations with fewer attributes padded with -1 (never a code)
        keys = np.concatenate(
            [
                np.pad(k, ((0, 0), (0, width - k.shape[1])), constant_values=-1)
                for k in self._keys_of
            ]
            or [np.zeros((0, width), dtype=np.int32)]
        )
        self._keys_of = []
        counts = np.concatenate(self._counts or [np.zeros(0, dtype=np.int64)])
        rank = tuple_rank(list(keys.T + 1))  # codes >= 0: the padding -1 becomes 0
        order = np.argsort(rank, kind="stable")  # within equal keys, the first cell first
        changed = np.r_[True, rank[order[1:]] != rank[order[:-1]]]
        del rank
        first = order[changed]  # per distinct key its first cell, keys in sorted order
        var_of_group = np.empty(len(first), dtype=np.int64)
        var_of_group[np.argsort(first)] = np.arange(len(first))
        var = np.empty(len(order), dtype=np.int64)
        var[order] = var_of_group[np.cumsum(changed) - 1]
        del order, changed
        first = np.sort(first)  # per variable its first cell
        values = counts[first]
        mart_of = np.repeat(np.arange(len(sizes)), sizes)
        position = np.arange(len(var)) - np.repeat(np.r_[0, np.cumsum(sizes)[:-1]], sizes)
        conflicts = np.flatnonzero(counts != values[var])
        self.n_conflicts = len(conflicts)
        for row in conflicts[:5]:  # the error names the first five
            mart = int(mart_of[row])
            attrs = self._attrs[mart]
            texts = [
                list(self.text_codes[attr])[code]
                for attr, code in zip(attrs, keys[row, 1 : 1 + len(attrs)].tolist(), strict=True)
            ]
            self.conflicts.append(
                f"{dict(zip(attrs, texts, strict=True))}: {counts[row]} in mart "
                f"'{self.cell_marts[mart][0]}', {values[var[row]]} in an earlier mart"
            )
        del keys
        present = np.repeat(np.asarray(self._present, dtype=bool), sizes)
        self.values = values.tolist()
        self.present_only = (np.bincount(var[present], minlength=len(first)) > 0).tolist()
        self.sort_keys = (mart_of[first] << 32) + position[first]
        n_totals = np.concatenate(self._n_totals or [np.zeros(0, dtype=np.int64)])
        self.is_total = n_totals[first].tolist()
        self.floors = np.zeros(len(first), dtype=np.int64)
        np.maximum.at(self.floors, var, np.concatenate(self._floors or [np.zeros(0, np.int64)]))
        self.cell_vars = np.split(var, np.cumsum(sizes)[:-1]) if sizes else []
        return self.cell_vars

    def _keys(self, population: str, full: dict, attrs: list[str], n_rows: int) -> np.ndarray:
        """Each row's population-level key (population, canonical texts) as a row of
        int32 codes: the population's, then each attribute's text code. The codes are
        numbered as first seen, one per distinct text per attribute, and a population
        always has the same attributes, so two keys are equal exactly when population
        and texts are equal."""
        codes = self.population_codes
        # filled column by column: stacking int64 columns and narrowing them took
        # 3 s of the national structure
        keys = np.empty((n_rows, 1 + len(attrs)), dtype=np.int32)
        keys[:, 0] = codes.setdefault(population, len(codes))
        for i, attr in enumerate(attrs, start=1):
            codes = self.text_codes.setdefault(attr, {})
            column = full[attr]
            numbered = [codes.setdefault(text, len(codes)) for text in column.texts]
            if len(codes) >= 2**31:
                raise StructureError("too many distinct attribute values for the keys")
            keys[:, i] = np.array(numbered, dtype=np.int32)[column.codes]
        if len(self.population_codes) >= 2**31:
            raise StructureError("too many distinct attribute values for the keys")
        return keys

    def cells(self) -> pd.DataFrame:
        """mart, cell_id, var of every cell, marts in the order added."""
        columns = ["mart", "cell_id", "var"]
        counts = [count for _, count in self.cell_marts]
        if not sum(counts):
            return pd.DataFrame([], columns=columns)  # as from no rows at all
        names = [name for name, _ in self.cell_marts]
        marts = texts_at(names, np.repeat(np.arange(len(counts)), counts))
        ids = [found for found, count in zip(self.cell_ids, counts, strict=True) if count]
        return pd.DataFrame(
            {
                "mart": pd.Series(marts.to_pandas()),
                "cell_id": pd.concat(ids, ignore_index=True),
                "var": np.concatenate(self.cell_vars),
            },
            columns=columns,
        )


def _relations(spec: dict, mart_cells: dict[str, pd.DataFrame], values: list[int]):
    """(equations, inequalities, how many of them lead as covering dims): the
    marts' additive and covering dims (:func:`_add_covering`), then the
    populations' declared relations (declared.py); every relation but the additive ones
    checked against the exact counts."""
    total = spec.get("total_label", "Totalt")
    marts = spec["marts"]
    # each distinct relation once, over equations and inequalities together
    found_relations = DistinctRelations(3)
    values = np.asarray(values, dtype=float)
    for name, mart in marts.items():
        for dim in mart.get("additive") or []:
            groups = _partition(mart_cells[name], mart, total, "additive", dim)
            found_relations.add_many(EQUATIONS, _additive_relations(mart_cells[name], groups))
        for dim in mart.get("covering") or []:
            groups = _partition(mart_cells[name], mart, total, "covering", dim)
            bounded = dim in _parts_within_total(name, mart)
            owner = f"mart '{name}'"
            _add_covering(found_relations, mart_cells[name], groups, values, owner, dim, bounded)
    for population, pop_spec in (spec.get("populations") or {}).items():
        for relation in (pop_spec or {}).get("relations") or []:
            entries, bound = relation_entries(population, relation, marts, mart_cells)
            _check(*entries, values, bound, f"population '{population}'", relation)
            # _merged drops what cancels out (rare: a var that is both total and part)
            found_relations.add_many(BOUNDS if bound else EQUATIONS, _merged(*entries))
    equations, covering, bounds = found_relations.relations()
    return equations, concatenate([covering, bounds]), len(covering)


def build_structure(
    spec: dict,
    frames: dict[str, pd.DataFrame],
    periods: dict[str, str] | None = None,
    extra: dict | None = None,
) -> Structure:
    """The structure of ``spec``'s marts; ``periods`` (mart -> its period dim) also
    records each variable's period (``Structure.period``); ``extra``: the
    relations computed from other figures, per kind each entry with its figures
    (computed.py: "sums", window_sums; "bounds", quantile_bounds; "slices",
    quantile_slices; "thresholds", threshold_bands), added where its marts are."""
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
        found.add_mart(mart_index, name, mart, texts, pop_attrs[population], identities)
        mart_cells[name] = texts[mart_dims(mart)].copy()
    for frame, var_ids in zip(mart_cells.values(), found.assign(), strict=True):
        frame["__var"] = var_ids
    if found.n_conflicts:
        raise StructureError(
            f"{found.n_conflicts} common cells (same population and attribute values) "
            "differ between marts - not the same persons? Fix sdc/linked_tables.yml. First: "
            + "; ".join(found.conflicts[:5])
        )
    equations, inequalities, n_covering = _relations(spec, mart_cells, found.values)
    period, period_texts = None, []
    if periods is not None:
        period, period_texts = _periods(mart_cells, periods, len(found.values))
    periods_of = (period, period_texts, periods)
    added, within, hidden, bounded, period = computed.added(
        spec, found, mart_cells, periods_of, extra or {}
    )
    equations = concatenate([equations, as_relations(added)]) if added else equations
    inequalities = concatenate([inequalities, as_relations(within)]) if within else inequalities
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
        period,
        period_texts,
        n_covering,
        found.floors if found.floors.any() else None,
        np.asarray(hidden, dtype=np.int64) if hidden else None,
        np.asarray(bounded, dtype=np.int64) if bounded else None,
    )


def _periods(mart_cells: dict[str, pd.DataFrame], periods: dict[str, str], n_vars: int):
    """(per variable the index of its period's text, the texts). A variable's cells
    share their attributes, the period among them, so every mart gives it the same."""
    texts: dict[str, int] = {}
    period = np.full(n_vars, -1, dtype=np.int32)
    for name, frame in mart_cells.items():
        column = frame[periods[name]].array
        coded = [texts.setdefault(text, len(texts)) for text in column.categories]
        period[frame["__var"].to_numpy()] = np.asarray(coded, dtype=np.int32)[column.codes]
    return period, list(texts)


# the targets of DistinctRelations in _relations: inequalities are covering
# dims (INEQUALITIES) or declared relations (BOUNDS); Gauss and each mart's
# sdc_no_single_suppressed_part test read only the covering ones
EQUATIONS, INEQUALITIES, BOUNDS = 0, 1, 2


def _partition(frame: pd.DataFrame, mart: dict, total: str, kind: str, dim: str):
    """(is_total, order, starts, n_totals): the rows grouped by every cell dim but
    ``dim`` (listed under ``kind``), as :func:`_groups` gives them, once for both
    the dim's relations and, for a covering dim, its parts' bounds."""
    dims = mart_dims(mart)
    if dim not in dims:
        raise StructureError(f"{kind} dim '{dim}' is not among the cells {dims}")
    is_total = frame[dim].to_numpy(dtype=object) == total
    return (is_total, *_groups(frame, [d for d in dims if d != dim], is_total))


def _parts_within_total(name: str, mart: dict) -> list[str]:
    """The mart's covering dims whose total is the union of its parts."""
    within = list(mart.get("parts_within_total") or [])
    for dim in within:
        if dim not in (mart.get("covering") or []):
            raise StructureError(f"mart '{name}': parts_within_total dim '{dim}' is not covering")
    return within


def _add_covering(
    found, frame: pd.DataFrame, groups, values, owner: str, dim: str, bounded: bool
) -> None:
    """A covering dim's relations, checked on the exact counts: total <=
    sum(parts), and where the dim is ``bounded`` (its total is the union of
    its parts) each part <= total. Bounded, a group with a single part says
    total = part: one equation, which identities.py merges into one variable,
    instead of two inequalities in every LP."""
    along = f"along covering dim '{dim}'"
    if not bounded:
        covering = _additive_relations(frame, groups)
        _check(*_as_entries(covering), values, True, owner, f"total <= sum of parts {along}")
        found.add_many(INEQUALITIES, covering)
        return
    single = _single_part(groups)
    identities = _additive_relations(frame, groups, single)
    _check(*_as_entries(identities), values, False, owner, f"total = its single part {along}")
    found.add_many(EQUATIONS, identities)
    covering = _additive_relations(frame, groups, ~single)
    _check(*_as_entries(covering), values, True, owner, f"total <= sum of parts {along}")
    found.add_many(INEQUALITIES, covering)
    entries = _entries_within_total(frame, groups, ~single)
    _check(*entries, values, True, owner, f"part <= total {along}")
    found.add_many(BOUNDS, _merged(*entries))


def _as_entries(relations: Relations):
    """Relations as entries (group, variable, coefficient)."""
    return relations.row_of_entry(), relations.indices.astype(np.int64), relations.coefs


def _single_part(groups) -> np.ndarray:
    """Per group of :func:`_partition`: one total row and one part row."""
    _, order, starts, n_totals = groups
    return (n_totals == 1) & (np.diff(np.r_[starts, len(order)]) == 2)


def _additive_relations(frame: pd.DataFrame, groups, among=None) -> Relations:
    """total - sum(parts) for each group of rows of :func:`_partition` (those
    where ``among`` is true, if given), as :class:`Relations`: entries in row
    order (totals first), a variable in several rows added up at its first
    place, entries that cancel out dropped."""
    is_total, order, starts, n_totals = groups
    sizes = np.diff(np.r_[starts, len(order)])
    # no total row, or a total with no parts: no equation
    keep = (n_totals > 0) & (n_totals < sizes) & (True if among is None else among)
    group = np.repeat(np.arange(len(sizes)), sizes)[np.repeat(keep, sizes)]
    rows = order[np.repeat(keep, sizes)]
    variables = frame["__var"].to_numpy(dtype=np.int64)[rows]
    coefs = np.where(is_total[rows], 1.0, -1.0)
    return _merged(group, variables, coefs)


def _entries_within_total(frame: pd.DataFrame, groups, among: np.ndarray):
    """part - total <= 0 for each part of a covering dim (the groups of
    :func:`_partition` where ``among`` is true), as entries (group, variable,
    coefficient): the total counts the union of the parts' persons (each once),
    so no part exceeds it, and an attacker knows that from the definition. A
    bound, not a covering relation: no partner is owed."""
    _, order, starts, n_totals = groups
    sizes = np.diff(np.r_[starts, len(order)])
    group_at = np.repeat(np.arange(len(sizes)), sizes)
    # a group's one total row comes first (_groups); the rows after it are parts
    is_part = ((n_totals == 1) & among)[group_at] & (np.arange(len(order)) != starts[group_at])
    variables = frame["__var"].to_numpy(dtype=np.int64)
    parts = variables[order[is_part]]
    totals = variables[order[starts[group_at[is_part]]]]
    group = np.repeat(np.arange(len(parts)), 2)
    pairs = np.column_stack([parts, totals]).ravel()
    return group, pairs, np.tile([1.0, -1.0], len(parts))


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
    # each column's texts ranked as Python compares them, so sorting by the codes
    # is sorting by the key tuples (lexsort is stable)
    rank = tuple_rank([sorted_codes(frame[c]) for c in columns], n_rows)
    # by key, the totals first, then in frame order (a stable sort)
    order = np.argsort(rank * 2 + ~is_total, kind="stable")
    ranked = rank[order]
    changed = ranked[1:] != ranked[:-1]
    starts = np.flatnonzero(np.r_[True, changed]) if n_rows else np.zeros(0, dtype=np.int64)
    n_totals = np.add.reduceat(is_total[order].astype(np.int64), starts) if n_rows else starts
    return order, starts, n_totals


def _check(group, variables, coefs, values, inequality, owner: str, relation) -> None:
    """A declared relation must hold for the exact counts, or the yml is wrong;
    ``owner``: the population or mart it is declared on, as the error names it."""
    if not len(group):
        return
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    residual = np.add.reduceat(coefs * values[variables], starts)
    wrong = (residual > 0.5) | ((not inequality) & (residual < -0.5))
    if wrong.any():
        raise StructureError(
            f"{owner}: relation {relation} does not hold for the exact "
            f"counts (residual {residual[wrong][0]:+.0f}); fix sdc/linked_tables.yml"
        )
