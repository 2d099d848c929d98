"""Linear relations between published cells, from the public structure.

Every relation is sum(coef * cell) = 0 (sense 'eq') or <= 0 (sense 'le')
over cell indices of `Cells`, published cells included (they are constants
later). Four sources:

* within a mart, each additive dim: in every partition of the other cell dims
  that has a total row and at least one part, total - sum(parts) = 0; a
  covering dim gives total - sum(parts) <= 0, and part - total <= 0 for each
  part where declared ``parts_within_total``. A cell dim that holds the total
  label beside parts but is declared neither way is treated as additive and
  reported as inferred, so a missing declaration cannot hide a within-mart leak;
* common cells: two cells of one population with the same attribute values
  (missing attribute = total label, identities applied) are equal;
* declared sum relations (total = sum of parts, matched on the shared free
  attributes; a part row that does not exist is 0 under row existence);
* declared same-cohort relations (follow-ups of a complete window);
* declared each-within relations (every part cell at most its total).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from studentflow.audit.manifest import Manifest, ManifestError
from studentflow.audit.structure import Cells
from studentflow.ranks import tuple_rank

SEP = "\x1f"


@dataclass
class Relations:
    rel: list[np.ndarray] = field(default_factory=list)  # relation id per entry
    cell: list[np.ndarray] = field(default_factory=list)  # cell index per entry
    coef: list[np.ndarray] = field(default_factory=list)
    sense: list[str] = field(default_factory=list)  # per relation: 'eq' or 'le'
    label: list[str] = field(default_factory=list)  # per relation
    inferred: list[str] = field(default_factory=list)  # "mart.dim" treated as additive

    def __len__(self) -> int:
        return len(self.sense)

    def add(self, rel_local, cells, coefs, count: int, sense: str, label: str) -> None:
        """Add `count` relations; rel_local numbers them 0..count-1 per entry."""
        if count == 0:
            return
        offset = len(self.sense)
        self.rel.append(np.asarray(rel_local, dtype=np.int64) + offset)
        self.cell.append(np.asarray(cells, dtype=np.int64))
        self.coef.append(np.asarray(coefs, dtype=float))
        self.sense.extend([sense] * count)
        self.label.extend([label] * count)

    def add_dicts(self, found: list[dict], sense: str, label: str) -> None:
        """Add the relations ``found``, each a dict {cell: coefficient}."""
        sizes = np.array([len(relation) for relation in found], dtype=np.int64)
        self.add(
            np.repeat(np.arange(len(found)), sizes),
            [var for relation in found for var in relation],
            [coef for relation in found for coef in relation.values()],
            len(found),
            sense,
            label,
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.rel:
            empty = np.array([], dtype=np.int64)
            return empty, empty, np.array([], dtype=float)
        return np.concatenate(self.rel), np.concatenate(self.cell), np.concatenate(self.coef)


def _key(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    if not columns:
        return pd.Series("", index=frame.index)
    parts = [frame[c].astype(str) for c in columns]
    key = parts[0]
    for part in parts[1:]:
        key = key + SEP + part
    return key


def _group_codes(frame: pd.DataFrame, columns: list[str], sort: bool, known=None) -> np.ndarray:
    """One integer per distinct combination of ``columns`` (as texts): numbered in the
    order of the joined text key (``_key``: its separator sorts below every printable
    character) with ``sort``, else in order of first appearance. Cheaper than
    joining and sorting the texts of millions of cells (nationally 40 s), and than
    pandas' groupby over the text columns (8.7 s). ``known``: columns already numbered
    (``_column_codes``), so that a mart's dims are numbered once, not once per dim's
    partition."""
    if not columns:
        return np.zeros(len(frame), dtype=np.int64)
    known = known or {}
    rank = tuple_rank([known[c] if c in known else _column_codes(frame, c) for c in columns])
    if sort:
        return np.unique(rank, return_inverse=True)[1].astype(np.int64).ravel()
    return pd.factorize(rank, sort=False)[0].astype(np.int64)


def _column_codes(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Each row's text numbered in sorted order, missing values last."""
    codes, uniques = pd.factorize(frame[column].astype(str), sort=True)
    return np.where(codes < 0, len(uniques), codes).astype(np.int64)


def _dims(spec, extras: dict) -> list[str]:
    return list(spec.cells) + sorted(extras)


def _partition_relations(
    out: Relations, sub: pd.DataFrame, dims, dim, total, sense, label, known, bounded=False
):
    others = [d for d in dims if d != dim]
    is_total = (sub[dim] == total).to_numpy()
    group = _group_codes(sub, others, sort=False, known=known)
    n_groups = group.max() + 1 if len(group) else 0
    has_total = np.zeros(n_groups, dtype=bool)
    has_total[group[is_total]] = True
    n_parts = np.bincount(group[~is_total], minlength=n_groups)
    valid = has_total & (n_parts > 0)
    relation_of_group = np.full(n_groups, -1)
    relation_of_group[valid] = np.arange(valid.sum())
    keep = valid[group]
    rel = relation_of_group[group[keep]]
    coefs = np.where(is_total[keep], 1.0, -1.0)
    count = int(valid.sum())
    out.add(rel, sub.index.to_numpy()[keep], coefs, count, sense, label)
    if bounded:
        _parts_within_total(out, sub.index.to_numpy(), group, is_total, valid, label)
    return count


def _parts_within_total(out: Relations, index, group, is_total, valid, label) -> None:
    """part - total <= 0 for every part of a covering dim declared
    ``parts_within_total``: the total counts the union of the parts' persons
    (each once), so no part exceeds it. Not for every covering dim: analysis
    1's programme rows count programme entrants, its total institution
    entrants (a master's programme's entrants began at the institution years
    before), and a bound the definitions do not give is no attacker's."""
    total_of_group = np.full(len(valid), -1, dtype=np.int64)
    total_of_group[group[is_total]] = index[is_total]
    parts = ~is_total & valid[group]
    count = int(parts.sum())
    cells = np.column_stack([index[parts], total_of_group[group[parts]]]).ravel()
    rel = np.repeat(np.arange(count), 2)
    out.add(rel, cells, np.tile([1.0, -1.0], count), count, "le", f"{label}: part <= total")


def within_marts(cells: Cells, manifest: Manifest, out: Relations) -> None:
    total = manifest.total_label
    for mart in sorted(cells.marts()):
        rows = cells.of_mart(mart)
        for count, sub in rows.groupby("count", sort=True):
            _within_mart(out, manifest, mart, count, sub, total)


def _within_mart(out: Relations, manifest: Manifest, mart, count, sub, total) -> None:
    spec = manifest.marts[mart]
    dims = _dims(spec, spec.counts.get(count, {}))
    declared = set(spec.additive) | set(spec.covering)
    known = {d: _column_codes(sub, d) for d in dims}
    for dim in spec.cells:
        if dim in spec.covering:
            sense = "le"
        elif dim in spec.additive:
            sense = "eq"
        elif (sub[dim] == total).any():
            sense = "eq"
        else:
            continue
        tag = "covering" if sense == "le" else ("additive" if dim in declared else "inferred")
        label = f"{mart}: {dim} {tag}"
        bounded = dim in spec.parts_within_total
        found = _partition_relations(out, sub, dims, dim, total, sense, label, known, bounded)
        # a dim holding only the total label (alumni_cat3's pooled degree_code) is
        # a constant: it relates nothing, so there is no declaration to miss
        name = f"{mart}.{dim}"
        if tag == "inferred" and found and name not in out.inferred:
            out.inferred.append(name)


def _attribute_frame(cells: Cells, manifest: Manifest, population: str) -> pd.DataFrame:
    """Cells of one population with their attribute values (total label when absent)."""
    total = manifest.total_label
    marts = [n for n, s in manifest.marts.items() if s.population == population]
    attributes: set[str] = set()
    for name in marts:
        spec = manifest.marts[name]
        attributes |= {spec.attribute(c) for c in spec.cells}
        attributes |= {a for extras in spec.counts.values() for a in extras}
    frames = []
    frame = cells.frame
    for name in marts:
        spec = manifest.marts[name]
        sub = cells.of_mart(name)
        if sub.empty:
            continue
        values = pd.DataFrame(index=sub.index)
        for attribute in sorted(attributes):
            columns = [c for c in spec.cells if spec.attribute(c) == attribute]
            extra = any(attribute in e for e in spec.counts.values())
            if columns:
                values[attribute] = sub[columns[0]].astype(str)
            elif extra:
                values[attribute] = sub[attribute].astype(str)
            else:
                values[attribute] = total
        frames.append(values)
    if not frames:
        return pd.DataFrame()
    values = pd.concat(frames)
    for identity in manifest.identities(population):
        left, right = identity["left"], identity["right"]
        if not set(left) | set(right) <= set(values.columns):
            continue
        mask = np.ones(len(values), dtype=bool)
        for attribute, value in left.items():
            mask &= (values[attribute] == str(value)).to_numpy()
        for attribute in right:
            mask &= (values[attribute] == total).to_numpy()
        for attribute in left:
            values.loc[mask, attribute] = total
        for attribute, value in right.items():
            values.loc[mask, attribute] = str(value)
    values["__quantity"] = frame.loc[values.index, "quantity"].astype(str)
    return values


def common_cells(cells: Cells, manifest: Manifest, out: Relations) -> None:
    for population in sorted(manifest.populations):
        values = _attribute_frame(cells, manifest, population)
        if values.empty or values.index.size < 2:
            continue
        key = _group_codes(values, sorted(values.columns), sort=True)
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        index = values.index.to_numpy()[order]
        same = sorted_key[1:] == sorted_key[:-1]
        first = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(len(index)), 0))
        pairs = np.nonzero(same)[0] + 1
        rel = np.repeat(np.arange(len(pairs)), 2)
        cell = np.column_stack([index[first[pairs]], index[pairs]]).ravel()
        coef = np.tile([1.0, -1.0], len(pairs))
        out.add(rel, cell, coef, len(pairs), "eq", f"common cell in {population}")


def _free(manifest: Manifest, side: dict) -> dict[str, str]:
    """The attributes a relation's side leaves free (not fixed by its ``where``),
    each with the mart column holding it."""
    spec = manifest.marts[side["mart"]]
    where = side.get("where") or {}
    free = {spec.attribute(c): c for c in spec.cells if c not in where}
    free.update({a: a for e in spec.counts.values() for a in e if a not in where})
    return free


def _side(
    cells: Cells, manifest: Manifest, side: dict, on: list[str] | None = None, excluded=None
) -> tuple[pd.DataFrame, list[str]]:
    """The side's cells keyed by their free attributes, or by ``on`` (the
    attributes every side of a relation shares, as the engine matches them);
    the rows of a value ``excluded`` (the relation's `except`) lists left out."""
    spec = manifest.marts[side["mart"]]
    where = side.get("where") or {}
    extras = {a for e in spec.counts.values() for a in e}
    # only the columns used before rows are selected: selecting rows of the whole
    # frame copied every mart's text columns (nationally most of this step's time)
    used = list(dict.fromkeys([*spec.cells, *sorted(extras), *where, "quantity"]))
    sub = cells.of_mart(side["mart"])[used]
    for column, value in where.items():
        sub = sub[sub[column].astype(str) == str(value)]
    # an excluded value leaves the column free, matched with the other sides
    for name, values in (excluded or {}).items():
        column = spec.cell_of(name)
        sub = sub[~sub[column].astype(str).isin([str(value) for value in values])]
    free = _free(manifest, side)
    keyed = pd.DataFrame({"cell": sub.index.to_numpy()}, index=sub.index)
    attributes = sorted(free) if on is None else list(on)
    renamed = sub.rename(columns={v: k for k, v in free.items()})
    keyed["key"] = _key(renamed, attributes) + SEP + sub["quantity"].astype(str)
    return keyed, attributes


def declared(cells: Cells, manifest: Manifest, out: Relations) -> None:
    present = set(cells.marts())
    for relation in manifest.relations():
        if relation.get("kind") == "same_cohort":
            if relation["mart"] in present and "leavers" in relation:
                _same_cohort_leavers(cells, manifest, relation, out)
            elif relation["mart"] in present:
                _same_cohort(cells, manifest, relation, out)
            continue
        plus = list(relation.get("plus") or [])  # on the total's side
        sides = [relation["total"], *plus, *relation["parts"]]
        if not all(side["mart"] in present for side in sides):
            continue
        if relation.get("kind") == "each_within":
            _each_within(cells, manifest, relation, out)
            continue
        # matched on the attributes all sides share, as the engine does
        # (sdc/declared.py): alumni category 1's group_code is its degree
        # code, which analysis 8 has as degree_code alone
        shared = sorted(set.intersection(*(set(_free(manifest, side)) for side in sides)))
        excluded = relation.get("except")
        keyed = [_side(cells, manifest, side, shared, excluded)[0] for side in sides]
        for side, side_keyed in zip(sides, keyed, strict=True):
            if side_keyed["key"].duplicated().any():
                raise ManifestError(
                    f"relation in {relation['population']}: several cells of {side['mart']} "
                    f"match one combination of {shared}"
                )
        # total >= sum(parts) is sum(parts) - total <= 0: the same row, signs flipped
        sign = -1.0 if relation.get("sense") == ">=" else 1.0
        total, parts = keyed[0], keyed[1:]
        merged = [total.merge(part, on="key", suffixes=("", "_part")) for part in parts]
        found = set().union(*(set(m["cell"]) for m in merged))
        total = total[total["cell"].isin(found)].reset_index(drop=True)
        number = pd.Series(np.arange(len(total)), index=total["cell"].to_numpy())
        rel = [number.to_numpy()]
        cell = [total["cell"].to_numpy()]
        coef = [np.full(len(total), sign)]
        for index, m in enumerate(merged):
            m = m[m["cell"].isin(found)]
            rel.append(number.loc[m["cell"].to_numpy()].to_numpy())
            cell.append(m["cell_part"].to_numpy())
            coef.append(np.full(len(m), sign if index < len(plus) else -sign))
        sense = "eq" if relation.get("sense", "=") == "=" else "le"
        names = " + ".join(f"{s['mart']}{s.get('where', {})}" for s in relation["parts"])
        left = " + ".join(f"{s['mart']}{s.get('where', {})}" for s in [relation["total"], *plus])
        label = f"{left} {relation.get('sense', '=')} {names}" + (
            f" except {excluded}" if excluded else ""
        )
        out.add(
            np.concatenate(rel),
            np.concatenate(cell),
            np.concatenate(coef),
            len(total),
            sense,
            label,
        )


def _each_within(cells: Cells, manifest: Manifest, relation: dict, out: Relations) -> None:
    """Each part cell <= the total cell with its values of the attributes the total
    leaves free (`match` names a part attribute by the total's); a part may have
    attributes the total lacks, and a part cell without a total row is in no
    relation, as the engine reads it (sdc/declared.py)."""
    excluded = relation.get("except")
    keys = sorted(_free(manifest, relation["total"]))
    total = _side(cells, manifest, relation["total"], keys, excluded)[0]
    if total["key"].duplicated().any():
        raise ManifestError(
            f"relation in {relation['population']}: several cells of "
            f"{relation['total']['mart']} match one combination of {keys}"
        )
    by_total = {renamed: attribute for attribute, renamed in (relation.get("match") or {}).items()}
    label = f"{relation['total']['mart']}{relation['total'].get('where', {})} >= each of "
    for part in relation["parts"]:
        on = [by_total.get(key, key) for key in keys]
        if not set(on) <= set(_free(manifest, part)):
            raise ManifestError(
                f"relation in {relation['population']}: {part['mart']} cannot be matched on {on}"
            )
        keyed = _side(cells, manifest, part, on, excluded)[0]
        pairs = keyed.merge(total, on="key", suffixes=("", "_total"))
        count = len(pairs)
        out.add(
            np.repeat(np.arange(count), 2),
            np.column_stack([pairs["cell"], pairs["cell_total"]]).ravel(),
            np.tile([1.0, -1.0], count),
            count,
            "le",
            label + f"{part['mart']}{part.get('where', {})}",
        )


def _same_cohort(cells: Cells, manifest: Manifest, relation: dict, out: Relations) -> None:
    mart, column, window = relation["mart"], relation["column"], relation["window"]
    values = [str(v) for v in relation["values"]]
    spec = manifest.marts[mart]
    extras = spec.extras()
    rows = cells.of_mart(mart)[list(dict.fromkeys([*spec.cells, *extras, "quantity"]))]
    complete = set(_followups_by_window(rows, column, window, values))
    side = {"mart": mart, "where": relation.get("where") or {}}
    keyed, attributes = _side(cells, manifest, side)
    keyed[column] = rows.loc[keyed.index, column].astype(str)
    keyed = keyed[rows.loc[keyed.index, window].astype(str).isin(complete)]
    others = [a for a in attributes if a != column]
    keyed["key"] = (
        _key(
            rows.loc[keyed.index].rename(
                columns={c: manifest.marts[mart].attribute(c) for c in manifest.marts[mart].cells}
            ),
            others,
        )
        + SEP
        + rows.loc[keyed.index, "quantity"].astype(str)
    )
    base = keyed[keyed[column] == values[0]]
    for value in values[1:]:
        later = keyed[keyed[column] == value]
        pairs = base.merge(later, on="key", suffixes=("", "_later"))
        n = len(pairs)
        rel = np.repeat(np.arange(n), 2)
        cell = np.column_stack([pairs["cell"], pairs["cell_later"]]).ravel()
        out.add(
            rel,
            cell,
            np.tile([1.0, -1.0], n),
            n,
            "eq",
            f"{mart}: same cohort at {column} {values[0]} and {value}",
        )


def _followups_by_window(rows: pd.DataFrame, column: str, window: str, values: list[str]):
    """Per window, the listed follow-ups it has, where it has two or more. Every
    follow-up a window has covers the whole window (docs block
    complete_windows): the same persons wherever two of them are published."""
    pairs = rows[[window, column]].astype(str).drop_duplicates()
    seen = pairs.groupby(window)[column].agg(set)
    found = {w: set(values) & followups for w, followups in seen.items()}
    return {w: followups for w, followups in found.items() if len(followups) > 1}


def _same_cohort_leavers(cells: Cells, manifest: Manifest, relation: dict, out: Relations) -> None:
    """same_cohort with `leavers`: a cell at one follow-up a window has <= the same
    cell at another it has + the leavers' cell there, as the engine reads it
    (sdc/declared.py); an absent row is a zero."""
    mart, column, window = relation["mart"], relation["column"], relation["window"]
    spec = manifest.marts[mart]
    rows = cells.of_mart(mart)
    shared = _followups_by_window(rows, column, window, [str(v) for v in relation["values"]])
    side = {"mart": mart, "where": relation.get("where") or {}}
    gone_side = {"mart": mart, "where": relation["leavers"]}
    attribute = spec.attribute(column)
    keys = sorted(set(_free(manifest, side)) - {attribute})
    on = sorted(set(_free(manifest, gone_side)) - {attribute})
    if not set(on) <= set(keys):
        raise ManifestError(
            f"relation in {relation['population']}: leavers cannot be matched on {keys}"
        )
    excluded = relation.get("except")
    keyed = _side(cells, manifest, side, keys, excluded)[0]
    keyed["by"] = _side(cells, manifest, side, on, excluded)[0]["key"]
    gone = _side(cells, manifest, gone_side, on, excluded)[0]
    for frame in (keyed, gone):
        frame["at"] = rows.loc[frame.index, column].astype(str)
        frame["window"] = rows.loc[frame.index, window].astype(str)
    followups = sorted({f for found in shared.values() for f in found})
    for first, second in itertools.permutations(followups, 2):
        windows = [w for w, found in shared.items() if first in found and second in found]
        at = keyed[(keyed["at"] == first) & keyed["window"].isin(windows)]
        later = keyed.loc[keyed["at"] == second, ["key", "cell"]]
        matched = at[["key", "by", "cell"]].merge(
            later, on="key", how="left", suffixes=("", "_later")
        )
        left = gone.loc[gone["at"] == second, ["key", "cell"]].rename(columns={"key": "by"})
        matched = matched.merge(left, on="by", how="left", suffixes=("", "_gone"))
        found = matched[["cell", "cell_later", "cell_gone"]].to_numpy(dtype=float)
        present = ~np.isnan(found)
        rel = np.repeat(np.arange(len(found)), 3).reshape(-1, 3)[present]
        coef = np.tile([1.0, -1.0, -1.0], (len(found), 1))[present]
        label = f"{mart}{side['where']}: at {column} {first} <= at {second} + leavers"
        out.add(rel, found[present].astype(np.int64), coef, len(found), "le", label)


def build(cells: Cells, manifest: Manifest) -> Relations:
    out = Relations()
    within_marts(cells, manifest, out)
    common_cells(cells, manifest, out)
    declared(cells, manifest, out)
    return out
