"""Hand-built linked tables for the sdc engine tests (no dbt, no warehouse).

The issue 13 shape: one year, 13 municipalities in two counties, two marts of
the same registered persons - ``transition`` (sex x born_abroad x
municipality) and ``foreign`` (sex x foreign_background x municipality, where
background '1' is the born-abroad persons) - with cells of 0-5 beside totals.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

TOTAL = "Totalt"


def cube(persons: pd.DataFrame, dims: list[str], hierarchies: list[list[str]]) -> pd.DataFrame:
    """Exact counts with every total, as sdc_count_cells makes them."""
    levels = [[h[:depth] for depth in range(len(h), -1, -1)] for h in hierarchies]
    frames = []
    for combination in itertools.product(*levels):
        kept = dims + [c for level in combination for c in level]
        counted = (
            persons.groupby(kept, dropna=False).size().reset_index(name="n_persons")
            if kept
            else pd.DataFrame({"n_persons": [len(persons)]})
        )
        for hierarchy in hierarchies:
            for column in hierarchy:
                if column not in kept:
                    counted[column] = TOTAL
        frames.append(counted)
    return pd.concat(frames, ignore_index=True)


def thirteen_municipalities(seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(13):
        county = "01" if m < 7 else "03"
        municipality = f"{county}{m:02d}"
        for sex in ("1", "2"):
            for background in ("1", "2", "3"):
                size = int(
                    rng.choice(
                        [0, 1, 2, 3, 4, 5, 8, 40], p=[0.1, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.2]
                    )
                )
                rows += [(county, municipality, sex, background)] * size
    persons = pd.DataFrame(rows, columns=["county", "municipality", "sex", "foreign_background"])
    persons["born_abroad"] = np.where(persons["foreign_background"] == "1", "Ja", "Nej")
    persons["year"] = "2020"
    return persons


def linked_spec(rows: str = "present_only") -> dict:
    return {
        "version": 1,
        "total_label": TOTAL,
        "populations": {
            "registered": {
                "description": "registered persons per municipality and year",
                "identities": [
                    {"left": {"born_abroad": "Ja"}, "right": {"foreign_background": "1"}}
                ],
            }
        },
        "marts": {
            "transition": {
                "population": "registered",
                "aggregate": "agg_transition",
                "count": "n",
                "cells": ["year", "sex", "born_abroad", "county", "municipality"],
                "additive": ["sex", "born_abroad", "county", "municipality"],
                "rows": "all",
            },
            "foreign": {
                "population": "registered",
                "aggregate": "agg_foreign",
                "count": "n",
                "cells": ["year", "sex", "foreign_background", "county", "municipality"],
                "additive": ["sex", "foreign_background", "county", "municipality"],
                "rows": rows,
            },
        },
    }


def linked_frames(persons: pd.DataFrame) -> dict[str, pd.DataFrame]:
    geography = ["county", "municipality"]
    transition = cube(persons, ["year"], [["sex"], ["born_abroad"], geography])
    # rows: all - every structural cell, zeros included
    full = pd.MultiIndex.from_product(
        [
            sorted(persons["year"].unique()),
            ["1", "2", TOTAL],
            ["Ja", "Nej", TOTAL],
        ],
        names=["year", "sex", "born_abroad"],
    ).to_frame(index=False)
    places = transition[geography].drop_duplicates()
    full = full.merge(places, how="cross")
    transition = full.merge(transition, how="left").fillna({"n_persons": 0})
    transition["n_persons"] = transition["n_persons"].astype(int)
    foreign = cube(persons, ["year"], [["sex"], ["foreign_background"], geography])
    return {"transition": transition, "foreign": foreign}
