"""Hand-built 'published' warehouses for the audit tests.

The 13-municipality shape of issue 13: one year, one county, 13
municipalities, two linked marts over the same persons - a transition-like
mart (sex x born abroad) and a foreign-background-like mart (sex x four
groups) - with small cells (0-5) beside totals. Protection per mart only is
the project's old heuristic (primary 1..k-1, then in every relation with
exactly one suppressed cell the smallest open part, non-zero first, until
stable), re-implemented here on the exact cells.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from studentflow.audit import manifest, run

K = 5
TOTAL = "Totalt"
GROUPS = ["utrikes_fodd", "inrikes_tva_utrikes", "inrikes_en_utrikes", "inrikes_tva_inrikes"]
SEXES = ["Kvinnor", "Män"]
MUNICIPALITIES = [f"01{i:02d}" for i in range(1, 14)]

MANIFEST = {
    "version": 1,
    "total_label": TOTAL,
    "populations": {
        "registered": {
            "description": "registered persons per municipality and year",
            "identities": [
                {
                    "left": {"born_abroad": "Utrikes född"},
                    "right": {"foreign_background_code": "utrikes_fodd"},
                }
            ],
        }
    },
    "marts": {
        "transition": {
            "population": "registered",
            "aggregate": "agg_transition",
            "count": "n",
            "cells": ["academic_year", "sex", "born_abroad", "county_code", "municipality_code"],
            "additive": ["sex", "born_abroad", "county_code", "municipality_code"],
            "rows": "all",
        },
        "foreign_background": {
            "population": "registered",
            "aggregate": "agg_foreign_background",
            "count": "n",
            "cells": [
                "academic_year",
                "sex",
                "county_code",
                "municipality_code",
                "foreign_background_code",
            ],
            "additive": ["sex", "county_code", "municipality_code", "foreign_background_code"],
            "rows": "all",
        },
    },
}


def persons(seed: int = 13) -> pd.DataFrame:
    """Exact finest cells: municipality x sex x group, mostly 0-5, one large group.

    Municipality 0101, men, is the issue's example: 73 with two domestic-born
    parents, 4 with two foreign-born parents, 6 born abroad; total 83.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for municipality, sex in product(MUNICIPALITIES, SEXES):
        small = rng.integers(0, 6, size=3)
        big = int(rng.integers(20, 90))
        counts = [int(small[0]), int(small[1]), int(small[2]), big]
        if (municipality, sex) == ("0101", "Män"):
            counts = [6, 4, 0, 73]
        for group, n in zip(GROUPS, counts, strict=True):
            rows.append((municipality, sex, group, n))
    return pd.DataFrame(rows, columns=["municipality_code", "sex", "foreign_background_code", "n"])


def _rollup(fine: pd.DataFrame, dims: list[str], levels: list[list[str]]) -> pd.DataFrame:
    """Every combination of totals: each level list is rolled up fine -> coarse."""
    frames = []
    for kept in product(*[range(len(level) + 1) for level in levels]):
        keys = [c for level, depth in zip(levels, kept, strict=True) for c in level[:depth]]
        grouped = (
            fine.groupby(dims + keys, as_index=False)["n"].sum()
            if dims + keys
            else (pd.DataFrame({"n": [fine["n"].sum()]}))
        )
        for level, depth in zip(levels, kept, strict=True):
            for column in level[depth:]:
                grouped[column] = TOTAL
        frames.append(grouped)
    return pd.concat(frames, ignore_index=True)


def exact_marts(fine: pd.DataFrame) -> dict[str, pd.DataFrame]:
    fine = fine.assign(
        county_code="01",
        born_abroad=np.where(
            fine["foreign_background_code"] == "utrikes_fodd", "Utrikes född", "Inrikes född"
        ),
    )
    transition = _rollup(
        fine.groupby(["sex", "born_abroad", "county_code", "municipality_code"], as_index=False)[
            "n"
        ].sum(),
        [],
        [["sex"], ["born_abroad"], ["county_code", "municipality_code"]],
    )
    background = _rollup(
        fine, [], [["sex"], ["county_code", "municipality_code"], ["foreign_background_code"]]
    )
    out = {}
    for name, frame in (("transition", transition), ("foreign_background", background)):
        frame = frame.assign(academic_year="2020")
        cells = MANIFEST["marts"][name]["cells"]
        out[name] = frame[cells + ["n"]].sort_values(cells).reset_index(drop=True)
    return out


def protect_per_mart(frame: pd.DataFrame, name: str) -> pd.Series:
    """The old per-mart secondary suppression, to a fixed point: a flag per row."""
    spec = MANIFEST["marts"][name]
    cells, additive = spec["cells"], spec["additive"]
    suppressed = frame["n"].between(1, K - 1).copy()
    for _ in range(50):
        before = suppressed.copy()
        for dim in additive:
            others = [c for c in cells if c != dim]
            for _, group in frame.groupby(others):
                index = group.index
                is_total = group[dim] == TOTAL
                if not is_total.any() or is_total.all() or suppressed[index].sum() != 1:
                    continue
                open_parts = group[~is_total & ~suppressed[index]]
                if len(open_parts):
                    order = open_parts.assign(zero=open_parts["n"] == 0).sort_values(
                        ["zero", "n", dim]
                    )
                    suppressed[order.index[0]] = True
                else:
                    suppressed[group[is_total].index] = True
        if suppressed.equals(before):
            break
    return suppressed


def alumni_spec(rows: str, attributes: dict | None = None) -> dict:
    """The declaration of one mart of graduates by programme (group_code) and sex."""
    mart = {
        "population": "graduates",
        "aggregate": "agg_alumni",
        "count": "n",
        "cells": ["group_code", "sex"],
        "additive": ["sex"],
        "rows": rows,
    }
    if attributes:
        mart["attributes"] = attributes
    return {
        "version": 1,
        "total_label": TOTAL,
        "populations": {"graduates": {}},
        "marts": {"alumni": mart},
    }


def write_published(path: Path, marts: dict[str, pd.DataFrame], flags: dict[str, pd.Series]):
    """A warehouse with only a `published` schema, as the marts would be published."""
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists published")
    con.execute("create schema if not exists aggregates")
    for name, frame in marts.items():
        published = frame.copy()
        flag = flags[name]
        published["n"] = published["n"].astype("Int64").mask(flag)
        published["n_display"] = published["n"].astype(str).where(~flag, "..")
        published["n_is_suppressed"] = flag
        con.register("frame", published)
        con.execute(f"create or replace table published.{name} as select * from frame")
        con.unregister("frame")
        exact = frame.rename(columns={"n": "n_persons"})
        con.register("frame", exact)
        con.execute(f"create or replace table aggregates.agg_{name} as select * from frame")
        con.unregister("frame")
    con.close()


def write_manifest(path: Path, manifest: dict = MANIFEST) -> Path:
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def protect_linked(tmp: Path, marts: dict, manifest_path: Path) -> dict[str, pd.Series]:
    """A tiny defender for the test: start from the per-mart result; while the audit
    finds leaks, suppress for each leaked cell the smallest published cell (non-zero
    first) of a relation holding it, together with its common cells in the other
    mart. Greedy, not optimal: it only has to produce a publication to prove safe."""
    flags = {name: protect_per_mart(frame, name) for name, frame in marts.items()}
    keys = {
        name: frame[MANIFEST["marts"][name]["cells"]].astype(str).agg("|".join, axis=1)
        for name, frame in marts.items()
    }
    db = tmp / "linked.duckdb"
    for _ in range(30):
        write_published(db, marts, flags)
        result = _audit(db, manifest_path)
        if not result.failed:
            return flags
        rel, cell, _coef, _eq, labels = result.relation_arrays
        frame = result.frame
        protected = frame["protected"].to_numpy()
        value = frame["value"].to_numpy(dtype=float, na_value=np.nan)
        common = np.char.startswith(np.asarray(labels, dtype=str), "common cell")[rel]
        chosen = set()
        for leaked in result.leaks["cell_index"]:
            members = np.unique(cell[np.isin(rel, rel[cell == leaked])])
            open_members = [m for m in members if not protected[m]]
            if open_members:
                chosen.add(min(open_members, key=lambda m: (value[m] == 0, value[m], m)))
        partners = set(chosen)
        for c in chosen:
            partners |= set(cell[common & np.isin(rel, rel[common & (cell == c)])])
        for c in sorted(partners):
            row = frame.loc[c]
            name = row["mart"]
            key = "|".join(str(row[d]) for d in MANIFEST["marts"][name]["cells"])
            flags[name] = flags[name] | (keys[name] == key)
    raise AssertionError("the test defender did not converge")


def _audit(db: Path, manifest_path: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return run.audit(con, manifest.load(manifest_path), K)
    finally:
        con.close()


def audited_and_scored(db: Path, spec: dict):
    """(the audit's result, its score's checks) of the published marts in ``db``
    under the declaration ``spec``, written beside it."""
    path = write_manifest(db.parent / "linked_tables.yml", spec)
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = manifest.load(path)
        result = run.audit(con, found, K)
        return result, run.score(con, found, result)[1]
    finally:
        con.close()


def write_warehouse(db: Path, tables: dict[str, dict[str, pd.DataFrame]]) -> Path:
    """A fresh DuckDB file holding ``tables`` (schema -> name -> frame)."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    for schema, named in tables.items():
        con.execute(f"create schema if not exists {schema}")
        for name, frame in named.items():
            con.register("frame", frame)
            con.execute(f"create table {schema}.{name} as select * from frame")
            con.unregister("frame")
    con.close()
    return db


def as_published(frame: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    """Exact counts ``n`` as a mart publishes them: NULL and '..' where ``hidden``."""
    out = frame.assign(n_is_suppressed=np.asarray(hidden, dtype=bool))
    out["n_display"] = np.where(out["n_is_suppressed"], "..", out["n"].astype(str))
    out["n"] = out["n"].astype("Int64").mask(out["n_is_suppressed"])
    return out
