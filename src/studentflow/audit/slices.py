"""The periods of the publication an audit keeps from its last run.

An annual delivery changes few periods of the publication: the newest year,
the windows and follow-ups it completes, the years it revises. A population
may declare its period in sdc/linked_tables.yml (``period: academic_year``):
the attribute no relation crosses. Then each period of a group of linked
marts is a *slice* whose cells an attacker can only relate to each other, and
its attack needs no other slice. An audit into the same ``--out`` keeps the
result of every slice whose fingerprint - its published rows, the group's
declaration, k, the total label and the audit's code - is that of a slice its
last run found safe, and loads, relates and attacks only the other slices.
What is kept is the attacker's own earlier result on identical input: nothing
is read from the suppression engine.

Keeping never changes a verdict. A group whose declaration does not keep its
periods apart is one slice, kept only when none of it changed: a population
without a period or with another one than its group's, a mart without the
period among its cells or totalling it, a relation or identity that fixes or
varies it, or a published period holding the total label or NULL (a row
summing periods).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from studentflow.audit import threshold_bands, window_sums
from studentflow.audit.manifest import Manifest

FILE = "slices.pickle"
WHOLE = ""  # the one period of a group whose periods are not kept apart
_FORMAT = "slices-1"


@dataclass(frozen=True)
class Group:
    """Marts an attacker can relate (linked by a population or a relation)."""

    marts: tuple[str, ...]
    columns: dict[str, str]  # mart -> its period column; empty: the group is one slice
    declaration: str  # the group's populations and marts, as JSON


@dataclass
class SliceResult:
    """What the report needs of one slice: its cells per mart, count column and
    status, its worst cells (the report's first rows can only come from these),
    and its components."""

    counts: pd.DataFrame  # mart, count, status, n
    worst: pd.DataFrame  # rows of the audit's cell table
    components: int


@dataclass
class Plan:
    """This audit's slices: the fingerprint of each, and the stored result of each
    kept one."""

    groups: list[Group]
    hashes: dict[tuple[int, str], str]  # (group, period) -> fingerprint
    stored: dict[str, SliceResult]
    kept: set[tuple[int, str]] = field(default_factory=set)

    def only(self) -> dict[str, tuple[str, list[str]] | None]:
        """Per published mart with a slice to audit: its period column and the
        periods to load (None: all its rows). A mart whose slices are all kept is
        not loaded."""
        audited: dict[int, list[str]] = {}
        for group, period in sorted(self.hashes):
            if (group, period) not in self.kept:
                audited.setdefault(group, []).append(period)
        out: dict[str, tuple[str, list[str]] | None] = {}
        for index, periods in audited.items():
            group = self.groups[index]
            for mart in group.marts:
                out[mart] = (group.columns[mart], periods) if group.columns else None
        return out

    def kept_results(self) -> list[SliceResult]:
        return [self.stored[self.hashes[key]] for key in sorted(self.kept)]


def groups(manifest: Manifest) -> list[Group]:
    """The declared marts in groups an attacker can relate, each with its period
    columns when the declaration keeps its periods apart."""
    found = []
    for marts in _linked(manifest):
        declaration = json.dumps(
            {
                "marts": {name: vars(manifest.marts[name]) for name in marts},
                "populations": {
                    p: manifest.populations[p]
                    for p in sorted({manifest.marts[name].population for name in marts})
                },
                "relations": [
                    relation
                    for relation in manifest.relations()
                    if any(side["mart"] in marts for side in _sides(relation))
                ],
            },
            sort_keys=True,
            default=str,
        )
        found.append(Group(tuple(marts), _period_columns(manifest, marts), declaration))
    return found


def _linked(manifest: Manifest) -> list[list[str]]:
    """Marts joined by a shared population or by a relation naming both."""
    parent = {name: name for name in manifest.marts}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    def join(names: list[str]) -> None:
        for name in names[1:]:
            parent[root(name)] = root(names[0])

    by_population: dict[str, list[str]] = {}
    for name, spec in manifest.marts.items():
        by_population.setdefault(spec.population, []).append(name)
    for names in by_population.values():
        join(names)
    for relation in manifest.relations():
        join([side["mart"] for side in _sides(relation)])
    members: dict[str, list[str]] = {}
    for name in sorted(manifest.marts):
        members.setdefault(root(name), []).append(name)
    return sorted(members.values())


def _sides(relation: dict) -> list[dict]:
    """A relation's sides as (mart, columns it fixes or varies)."""
    if relation.get("kind") == "same_cohort":
        where = dict(relation.get("where") or {})
        sides = [{"mart": relation["mart"], "where": {**where, relation["column"]: None}}]
        return sides + [{"mart": relation["mart"], "where": relation.get("leavers") or {}}]
    return [relation["total"], *(relation.get("plus") or []), *relation["parts"]]


def _period_columns(manifest: Manifest, marts: list[str]) -> dict[str, str]:
    """Per mart its period column, or empty when the declaration does not keep the
    group's periods apart (the module's docstring lists when)."""
    populations = {manifest.marts[name].population for name in marts}
    periods = {(manifest.populations.get(p) or {}).get("period") for p in populations}
    if len(periods) != 1 or None in periods:
        return {}
    period = periods.pop()
    columns = {}
    for name in marts:
        spec = manifest.marts[name]
        found = [c for c in spec.cells if spec.attribute(c) == period]
        if not found or found[0] in spec.additive + spec.covering:
            return {}
        columns[name] = found[0]
    for relation in manifest.relations():
        for side in _sides(relation):
            if side["mart"] in columns and columns[side["mart"]] in (side.get("where") or {}):
                return {}
    for population in populations:
        for identity in manifest.identities(population):
            if period in {*identity.get("left", {}), *identity.get("right", {})}:
                return {}
    return columns


def plan(
    con: duckdb.DuckDBPyConnection,
    manifest: Manifest,
    k: int,
    schema: str,
    directory: Path,
    version: str,
) -> Plan:
    """The slices of the published marts with their fingerprints, and which of them
    the results stored in ``directory`` (``FILE``) let this audit keep."""
    found = groups(manifest)
    present = {row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()}  # fmt: skip
    header = [version, str(k), manifest.total_label]
    hashes: dict[tuple[int, str], str] = {}
    for index, group in enumerate(found):
        marts = [name for name in group.marts if name in present]
        summed = {name: _summed_rows(con, schema, name, group.columns.get(name)) for name in marts}
        if group.columns and any(
            p is None or p == manifest.total_label for sums in summed.values() for p in sums
        ):
            # a row summing periods (or of none): the group's periods are not apart
            group = found[index] = Group(group.marts, {}, group.declaration)
            summed = {name: _summed_rows(con, schema, name, None) for name in marts}
        hashes.update(_fingerprints(index, group, summed, header))
    _tie_window_sums(con, manifest, schema, found, hashes, present)
    _tie_thresholds(con, manifest, found, hashes, present)
    stored = load(directory)
    kept = {key for key, value in hashes.items() if value in stored}
    return Plan(found, hashes, stored, kept)


def _tie_window_sums(con, manifest: Manifest, schema: str, found, hashes, present) -> None:
    """The slices of a window_sums entry's two groups are audited together or kept
    together: a window's attack reads its years' exact counts (the floors), and a
    year's reads its windows' sums (audit/window_sums.py). Each of their
    fingerprints takes in every one of theirs and the floors."""
    for entry in window_sums.entries(manifest):
        marts = {entry["window"]["mart"], entry["years"]["mart"]}
        if not marts <= present:
            continue
        groups = {i for i, group in enumerate(found) if marts & set(group.marts)}
        keys = sorted(key for key in hashes if key[0] in groups)
        floors = window_sums.floors_digest(con, manifest, entry, schema)
        unit = "\n".join([floors, *(hashes[key] for key in keys)])
        for key in keys:
            hashes[key] = hashlib.sha256(f"{hashes[key]}\n{unit}".encode()).hexdigest()


def _tie_thresholds(con, manifest: Manifest, found, hashes, present) -> None:
    """Each fingerprint of a group with threshold bands takes in the thresholds of
    its period (read from the aggregates, not published: audit/threshold_bands.py);
    one digest of them all made every alumni slice new when a window arrived (the
    national update kept 28 of 76 slices instead of 37, benchmarks/results.md)."""
    periods = {mart: column for group in found for mart, column in group.columns.items()}
    for mart, digests in threshold_bands.digest(con, manifest, periods).items():
        if mart not in present:
            continue
        for key in [key for key in hashes if mart in found[key[0]].marts]:
            # one digest for every slice where the thresholds hold no period column
            digest = digests[None] if None in digests else digests.get(key[1], "")
            hashes[key] = hashlib.sha256(f"{hashes[key]}\n{digest}".encode()).hexdigest()


def _fingerprints(index: int, group: Group, summed: dict[str, dict], header: list[str]) -> dict:
    """(group, period) -> the fingerprint of that period's rows of the group's marts."""
    parts: dict[str, list[str]] = {}
    for name, sums in sorted(summed.items()):
        for period, text in sums.items():
            parts.setdefault(period, []).append(f"{name}:{text}")
    return {
        (index, period): hashlib.sha256(
            "\n".join([*header, group.declaration, *texts]).encode()
        ).hexdigest()
        for period, texts in parts.items()
    }


def _summed_rows(con, schema: str, mart: str, column: str | None) -> dict:
    """Per period text (None: NULL), the rows' count,
    column names and two sums of 64-bit hashes of every published column: the rows
    as a multiset, in no fixed order."""
    columns = [row[0] for row in con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, mart],
    ).fetchall()]  # fmt: skip
    listed = ", ".join(f'"{c}"' for c in columns)
    period = f'cast("{column}" as varchar)' if column else f"'{WHOLE}'"
    rows = con.execute(
        f"select {period} as period, count(*), sum(hash({listed})), sum(hash({listed}, 1))"
        f' from "{schema}"."{mart}" group by 1'
    ).fetchall()
    return {
        period: f"{n}:{','.join(columns)}:{first}:{second}" for period, n, first, second in rows
    }


def results(cells: pd.DataFrame, plan: Plan, order_keys, limit: int) -> dict[str, SliceResult]:
    """The result of each audited slice without a leak, by fingerprint, from the
    audit's cell table (in cell order, each mart's cells together, marts by name).
    ``order_keys(cells)``: the report's sort keys before mart and cell; a stable
    sort on them then keeps the cell order, so each slice's first ``limit`` cells
    are the report's first."""
    codes, keys = _slice_codes(cells, plan)
    safe = (cells["status"] == "safe").to_numpy()
    leaks = np.bincount(codes, weights=~safe, minlength=len(keys)) > 0
    order = np.lexsort((*order_keys(cells), codes))
    starts = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    counts = _counts(cells, codes, len(keys))
    components = cells["component"].to_numpy()
    out = {}
    for code, key in enumerate(keys):
        if leaks[code]:
            continue  # a slice with a leak is attacked again next time
        rows = order[starts[code] : starts[code + 1]]
        found = np.unique(components[rows])
        out[plan.hashes[key]] = SliceResult(
            counts[counts["slice"] == code].drop(columns="slice").reset_index(drop=True),
            cells.iloc[rows[:limit]],
            int((found >= 0).sum()),
        )
    return out


def _counts(cells: pd.DataFrame, codes: np.ndarray, n: int) -> pd.DataFrame:
    """Cells per slice, mart, count column and status (on integer codes: a group-by
    over the texts of millions of cells is slow)."""
    parts = [pd.factorize(cells[name]) for name in ("mart", "count", "status")]
    sizes = [len(values) for _, values in parts]
    combined = codes.astype(np.int64)
    for (part, _), size in zip(parts, sizes, strict=True):
        combined = combined * size + part
    found, n_cells = np.unique(combined, return_counts=True)
    columns = {}
    names = ("status", "count", "mart")
    for name, (_, values), size in zip(names, parts[::-1], sizes[::-1], strict=True):
        columns[name] = np.asarray(values, dtype=object)[found % size]
        found = found // size
    columns["slice"] = found
    frame = pd.DataFrame(columns)[["slice", "mart", "count", "status"]]
    frame["n"] = n_cells
    return frame


def _slice_codes(cells: pd.DataFrame, plan: Plan) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Each cell's slice as a code, and the (group, period) of each code."""
    codes = np.full(len(cells), -1, dtype=np.int64)
    numbered: dict[tuple[int, str], int] = {}
    mart_codes, names = pd.factorize(cells["mart"])
    mart_of = {str(name): i for i, name in enumerate(names)}
    for index, group in enumerate(plan.groups):
        for name in group.marts:
            if name not in mart_of:
                continue
            rows = np.flatnonzero(mart_codes == mart_of[name])
            if group.columns:
                periods, texts = pd.factorize(cells[group.columns[name]].iloc[rows])
            else:
                periods, texts = np.zeros(len(rows), dtype=np.int64), [WHOLE]
            if (periods < 0).any():
                raise ValueError(f"mart {name}: a protected cell without a period")
            mapped = [numbered.setdefault((index, str(t)), len(numbered)) for t in texts]
            codes[rows] = np.asarray(mapped, dtype=np.int64)[periods]
    if (codes < 0).any():
        raise ValueError("a protected cell of an undeclared mart cannot be put in a slice")
    return codes, list(numbered)


def load(directory: Path) -> dict[str, SliceResult]:
    """fingerprint -> stored slice result; empty without a readable file."""
    path = directory / FILE
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return {}  # a damaged or foreign file: audit every slice again
    if not isinstance(stored, dict) or stored.get("format") != _FORMAT:
        return {}
    return stored["slices"]


def save(directory: Path, kept: dict[str, SliceResult], audited: dict[str, SliceResult]) -> None:
    """Keep the slices of this audit (kept or audited without a leak); slices no
    longer published drop out."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / FILE).open("wb") as handle:
        pickle.dump(
            {"format": _FORMAT, "slices": {**kept, **audited}},
            handle,
            protocol=pickle.HIGHEST_PROTOCOL,
        )


def code_version() -> str:
    """Every module of the audit, the helpers it reads the marts with and the
    solver's version: a kept slice skips all of them, so a change to any must
    audit every slice again."""
    here = Path(__file__).parent
    digest = hashlib.sha256(metadata.version("highspy").encode())
    shared = [here.parent / name for name in ("ranks.py", "frames.py", "sql.py")]
    for path in sorted([*here.glob("*.py"), *shared]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()
