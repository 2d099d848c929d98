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

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from studentflow.ranks import tuple_rank
from studentflow.sdc.relations import DistinctRelations, Relations, as_relations, concatenate

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
    # person may be in several parts), then relations with sense '<=' or '>='
    inequalities: Relations = field(default_factory=list)
    # per variable the index of its period in ``period_texts`` (the text of the
    # declared period dim, slices.py); None when built without periods
    period: np.ndarray | None = None
    period_texts: list[str] = field(default_factory=list)
    # the leading inequalities that are covering dims (None: all of them)
    n_covering: int | None = None

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


def text_categorical(column: pd.Series) -> pd.Categorical:
    """_text of every value, each distinct value converted once: a categorical of
    the texts (missing values as ''). Nationally a cell dim has millions of rows
    but few distinct values, so the cells share one Python string per value."""
    codes, uniques = pd.factorize(column)
    texts = np.array([_text(value) for value in uniques.tolist()] + [""], dtype=object)
    # two values may give one text (1 and 1.0 in an object column)
    text_codes, distinct = pd.factorize(texts)
    return pd.Categorical.from_codes(
        text_codes[codes], categories=pd.Index(distinct, dtype=object), validate=False
    )


def texts_at(texts: Sequence[str], codes: np.ndarray, missing: np.ndarray | None = None):
    """texts[codes] as an Arrow string array (null where ``missing``): a few distinct
    texts repeated over millions of cells without a Python string per cell."""
    indices = np.asarray(codes, dtype=np.int64)
    if missing is not None:
        indices = pa.array(np.where(missing, 0, indices), mask=missing)
    return pa.array(list(texts), type=pa.string()).take(indices)


def _cell_ids(texts: pd.DataFrame, cell_dims: list[str]) -> pa.Array:
    """cell_id of every row of a frame of text categoricals (vectorised, in Arrow)."""
    parts = []
    for dim in sorted(cell_dims):
        values = texts[dim].array
        parts.append(texts_at([f"{dim}={value}" for value in values.categories], values.codes))
    if not parts:
        return pa.array([""] * len(texts), type=pa.string())
    return pc.binary_join_element_wise(*parts, SEPARATOR)


def _cell_id_order(texts: pd.DataFrame, cell_dims: list[str]):
    """(the rows in the order of their cell ids, as sorting the id texts gives it;
    per row an integer equal for equal ids), or None when a value holds the
    separator (the caller then sorts the ids themselves).

    An id is 'dim=value' per dim (sorted by name) joined by the separator, so
    comparing two ids compares the first dim's value followed by the
    separator, then the next dim's, and the last dim's value alone: one stable
    sort of the rows' ranks of those (tuple_rank), on integers, instead of a
    sort of millions of long texts. A value holding the separator breaks that.
    """
    dims = sorted(cell_dims)
    keys = []
    for position, dim in enumerate(dims):
        categories = texts[dim].array.categories.tolist()
        if any(SEPARATOR in text for text in categories):
            return None
        suffix = SEPARATOR if position < len(dims) - 1 else ""
        rank = np.empty(len(categories), dtype=np.int64)
        rank[sorted(range(len(categories)), key=lambda i: categories[i] + suffix)] = np.arange(
            len(categories)
        )
        keys.append(rank[texts[dim].array.codes])
    rank = tuple_rank(keys, len(texts))
    return np.argsort(rank, kind="stable"), rank


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
            mask &= full[attr].equals(_text(value))
        for attr, value in right.items():
            mask &= full[attr].equals(total) | full[attr].equals(_text(value))
        for attr in left:
            full[attr].codes[mask] = full[attr].code(total)
        for attr, value in right.items():
            full[attr].codes[mask] = full[attr].code(_text(value))
    n_totals = np.zeros(n_rows, dtype=np.int64)
    for attr in attrs:
        n_totals += full[attr].equals(total)
    return full, n_totals


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
    texts = pd.DataFrame({dim: text_categorical(frame[dim]) for dim in dims})
    texts["__count"] = frame[count].astype("int64").to_numpy()
    found = _cell_id_order(texts, dims)
    if found is None:
        ids = _cell_ids(texts, dims)
        order = np.asarray(pc.sort_indices(ids))
        ids = ids.take(pa.array(order))
        same = pc.equal(ids[1:], ids[:-1]).to_numpy(zero_copy_only=False)
        texts = texts.take(order).reset_index(drop=True)
    else:
        # the ids made in their order: no take of millions of id texts
        order, rank = found
        texts = texts.take(order).reset_index(drop=True)
        ids = _cell_ids(texts, dims)
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
        self.conflicts: list[str] = []  # the first five, in words
        self.n_conflicts = 0

    def add_mart(self, mart_index: int, name: str, mart: dict, texts, attrs, identities):
        """Take one mart's cells, in the order of ``texts`` (the marts in index order)."""
        if len(texts) >= 2**32 or mart_index >= 2**31:
            raise StructureError(f"mart '{name}': too many cells or marts for the sort keys")
        dims = mart_dims(mart)
        rename = _attributes(mart)
        population = mart.get("population", f"__{name}")
        values = {rename[d]: texts[d].array for d in dims}
        full, n_totals = _canonical_columns(values, len(texts), attrs, identities, self.total)
        self._keys_of.append(self._keys(population, full, attrs, len(texts)))
        self._counts.append(texts["__count"].to_numpy(dtype=np.int64))
        self._n_totals.append(n_totals)
        self._present.append(mart.get("rows", "present_only") == "present_only")
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
    populations' declared relations; every relation but the additive ones
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
            entries, target = _kind_entries(population, relation, marts, mart_cells)
            _check(*entries, values, target == BOUNDS, f"population '{population}'", relation)
            # _merged drops what cancels out (rare: a var that is both total and part)
            found_relations.add_many(target, _merged(*entries))
    equations, covering, bounds = found_relations.relations()
    return equations, concatenate([covering, bounds]), len(covering)


def _kind_entries(population: str, relation: dict, marts: dict, mart_cells: dict):
    """A declared relation's entries (group, variable, coefficient) and whether
    they are equations or bounds (``<= 0``), by its kind."""
    kind = relation.get("kind")
    if kind not in KINDS:
        raise StructureError(
            f"population '{population}': relation kind '{kind}' is not one of {KINDS}"
        )
    if "leavers" in relation and kind != "same_cohort":
        raise StructureError(f"population '{population}': only same_cohort takes leavers")
    if kind == "same_cohort":
        if "leavers" in relation:
            return _same_cohort_leavers_entries(relation, marts, mart_cells), BOUNDS
        if "except" in relation:
            raise StructureError(
                f"population '{population}': same_cohort takes an except only with leavers"
            )
        return _entries(_same_cohort_equations(relation, marts, mart_cells)), EQUATIONS
    if kind == "each_within":
        if "sense" in relation:
            raise StructureError(f"population '{population}': each_within takes no sense")
        return _each_within_entries(relation, marts, mart_cells), BOUNDS
    sense = _sense(population, relation)
    group, variables, coefs = _declared_entries(relation, marts, mart_cells)
    # total >= sum(parts) is sum(parts) - total <= 0
    entries = (group, variables, -coefs if sense == ">=" else coefs)
    return entries, EQUATIONS if sense == "=" else BOUNDS


SENSES = ("=", "<=", ">=")  # total = sum(parts), total <= sum(parts), total >= sum(parts)
# a sum relation (no kind), equal follow-ups of a window, each part's cell within its total
KINDS = (None, "same_cohort", "each_within")


def _sense(population: str, relation: dict) -> str:
    sense = str(relation.get("sense", "="))
    if sense not in SENSES:
        raise StructureError(
            f"population '{population}': relation sense '{sense}' is not one of {SENSES}"
        )
    return sense


def build_structure(
    spec: dict, frames: dict[str, pd.DataFrame], periods: dict[str, str] | None = None
) -> Structure:
    """The structure of ``spec``'s marts; ``periods`` (mart -> its period dim) also
    records each variable's period (``Structure.period``)."""
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
    rank = tuple_rank([_sorted_codes(frame[c]) for c in columns], n_rows)
    # by key, the totals first, then in frame order (a stable sort)
    order = np.argsort(rank * 2 + ~is_total, kind="stable")
    ranked = rank[order]
    changed = ranked[1:] != ranked[:-1]
    starts = np.flatnonzero(np.r_[True, changed]) if n_rows else np.zeros(0, dtype=np.int64)
    n_totals = np.add.reduceat(is_total[order].astype(np.int64), starts) if n_rows else starts
    return order, starts, n_totals


def _sorted_codes(column: pd.Series) -> np.ndarray:
    """Integers that order the column's texts as Python compares them."""
    values = column.array  # the text categoricals of _mart_texts
    rank = np.empty(len(values.categories), dtype=np.int64)
    rank[np.argsort(values.categories.to_numpy(dtype=object), kind="stable")] = np.arange(len(rank))
    return rank[values.codes]


def _select(frame: pd.DataFrame, mart: dict, where: dict, excluded: dict) -> pd.DataFrame:
    """Rows matching `where` and none of the values ``excluded`` lists (the
    relation's `except`; mart columns, as the audit reads them, a population
    attribute name of a renamed column taken too): the attributes `where`
    leaves free, under their population names, and the variable."""
    rename = _attributes(mart)
    by_attr = {attr: dim for dim, attr in rename.items()}
    columns = mart.get("aggregate_columns") or {}  # mart column -> aggregate's (run.py)

    def dim_of(key: str) -> str:
        dim = columns.get(key, key)
        dim = dim if dim in rename else by_attr.get(dim, dim)
        if dim not in frame.columns:
            raise StructureError(f"relation selects '{key}', not a cell of the mart")
        return dim

    mask = np.ones(len(frame), dtype=bool)
    fixed = set()
    for key, value in where.items():
        dim = dim_of(key)
        mask &= (frame[dim] == _text(value)).to_numpy()
        fixed.add(dim)
    # an excluded value leaves the column free: matched with the other sides
    for key, values in excluded.items():
        mask &= ~frame[dim_of(key)].isin([_text(value) for value in values]).to_numpy()
    rest = [d for d in mart_dims(mart) if d not in fixed]
    selected = frame.loc[mask, rest + ["__var"]].rename(columns=rename)
    return selected.reset_index(drop=True)


def _declared_entries(relation: dict, marts: dict, mart_cells: dict):
    """One equation per combination of the attributes the sides share, as entries
    (group, variable, coefficient): the total's cell +1, each part's cell -1 (an
    absent row is a public zero; a row of a value the relation's `except` lists
    is in no equation, on every side), groups in the sorted order of the shared
    values."""
    sides = [(1.0, relation["total"])] + [(-1.0, part) for part in relation["parts"]]
    excluded = _excluded(relation)
    selections = [(sign, _side(side, marts, mart_cells, excluded)) for sign, side in sides]
    shared: set[str] | None = None
    for _, selected in selections:
        if len(selected):
            attrs = set(selected.columns) - {"__var"}
            shared = attrs if shared is None else shared & attrs
    keys = sorted(shared or set())
    for _, selected in selections:
        repeated = selected.duplicated(keys) if keys else pd.Series(np.arange(len(selected)) > 0)
        if repeated.any():
            first = selected.loc[repeated.to_numpy(), keys].iloc[0] if keys else {}
            found = {key: first[key] for key in keys}
            raise StructureError(f"relation {relation}: several cells match {found}")
    totals = selections[0][1]
    if keys:
        totals = totals.iloc[np.lexsort([_sorted_codes(totals[k]) for k in keys][::-1])]
    totals = totals.reset_index(drop=True)
    groups = [np.arange(len(totals))]
    variables = [totals["__var"].to_numpy(dtype=np.int64)]
    coefs = [np.ones(len(totals))]
    numbered = _as_text(totals[keys], keys).assign(__group=np.arange(len(totals)))
    for sign, selected in selections[1:]:
        if keys:
            matched = numbered.merge(_as_text(selected, keys), on=keys, how="inner")
        else:
            matched = numbered.merge(selected, how="cross")
        groups.append(matched["__group"].to_numpy(dtype=np.int64))
        variables.append(matched["__var"].to_numpy(dtype=np.int64))
        coefs.append(np.full(len(matched), sign))
    side = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    group = np.concatenate(groups)
    order = np.lexsort((side, group))  # per equation the total, then the parts in order
    return group[order], np.concatenate(variables)[order], np.concatenate(coefs)[order]


def _side(side: dict, marts: dict, mart_cells: dict, excluded: dict) -> pd.DataFrame:
    """A relation side's cells (:func:`_select`)."""
    mart_name = side["mart"]
    if mart_name not in marts:
        raise StructureError(f"relation names unknown mart '{mart_name}'")
    where = side.get("where") or {}
    return _select(mart_cells[mart_name], marts[mart_name], where, excluded)


def _each_within_entries(relation: dict, marts: dict, mart_cells: dict):
    """kind each_within: every part cell is at most the total cell that has its
    values of the attributes the total leaves free, as entries (group, variable,
    coefficient): part +1, total -1, one group per part cell. A part may have
    attributes the total lacks (a programme within its institution's degree
    code): unlike a sum relation, the parts of one total are not added, as one
    person may be in several (two programmes leading to the code). `match`
    names a part attribute by the total's (programme_degree_code as
    degree_code). A part cell with no total row is in no relation: where the
    relation holds, the total's mart does not publish that combination."""
    excluded = _excluded(relation)
    total = _side(relation["total"], marts, mart_cells, excluded)
    keys = sorted(set(total.columns) - {"__var"})
    repeated = total.duplicated(keys) if keys else pd.Series(np.arange(len(total)) > 0)
    if repeated.any():
        raise StructureError(f"relation {relation}: several total cells match one part cell")
    total = _as_text(total, keys).rename(columns={"__var": "__total"})
    match = relation.get("match") or {}
    pairs = []
    for part in relation["parts"]:
        selected = _side(part, marts, mart_cells, excluded)
        # a total attribute the part has besides the one `match` renames to it
        clash = set(match.values()) & (set(selected.columns) - set(match))
        selected = selected.rename(columns=match)
        if clash or not set(keys) <= set(selected.columns):
            raise StructureError(
                f"relation {relation}: part {part['mart']} cannot be matched on the total's {keys}"
            )
        selected = _as_text(selected, keys)
        how = {"on": keys, "how": "inner"} if keys else {"how": "cross"}
        matched = selected.merge(total, **how)
        pairs.append(matched[["__var", "__total"]].to_numpy(dtype=np.int64))
    pairs = np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)
    group = np.repeat(np.arange(len(pairs)), 2)
    return group, pairs.ravel(), np.tile([1.0, -1.0], len(pairs))


def _excluded(relation: dict) -> dict[str, list]:
    """The relation's `except`: per column, the values left out of it."""
    excluded = relation.get("except") or {}
    if not isinstance(excluded, dict) or not all(isinstance(v, list) for v in excluded.values()):
        raise StructureError(f"relation {relation}: except needs a mapping column: [values]")
    return excluded


def _as_text(selected: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The key columns as plain texts, so a merge compares values, not categories."""
    return selected.assign(**{key: selected[key].astype(object) for key in keys})


def _entries(relations) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Relations given as dicts, as entries (group, variable, coefficient)."""
    relations = list(relations)
    sizes = [len(relation) for relation in relations]
    group = np.repeat(np.arange(len(relations)), sizes)
    variables = np.fromiter((var for r in relations for var in r), np.int64, sum(sizes))
    coefs = np.fromiter((coef for r in relations for coef in r.values()), float, sum(sizes))
    return group, variables, coefs


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


def _same_cohort_equations(relation: dict, marts: dict, mart_cells: dict):
    """The cells matching `where` are the same persons at every listed follow-up
    a window has in the mart: equal counts. A window is published for a
    follow-up only once all its graduation years have arrived for it (docs
    block complete_windows), so this holds before the window has its last
    follow-up too: an attacker knows it from the first release with two."""
    mart_name = relation["mart"]
    mart = marts[mart_name]
    frame = mart_cells[mart_name]
    column, window = relation["column"], relation["window"]
    followups = [_text(value) for value in relation["values"]]
    mask = pd.Series(True, index=frame.index)
    for attr, value in (relation.get("where") or {}).items():
        mask &= frame[attr] == _text(value)
    shared = _followups_by_window(frame, column, window, followups)
    rest = [d for d in mart_dims(mart) if d != column]
    selected = frame[mask & frame[window].isin(shared)]
    by_key: dict[tuple, dict[str, int]] = {}
    windows: dict[tuple, str] = {}
    for row in _records(selected, list(selected.columns)):
        key = tuple(row[d] for d in rest)
        by_key.setdefault(key, {})[row[column]] = row["__var"]
        windows[key] = row[window]
    for key in sorted(by_key):
        cells, found = by_key[key], shared[windows[key]]
        for first, second in zip(found, found[1:], strict=False):
            equation = {}
            if first in cells:
                equation[cells[first]] = 1.0
            if second in cells:
                equation[cells[second]] = equation.get(cells[second], 0) - 1.0
            yield equation


def _followups_by_window(frame: pd.DataFrame, column: str, window: str, followups: list[str]):
    """Per window, the listed follow-ups it has in the mart, where it has two or
    more (an absent row of one of them is a zero)."""
    present = frame.groupby(window, observed=True)[column].agg(lambda col: set(col))
    shared = {w: [f for f in followups if f in seen] for w, seen in present.items()}
    return {w: found for w, found in shared.items() if len(found) > 1}


def _same_cohort_leavers_entries(relation: dict, marts: dict, mart_cells: dict):
    """same_cohort with `leavers`: the cells matching `where` count persons who
    may leave them (emigrate) between follow-ups but never change value (the
    recruitment municipality is fixed per person). So at one follow-up a
    window has, a cell is at most the same cell at any other it has plus the
    `leavers` cell there (matched on the attributes `leavers` leaves free; the
    relation's `except` leaves rows out on both, as a sum relation's), as
    entries (group, variable, coefficient): cell +1, other follow-up's -1,
    leavers' -1, one group per cell and ordered pair of follow-ups. An absent
    row of a follow-up the window has is a zero."""
    mart = marts[relation["mart"]]
    frame = mart_cells[relation["mart"]]
    rename = _attributes(mart)
    column, window = rename[relation["column"]], rename[relation["window"]]
    shared = _followups_by_window(
        frame, relation["column"], relation["window"], [_text(v) for v in relation["values"]]
    )
    excluded = _excluded(relation)
    cells = _select(frame, mart, relation.get("where") or {}, excluded)
    leavers = _select(frame, mart, relation["leavers"], excluded)
    keys = sorted(set(cells.columns) - {"__var", column})
    on = sorted(set(leavers.columns) - {"__var", column})
    if not set(on) <= set(keys):
        raise StructureError(f"relation {relation}: leavers cannot be matched on {keys}")
    cells, leavers = _as_text(cells, [*keys, column]), _as_text(leavers, [*on, column])
    for name, selected, by in (("cells", cells, keys), ("leavers", leavers, on)):
        if selected.duplicated([*by, column]).any():
            raise StructureError(f"relation {relation}: several {name} match one combination")
    groups = []
    followups = sorted({f for found in shared.values() for f in found})
    for first, second in itertools.permutations(followups, 2):
        windows = [w for w, found in shared.items() if first in found and second in found]
        at = cells[(cells[column] == first) & cells[window].isin(windows)]
        later = cells.loc[cells[column] == second, [*keys, "__var"]]
        gone = leavers.loc[leavers[column] == second, [*on, "__var"]]
        matched = at[[*keys, "__var"]].merge(later, on=keys, how="left", suffixes=("", "_later"))
        matched = matched.merge(gone, on=on, how="left", suffixes=("", "_gone"))
        groups.append(matched[["__var", "__var_later", "__var_gone"]].to_numpy(dtype=float))
    if not groups:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    found = np.concatenate(groups)
    present = ~np.isnan(found)
    coefs = np.where(np.arange(3) == 0, 1.0, -1.0)[None, :].repeat(len(found), axis=0)
    group = np.repeat(np.arange(len(found)), 3).reshape(-1, 3)
    return group[present], found[present].astype(np.int64), coefs[present]
