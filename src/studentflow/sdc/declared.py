"""The relations a population's marts declare (``relations`` in
``sdc/linked_tables.yml``), as entries (group, variable, coefficient) over the
structure's variables: sum relations (a total = / <= / >= the sum of its
parts), ``same_cohort`` (equal follow-ups of a window, or with ``leavers`` a
cell at most the same cell at another follow-up plus those who left) and
``each_within`` (each part cell at most its total); and a mart's ``at_least``,
the public lower bounds of its cells. ``structure.py`` checks them on the exact
counts and adds them to the structure.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from studentflow.sdc.cells import (
    StructureError,
    attributes,
    mart_dims,
    records,
    sorted_codes,
    text_of,
)


def relation_entries(population: str, relation: dict, marts: dict, mart_cells: dict):
    """A declared relation's entries (group, variable, coefficient) and whether
    they are bounds (``<= 0``) rather than equations, by its kind."""
    kind = relation.get("kind")
    if kind not in KINDS:
        raise StructureError(
            f"population '{population}': relation kind '{kind}' is not one of {KINDS}"
        )
    if "leavers" in relation and kind != "same_cohort":
        raise StructureError(f"population '{population}': only same_cohort takes leavers")
    if "plus" in relation and kind is not None:
        raise StructureError(f"population '{population}': only a sum relation takes plus")
    if kind == "same_cohort":
        if "leavers" in relation:
            return _same_cohort_leavers_entries(relation, marts, mart_cells), True
        if "except" in relation:
            raise StructureError(
                f"population '{population}': same_cohort takes an except only with leavers"
            )
        return _entries(_same_cohort_equations(relation, marts, mart_cells)), False
    if kind == "each_within":
        if "sense" in relation:
            raise StructureError(f"population '{population}': each_within takes no sense")
        return _each_within_entries(relation, marts, mart_cells), True
    sense = _sense(population, relation)
    group, variables, coefs = _sum_entries(relation, marts, mart_cells)
    # total >= sum(parts) is sum(parts) - total <= 0
    entries = (group, variables, -coefs if sense == ">=" else coefs)
    return entries, sense != "="


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


def _select(frame: pd.DataFrame, mart: dict, where: dict, excluded: dict) -> pd.DataFrame:
    """Rows matching `where` and none of the values ``excluded`` lists (the
    relation's `except`; mart columns, as the audit reads them, a population
    attribute name of a renamed column taken too): the attributes `where`
    leaves free, under their population names, and the variable."""
    rename = attributes(mart)
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
        mask &= (frame[dim] == text_of(value)).to_numpy()
        fixed.add(dim)
    # an excluded value leaves the column free: matched with the other sides
    for key, values in excluded.items():
        mask &= ~frame[dim_of(key)].isin([text_of(value) for value in values]).to_numpy()
    rest = [d for d in mart_dims(mart) if d not in fixed]
    selected = frame.loc[mask, rest + ["__var"]].rename(columns=rename)
    return selected.reset_index(drop=True)


def _sum_entries(relation: dict, marts: dict, mart_cells: dict):
    """One equation per combination of the attributes the sides share, as entries
    (group, variable, coefficient): the total's cell and each `plus` cell +1,
    each part's cell -1 (an
    absent row is a public zero; a row of a value the relation's `except` lists
    is in no equation, on every side), groups in the sorted order of the shared
    values."""
    # `plus`: cells added to the total's side (employed + utanför <= the not
    # emigrated + analysis 12's code 90)
    sides = [(1.0, relation["total"])] + [(1.0, cell) for cell in relation.get("plus") or []]
    sides += [(-1.0, part) for part in relation["parts"]]
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
        totals = totals.iloc[np.lexsort([sorted_codes(totals[k]) for k in keys][::-1])]
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
    followups = [text_of(value) for value in relation["values"]]
    mask = pd.Series(True, index=frame.index)
    for attr, value in (relation.get("where") or {}).items():
        mask &= frame[attr] == text_of(value)
    shared = _followups_by_window(frame, column, window, followups)
    rest = [d for d in mart_dims(mart) if d != column]
    selected = frame[mask & frame[window].isin(shared)]
    by_key: dict[tuple, dict[str, int]] = {}
    windows: dict[tuple, str] = {}
    for row in records(selected, list(selected.columns)):
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
    rename = attributes(mart)
    column, window = rename[relation["column"]], rename[relation["window"]]
    shared = _followups_by_window(
        frame, relation["column"], relation["window"], [text_of(v) for v in relation["values"]]
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


def at_least_floors(name: str, mart: dict, texts: pd.DataFrame) -> np.ndarray:
    """Per cell the public lower bound the mart's `at_least` gives it (0: none),
    checked on the exact counts: a bound a delivery breaks stops the build."""
    floors = np.zeros(len(texts), dtype=np.int64)
    columns = mart.get("aggregate_columns") or {}  # mart column -> aggregate's (run.py)
    for entry in mart.get("at_least") or []:
        named = [*(entry.get("where") or {}), *(entry.get("except") or {})]
        unknown = sorted(c for c in named if columns.get(c, c) not in texts.columns)
        if unknown or not isinstance(entry.get("value"), int):
            raise StructureError(
                f"mart '{name}': at_least needs cells of the mart and an integer value, "
                f"got {unknown or entry.get('value')!r}"
            )
        mask = np.ones(len(texts), dtype=bool)
        for column, value in (entry.get("where") or {}).items():
            mask &= (texts[columns.get(column, column)] == text_of(value)).to_numpy()
        for column, values in (entry.get("except") or {}).items():
            left_out = [text_of(value) for value in values]
            mask &= ~texts[columns.get(column, column)].isin(left_out).to_numpy()
        floors[mask] = np.maximum(floors[mask], int(entry["value"]))
    counts = texts["__count"].to_numpy(dtype=np.int64)
    broken = np.flatnonzero(counts < floors)
    if len(broken):
        raise StructureError(
            f"mart '{name}': {len(broken)} cells count less than their at_least "
            f"(sdc/linked_tables.yml), the first {counts[broken[0]]} < {floors[broken[0]]}"
        )
    return floors
