"""Loads and checks sdc/linked_tables.yml, the public structure of the publication."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from studentflow.sdc.cells import StructureError

DEFAULT_PATH = Path("sdc/linked_tables.yml")
# a relation's total = sum(parts) (default), <= sum(parts) or >= sum(parts)
SENSES = ("=", "<=", ">=")
KINDS = (None, "same_cohort", "each_within")  # as the engine's (sdc/declared.py)
ROWS = ("present_only", "all")


class ManifestError(ValueError):
    """The declaration is malformed; the message names the mart and key."""


@dataclass(frozen=True)
class MartSpec:
    name: str
    population: str
    aggregate: str
    counts: dict[str, dict[str, str]]  # count column -> extra attribute values
    cells: list[str]
    additive: list[str]
    covering: list[str]
    attributes: dict[str, str]
    rows: str
    # covering dims whose total is the union of its parts: each part at most it
    parts_within_total: list[str] = field(default_factory=list)
    magnitudes: list[dict[str, str]] = field(default_factory=list)
    # public lower bounds the definition gives: {where, except, value} each
    at_least: list[dict] = field(default_factory=list)

    def attribute(self, column: str) -> str:
        return self.attributes.get(column, column)

    def cell_of(self, name: str) -> str | None:
        """The cell dim a relation names: the mart's column, or the column holding
        that population attribute (credits_by_background's start_institution_code
        as institution_code), as the engine reads it; None if neither."""
        if name in self.cells:
            return name
        return next((c for c in self.cells if self.attribute(c) == name), None)

    def extras(self) -> list[str]:
        """The attributes the count columns add to a cell (e.g. `basis`), sorted."""
        return sorted({attribute for extra in self.counts.values() for attribute in extra})

    def attribute_names(self) -> set[str]:
        """The population attributes the mart's cells carry (extra counts' too)."""
        return {self.attribute(column) for column in self.cells} | set(self.extras())


@dataclass(frozen=True)
class Manifest:
    total_label: str
    populations: dict[str, dict]
    marts: dict[str, MartSpec]

    def relations(self) -> list[dict]:
        found = []
        for name, population in self.populations.items():
            for relation in population.get("relations") or []:
                found.append({**relation, "population": name})
        return found

    def identities(self, population: str) -> list[dict]:
        return list(self.populations.get(population, {}).get("identities") or [])


def _mart(name: str, raw: dict, populations: dict) -> MartSpec:
    def need(key: str):
        if key not in raw:
            raise ManifestError(f"mart {name}: key '{key}' missing")
        return raw[key]

    if "count" in raw and "counts" in raw:
        raise ManifestError(f"mart {name}: give either 'count' or 'counts', not both")
    counts = raw.get("counts") or {need("count"): {}}
    cells = list(need("cells"))
    additive = list(raw.get("additive") or [])
    covering = list(raw.get("covering") or [])
    within = list(raw.get("parts_within_total") or [])
    for key, dims, among in (
        ("additive", additive, cells),
        ("covering", covering, cells),
        ("parts_within_total", within, covering),
    ):
        for dim in dims:
            if dim not in among:
                kind = "cells" if among is cells else "covering"
                raise ManifestError(f"mart {name}: {key} dim '{dim}' is not in {kind}")
    population = need("population")
    if population not in populations:
        raise ManifestError(f"mart {name}: population '{population}' is not declared")
    rows = raw.get("rows", "present_only")
    if rows not in ROWS:
        raise ManifestError(f"mart {name}: rows must be one of {ROWS}, got '{rows}'")
    return MartSpec(
        name=name,
        population=population,
        aggregate=need("aggregate"),
        counts={column: dict(extra or {}) for column, extra in counts.items()},
        cells=cells,
        additive=additive,
        covering=covering,
        parts_within_total=within,
        attributes=dict(raw.get("attributes") or {}),
        rows=rows,
        magnitudes=list(raw.get("magnitudes") or []),
        at_least=[_at_least(name, entry, cells) for entry in raw.get("at_least") or []],
    )


def _at_least(name: str, entry: dict, cells: list[str]) -> dict:
    """One public lower bound of a mart's count: the rows matching `where` and none
    of the values `except` lists count at least `value` (institution choice names an
    institution only where var institution_choice_min_persons chose it)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("value"), int):
        raise ManifestError(f"mart {name}: at_least needs where, except and an integer value")
    where, excluded = entry.get("where") or {}, entry.get("except") or {}
    unknown = sorted(set(where) - set(cells))
    if not isinstance(excluded, dict) or not all(isinstance(v, list) for v in excluded.values()):
        raise ManifestError(f"mart {name}: at_least except needs a mapping column: [values]")
    unknown += sorted(set(excluded) - set(cells))
    if unknown:
        raise ManifestError(f"mart {name}: at_least names {unknown}, not cells of the mart")
    _check_literals({"where": where, "except": excluded}, f"mart {name}: at_least")
    return {"where": dict(where), "except": dict(excluded), "value": entry["value"]}


def load(path: Path | str = DEFAULT_PATH) -> Manifest:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise ManifestError(f"{path}: expected a mapping with version: 1")
    populations = raw.get("populations") or {}
    marts = {
        name: _mart(name, spec, populations) for name, spec in (raw.get("marts") or {}).items()
    }
    manifest = Manifest(
        total_label=str(raw.get("total_label", "Totalt")),
        populations=populations,
        marts=marts,
    )
    for relation in manifest.relations():
        if str(relation.get("sense", "=")) not in SENSES:
            raise ManifestError(
                f"population {relation['population']}: relation sense "
                f"'{relation['sense']}' is not one of {SENSES}"
            )
        sides = [relation] if relation.get("kind") == "same_cohort" else [relation["total"]]
        sides += (relation.get("plus") or []) + (relation.get("parts") or [])
        for side in sides:
            _check_side(relation["population"], side, marts)
        _check_kind(relation, marts)
        if "leavers" in relation:
            leavers = {"mart": relation["mart"], "where": relation["leavers"]}
            _check_side(relation["population"], leavers, marts)
        _check_except(relation, sides, marts)
        _check_literals(relation)
    for name in populations:
        for identity in manifest.identities(name):
            _check_literals({"population": name, **identity})
    return manifest


def _check_kind(relation: dict, marts: dict) -> None:
    """A relation's kind is known; each_within takes no sense, and its `match`
    maps attributes of every part to attributes of the total."""
    where = f"population {relation['population']}"
    kind = relation.get("kind")
    if kind not in KINDS:
        raise ManifestError(f"{where}: relation kind '{kind}' is not one of {KINDS}")
    if "leavers" in relation and (
        kind != "same_cohort" or not isinstance(relation["leavers"], dict)
    ):
        raise ManifestError(
            f"{where}: leavers needs a same_cohort relation and a mapping column: value"
        )
    if "plus" in relation and kind is not None:
        raise ManifestError(f"{where}: only a sum relation takes plus")
    if kind != "each_within":
        if "match" in relation:
            raise ManifestError(f"{where}: only an each_within relation takes match")
        return
    if "sense" in relation:
        raise ManifestError(f"{where}: an each_within relation takes no sense")
    match = relation.get("match") or {}
    if not isinstance(match, dict):
        raise ManifestError(f"{where}: match needs a mapping part attribute: total attribute")
    total = relation["total"]["mart"]
    for part in relation.get("parts") or []:
        for attribute, renamed in match.items():
            if attribute not in marts[part["mart"]].attribute_names():
                raise ManifestError(f"{where}: match names '{attribute}', not in {part['mart']}")
            if renamed not in marts[total].attribute_names():
                raise ManifestError(f"{where}: match names '{renamed}', not in {total}")
            # as the engine refuses it: the part would carry the total's attribute twice
            spec, fixed = marts[part["mart"]], part.get("where") or {}
            free = {spec.attribute(column) for column in spec.cells if column not in fixed}
            if renamed in free and renamed not in match:
                raise ManifestError(
                    f"{where}: match names '{renamed}', which {part['mart']} has itself"
                )


def _check_literals(declaration: dict, where: str | None = None) -> None:
    """Every value a relation, identity or at_least names is a string or an integer.
    The engine reads a value as SQL casts it to text and the audit as Python prints
    it; they agree on these and differ on YAML's floats, booleans and nulls
    (1.0, true, ~), so the defender and the attacker would read two relations."""
    where = where or f"population {declaration['population']}"
    sides = [declaration, declaration.get("total") or {}, *(declaration.get("parts") or [])]
    sides += declaration.get("plus") or []
    sides.append({"where": declaration.get("leavers") or {}})
    named = [(c, v) for side in sides for c, v in (side.get("where") or {}).items()]
    named += [(c, v) for c, values in (declaration.get("except") or {}).items() for v in values]
    named += [(declaration.get("column"), v) for v in declaration.get("values") or []]
    for key in ("left", "right"):
        named += list((declaration.get(key) or {}).items())
    for column, value in named:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ManifestError(
                f"{where}: value {value!r} of '{column}' must be a string or an integer (quote it)"
            )


def _check_side(population: str, side: dict, marts: dict) -> None:
    """A relation's side names a declared mart, and `where` its cell dims."""
    if side["mart"] not in marts:
        raise ManifestError(
            f"population {population}: relation names undeclared mart '{side['mart']}'"
        )
    spec = marts[side["mart"]]
    extra = {key for extras in spec.counts.values() for key in extras}
    for column in side.get("where") or {}:
        if column not in spec.cells and column not in extra:
            raise ManifestError(
                f"relation on {side['mart']}: where column '{column}' is not a cell dim"
            )


def _check_except(relation: dict, sides: list[dict], marts: dict) -> None:
    """A relation's `except` maps cell dims of every side (a mart column or the
    population attribute one holds) to lists of values (the rows left out of the
    relation on every side); same_cohort has one only with leavers."""
    excluded = relation.get("except")
    if excluded is None:
        return
    where = f"population {relation['population']}: relation's except"
    if relation.get("kind") == "same_cohort" and "leavers" not in relation:
        raise ManifestError(f"{where}: a same_cohort relation takes an except only with leavers")
    if not isinstance(excluded, dict):
        raise ManifestError(f"{where} needs a mapping column: [values]")
    for column, values in excluded.items():
        if not isinstance(values, list):
            raise ManifestError(f"{where}: column '{column}' needs a list of values")
        for side in sides:
            if marts[side["mart"]].cell_of(column) is None:
                raise ManifestError(
                    f"{where}: column '{column}' is not a cell dim of {side['mart']}"
                )


def computed_entries(manifest: Manifest, kind: str, declarations) -> list[dict]:
    """The ``kind`` entries of every population (``declarations``: the engine's
    reader of them, which checks them), each on a declared mart with one count."""
    try:
        found = declarations({"populations": manifest.populations})
    except StructureError as error:
        raise ManifestError(str(error)) from error
    for entry in found:
        if entry["mart"] not in manifest.marts:
            raise ManifestError(f"{kind}: mart '{entry['mart']}' is not declared")
        if len(manifest.marts[entry["mart"]].counts) != 1:
            raise ManifestError(f"{kind}: mart '{entry['mart']}' needs one count")
    return found
