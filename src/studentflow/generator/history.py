"""Municipality codes as registers of each year carry them.

Registers since 1993 carry the code valid in their year, so the generator writes
today's code for recent years and the historical code for earlier ones: the
code changes of the dbt seed `kommunkod_andringar` (old code -> today's code,
last year valid) and the splits in `config.KOMMUN_SPLITS` (a municipality that
did not exist yet: its area carried the parent's code).  The dbt staging layer
translates the old codes back (macro with_current_municipality_code)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def kommun_code_history(rows: list[dict], splits: dict, kommun_codes) -> tuple[list, list]:
    """Return (vocabulary, history) for municipality columns.

    vocabulary: today's codes, then '9999' (the out-of-list test value), then the
    historical codes.  history: (index of today's code, index of the code written
    instead, last year that code was written)."""
    vocab = list(kommun_codes) + ["9999"]
    ix = {c: i for i, c in enumerate(vocab)}
    history = []
    changes = [(r["kommun_code"], r["old_kommun_code"], int(r["last_year_valid"])) for r in rows]
    changes += [(new, parent, last) for new, (parent, last) in splits.items()]
    for current, emitted, last in sorted(changes):
        if current not in ix:
            continue  # a municipality outside this scale's code list
        if emitted not in ix:
            ix[emitted] = len(vocab)
            vocab.append(emitted)
        history.append((ix[current], ix[emitted], last))
    return vocab, history


def read_code_changes(seeds_dir) -> list[dict]:
    """The seed's rows, or none when the seed is absent (older seed directories)."""
    import csv

    path = Path(seeds_dir) / "kommunkod_andringar.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def as_of_year(idx: np.ndarray, years: np.ndarray, history: list) -> np.ndarray:
    """Municipality indices as written in `years`: the old code up to its last year."""
    idx = np.asarray(idx)
    years = np.asarray(years)
    out = idx.copy()
    for current, emitted, last in history:
        out[(idx == current) & (years <= last)] = emitted
    return out
