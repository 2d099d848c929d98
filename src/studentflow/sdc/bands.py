"""Rows of a mart that count everyone by the band a measure falls in (the alumni
marts' `inkomstklass`), as ``quantile_bounds`` and ``threshold_bands`` declare
them in sdc/linked_tables.yml: the rows ``where`` fixes, one per value of
``column``, ``lowest`` giving each band's least value in rising order (the first
null: no least value)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from studentflow.sdc.cells import StructureError, text_categorical, text_of


def check(population: str, kind: str, bands: dict) -> None:
    """Stops at bands that name no rows or do not rise from nothing."""
    if {"where", "column", "lowest"} - set(bands or {}):
        raise StructureError(f"population '{population}': {kind}' bands need where, column, lowest")
    edges = [value for value in bands["lowest"].values() if value is not None]
    if list(bands["lowest"].values())[0] is not None or edges != sorted(set(edges)):
        raise StructureError(
            f"population '{population}': {kind}' bands must rise, the first from nothing "
            "(lowest: null)"
        )


def edges(bands: dict) -> np.ndarray:
    """Each band's least value, the first -inf."""
    return np.array([-np.inf if v is None else v for v in bands["lowest"].values()], dtype=float)


def band_of(bands: dict, values) -> np.ndarray:
    """The number of the band each value falls in."""
    return np.searchsorted(edges(bands), np.asarray(values, dtype=float), side="right") - 1


def band_rows(frame: pd.DataFrame, bands: dict) -> tuple[np.ndarray, np.ndarray]:
    """(the rows of ``frame`` that count a band, each row's band number; -1 where
    it counts none)."""
    mask = matching(frame, bands["where"])
    codes = [text_of(code) for code in bands["lowest"]]
    texts = np.asarray(text_categorical(frame[bands["column"]]).astype(object))
    number = pd.Index(codes).get_indexer(texts)
    return mask & (number >= 0), number


def matching(frame: pd.DataFrame, where: dict) -> np.ndarray:
    """The rows of ``frame`` with every column of ``where`` at its value."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= np.asarray(text_categorical(frame[column]).astype(object) == text_of(value))
    return mask


def declarations(spec: dict, kind: str, needed: list[str], row: str) -> list[dict]:
    """Every population's ``kind`` entries (each with the keys ``needed``), checked:
    their bands (:func:`check`), and the entry's ``row`` (a mart row it names by
    a `where`) fixing the columns the bands fix and run over."""
    found = []
    for name, population in (spec.get("populations") or {}).items():
        for entry in (population or {}).get(kind) or []:
            if set(needed) - set(entry):
                raise StructureError(
                    f"population '{name}': {kind} needs {', '.join(needed[:-1])} and {needed[-1]}"
                )
            check(name, kind, entry["bands"])
            fixed = {*entry["bands"]["where"], entry["bands"]["column"]}
            if set(entry[row]) != fixed:
                raise StructureError(
                    f"population '{name}': {kind}' `{row}` must fix the columns the bands fix "
                    f"and run over ({sorted(fixed)})"
                )
            found.append(entry)
    return found
