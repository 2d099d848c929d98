"""A year's persons within the window that holds it (``window_sums`` in
sdc/linked_tables.yml; docs/disclosure-control.md section 10).

Everyone a per-year mart counts in a year of a window is in some row of the
window's mart summed over a column it does not have (analyses 3-6 against
analysis 2: registered in the year, so registered at some institution in the
window, with the same sex and recruitment municipality). Per window and key
(the window mart's other cell dims), with W the sum of the window's cells:
every year's count <= W. The two sides are different periods, decided apart
(slices.py), so the relation cannot be declared as a sum relation.

A sum may run over nothing (``sum_over: []``): each W is one window cell.
Analysis 4's institution choice is such a case (relation 1 of
docs/disclosure-control.md section 10): a person's chosen institution of a
year is one they are registered at, so each named choice is at most that
institution's window row. Its mart names the institution
``institution_choice_code`` (``match`` gives the years mart's column of a
window dim), and its `Övriga` and `Totalt` name none (``except`` under
``years`` leaves them out).

The years are decided each on its own, as before (a year is published
before its window is complete and not decided again), so the window's
decision must neither be unlocked by the years nor unlock them. W is added
to the window's structure as a variable no mart publishes (always hidden),
equal to the sum of its cells, with
- the public lower bound L, the largest count of the window's years: the
  attacker who knows the years' true counts is stronger than any real one,
  so protecting the window's cells against it is sound;
- a maximum that must reach L + k - 1 (``Tasks.need``), as a primary cell's
  must reach k: the point that shows a year's primary cell able to reach k
  lifts it by at most k - 1, and its year's count with it, so that point and
  one of the window's fit together.
What this leaves unproven (a point of one year lifting several places at
once needs their sums lifted together) is in docs/disclosure-control.md
section 10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from studentflow.sdc.cells import StructureError, text_categorical, text_of


def declarations(spec: dict) -> list[dict]:
    """Every population's ``window_sums`` entries."""
    found = []
    for name, population in (spec.get("populations") or {}).items():
        for entry in (population or {}).get("window_sums") or []:
            missing = {"window", "sum_over", "years", "year", "window_years"} - set(entry)
            if missing or not isinstance(entry["window_years"], int):
                raise StructureError(
                    f"population '{name}': window_sums needs window, sum_over, years, "
                    f"year and an integer window_years (missing {sorted(missing)})"
                )
            unknown = set(entry.get("match") or {}) - set(keys_of(spec, entry))
            if unknown:
                raise StructureError(
                    f"population '{name}': window_sums' match names {sorted(unknown)}, "
                    f"which are no cell dims of '{entry['window']['mart']}' the sum is per"
                )
            found.append(entry)
    return found


def year_columns(spec: dict, entry: dict) -> dict[str, str]:
    """Per key (:func:`keys_of`), the years mart's column holding it: the same name,
    or the one ``match`` gives (institution choice names the window's
    ``institution_code`` ``institution_choice_code``)."""
    match = entry.get("match") or {}
    return {key: match.get(key, key) for key in keys_of(spec, entry)}


def years_read(spec: dict, entry: dict) -> list[str]:
    """Every column of the years mart the entry reads, once each."""
    side = entry["years"]
    named = [*year_columns(spec, entry).values(), entry["year"], *(side.get("where") or {})]
    return list(dict.fromkeys([*named, *(side.get("except") or {})]))


def selected(frame: pd.DataFrame, side: dict) -> np.ndarray:
    """The rows of the years mart's ``frame`` that ``side`` (the entry's ``years``)
    takes: every column of its ``where`` at that value, none of its ``except`` at
    a listed one (institution choice's `Övriga` and `Totalt` name no institution)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in (side.get("where") or {}).items():
        mask &= np.asarray(text_categorical(frame[column]).astype(object) == text_of(value))
    for column, values in (side.get("except") or {}).items():
        texts = np.asarray(text_categorical(frame[column]).astype(object))
        mask &= ~np.isin(texts, [text_of(value) for value in values])
    return mask


def window_column(spec: dict, entry: dict) -> str:
    """The window mart's period (its population's declared ``period``)."""
    mart = spec["marts"][entry["window"]["mart"]]
    period = ((spec.get("populations") or {}).get(mart.get("population")) or {}).get("period")
    if period is None or period not in mart["cells"]:
        raise StructureError(
            f"window_sums: mart '{entry['window']['mart']}' needs its population's "
            "period among its cells"
        )
    return period


def keys_of(spec: dict, entry: dict) -> list[str]:
    """The cell dims a window sum is per: the window mart's, but the summed ones
    and the window."""
    mart = spec["marts"][entry["window"]["mart"]]
    left_out = {*entry["sum_over"], window_column(spec, entry)}
    return [dim for dim in mart["cells"] if dim not in left_out]


def floors(spec: dict, entry: dict, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per window of the window mart and key, the largest count the years mart
    has in the window's years (columns: the window, the keys, ``floor``; texts)."""
    window, keys = window_column(spec, entry), keys_of(spec, entry)
    years, columns = frames[entry["years"]["mart"]], year_columns(spec, entry)
    missing = [column for column in years_read(spec, entry) if column not in years]
    if missing:
        raise StructureError(f"window_sums: mart '{entry['years']['mart']}' lacks {missing}")
    chosen = selected(years, entry["years"])
    taken = years.loc[chosen, [*columns.values(), entry["year"], "n_persons"]]
    taken = taken.rename(columns={column: key for key, column in columns.items()})
    year = pd.to_numeric(taken[entry["year"]].astype(str)).to_numpy(dtype=np.int64)
    starts = pd.to_numeric(
        pd.Series(frames[entry["window"]["mart"]][window].unique()).astype(str)
    ).to_numpy(dtype=np.int64)
    pieces = []
    for start in np.sort(starts).tolist():
        inside = (year >= start) & (year < start + entry["window_years"])
        piece = taken.loc[inside, [*keys, "n_persons"]].astype({k: str for k in keys})
        piece = piece.groupby(keys, observed=True)["n_persons"].max().reset_index()
        pieces.append(piece.assign(**{window: str(start)}))
    columns = [window, *keys, "n_persons"]
    found = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=columns)
    return found[columns].rename(columns={"n_persons": "floor"})


def sums(spec: dict, entry: dict, cells: pd.DataFrame, values: list[int], found: pd.DataFrame):
    """The window sums of the window mart's ``cells`` (its dims and ``__var``):
    (each sum's members as lists of variables, its exact count, its floor from
    ``found`` (:func:`floors`)); stops where a floor exceeds its sum or has no
    sum (a place the window has no row for), which the definitions rule out."""
    window, keys = window_column(spec, entry), keys_of(spec, entry)
    on = [window, *keys]
    frame = cells[[*on, "__var"]].astype({c: str for c in on})
    frame["__value"] = np.asarray(values, dtype=np.int64)[frame["__var"].to_numpy()]
    grouped = frame.groupby(on, observed=True, sort=True).agg(
        members=("__var", list), exact=("__value", "sum")
    )
    found = found.astype({c: str for c in on})
    _stop_at_places_without_a_row(entry, found, grouped.reset_index()[on], on)
    grouped = grouped.reset_index().merge(found, on=on, how="left")
    grouped["floor"] = grouped["floor"].fillna(0).astype(np.int64)
    broken = grouped[grouped["floor"] > grouped["exact"]]
    if len(broken):
        first = broken.iloc[0]
        raise StructureError(
            f"window_sums: {len(broken)} window sums of '{entry['window']['mart']}' are "
            f"below a count of '{entry['years']['mart']}' in their years, the first "
            f"{dict(first[on])}: {first['exact']} < {first['floor']}"
        )
    return grouped


def _stop_at_places_without_a_row(entry: dict, found, present: pd.DataFrame, on: list[str]):
    """A year of a window counting persons from a place (a key) the window has no
    row for: everyone of the year is in the window, so the definitions rule this
    out (the audit would read the year's count as 0, audit/window_sums.py)."""
    window = on[0]
    found = found[found[window].isin(set(present[window])) & (found["floor"] > 0)]
    lost = found.merge(present, on=on, how="left", indicator=True)
    lost = lost[lost["_merge"] == "left_only"]
    if len(lost):
        first = lost.iloc[0]
        raise StructureError(
            f"window_sums: {len(lost)} places counted by '{entry['years']['mart']}' in a "
            f"window's years have no row in '{entry['window']['mart']}', the first "
            f"{dict(first[on])}: {first['floor']} persons"
        )
