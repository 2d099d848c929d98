"""A year's point that lifts several places at once needs their window sums lifted
together (docs/disclosure-control.md section 10; the sums: window_sums.py).

Every protected year cell y of a place is at most W, the sum of the window holding
its year at that place. Bounding each y by its own W's maximum is weaker than a
real attacker: the window's published figures may not let two sums rise at once.
So the audit bounds the years by one point of the windows (:func:`caps`): every
point of the years within those bounds fits that one point, so a year cell the
bounded attack cannot narrow is safe. A year cell it narrows may owe that to the
one point, so it is attacked again in its year's components joined to the
components of the windows holding the year, each y <= W written out
(:func:`joint_system`), with every W at least the largest exact count of its
window's years. The other years are then held at their exact counts, an attacker
stronger than any real one: what this attack cannot narrow is safe, and what it
narrows is reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from studentflow.audit import components, lp
from studentflow.audit.components import System
from studentflow.audit.window_sums import LABEL


def caps(windows: System, is_sum: np.ndarray, k: int) -> np.ndarray:
    """Per sum column of ``windows`` (the windows' components, each sum's floor L as
    its lower bound), its value in one point of the windows that lifts every sum
    towards L + k - 1 at once: as far as a year's point must lift a place for its
    primary cell to reach k (lp.capped_point, one LP per component). Where the
    windows' figures are inconsistent (reported by their attack) the floors."""
    n_components, column_component, row_component = components.split(windows)
    cut = components.blocks(windows.a, row_component, column_component, n_components)
    cap = np.where(is_sum, windows.lo + k - 1, 0.0)
    point = windows.lo.astype(float)
    for component in np.unique(column_component[is_sum]):
        columns, rows = cut.columns(component), cut.rows(component)
        try:
            point[columns] = lp.capped_point(
                cut.block(component), windows.b[rows], windows.eq[rows],
                windows.lo[columns], windows.hi[columns], cap[columns],
            )  # fmt: skip
        except lp.InconsistentPublication:
            continue
    return point[is_sum]


def joint_system(years: System, windows: System, attacked: np.ndarray, linked, first: int):
    """(the joint system, per column of it the years' column it is or -1, and the
    windows' column or -1): the years' components holding an ``attacked`` column
    and a linked year cell (``linked``: window_sums.links), grouped by the years
    they hold, each group beside its own copy of the windows' components its cells'
    sums are in, with each y <= W as a row. ``first``: the sums' first cell index."""
    _, year_component, year_row = components.split(years)
    _, window_component, window_row = components.split(windows)
    column = pd.Index(years.cells).get_indexer(linked["cell"].to_numpy())
    linked = linked[column >= 0].assign(column=column[column >= 0])
    linked = linked.assign(component=year_component[linked["column"].to_numpy()])
    linked = linked[np.isin(linked["component"], year_component[attacked])]
    group = linked.groupby("component")["year"].agg(lambda y: tuple(sorted(set(y))))
    sum_column = pd.Index(windows.cells)
    pieces = []
    for _, members in group.groupby(group):
        mine = linked[linked["component"].isin(members.index)]
        year_part = _part(year_component, year_row, members.index.to_numpy())
        has = mine[mine["sum"] >= 0]
        at = sum_column.get_indexer(first + has["sum"].to_numpy())
        window_part = _part(window_component, window_row, np.unique(window_component[at]))
        link = (
            np.searchsorted(year_part[0], has["column"].to_numpy()),
            np.searchsorted(window_part[0], at),
        )
        zero = np.searchsorted(year_part[0], mine.loc[mine["sum"] < 0, "column"].to_numpy())
        pieces.append(_piece(years, windows, year_part, window_part, link, zero))
    return _stacked(pieces)


def _part(column_component, row_component, wanted) -> tuple[np.ndarray, np.ndarray]:
    """(columns, rows) of the components in ``wanted``, ascending."""
    return (
        np.flatnonzero(np.isin(column_component, wanted)),
        np.flatnonzero(np.isin(row_component, wanted)),
    )


def _piece(years: System, windows: System, year_part, window_part, link, zero):
    """One group: its years' columns and rows, the windows' beside them, then the
    rows y - W <= 0 (``link``: local year and window columns) and y <= 0 where a
    window has no row for the year cell's key (``zero``)."""
    (year_columns, year_rows), (window_columns, window_rows) = year_part, window_part
    n_years, n_links = len(year_columns), len(link[0])
    n = n_years + len(window_columns)
    rows = np.r_[np.arange(n_links), np.arange(n_links)]
    terms = np.r_[link[0], n_years + link[1]]
    links = sparse.csr_matrix(
        (np.r_[np.ones(n_links), -np.ones(n_links)], (rows, terms)), shape=(n_links, n)
    )
    block = sparse.block_diag(
        [years.a[year_rows][:, year_columns], windows.a[window_rows][:, window_columns]]
    )
    hi = np.r_[years.hi[year_columns], windows.hi[window_columns]]
    hi[zero] = np.minimum(hi[zero], 0.0)
    system = System(
        a=sparse.vstack([block, links]).tocsr(),
        b=np.r_[years.b[year_rows], windows.b[window_rows], np.zeros(n_links)],
        eq=np.r_[years.eq[year_rows], windows.eq[window_rows], np.zeros(n_links, bool)],
        cells=np.r_[years.cells[year_columns], windows.cells[window_columns]],
        lo=np.r_[years.lo[year_columns], windows.lo[window_columns]],
        hi=hi,
        labels=[
            *(years.labels[r] for r in year_rows),
            *(windows.labels[r] for r in window_rows),
            *[LABEL] * n_links,
        ],
    )
    return system, np.r_[year_columns, np.full(len(window_columns), -1)], window_columns


_STACKED = ("b", "eq", "cells", "lo", "hi")


def _stacked(pieces: list) -> tuple[System, np.ndarray, np.ndarray]:
    """The pieces side by side: (system, per column its years' column or -1, per
    column its windows' column or -1)."""
    if not pieces:
        empty = np.array([], dtype=np.int64)
        none = System(sparse.csr_matrix((0, 0)), np.array([]), np.array([], bool), empty,
                      np.array([]), np.array([]), [])  # fmt: skip
        return none, empty, empty
    systems = [piece[0] for piece in pieces]
    system = System(
        a=sparse.block_diag([s.a for s in systems], format="csr"),
        **{f: np.concatenate([getattr(s, f) for s in systems]) for f in _STACKED},
        labels=[label for s in systems for label in s.labels],
    )
    year_origin = np.concatenate([piece[1] for piece in pieces])
    window_origin = np.concatenate(
        [np.r_[np.full((piece[1] >= 0).sum(), -1), piece[2]] for piece in pieces]
    )
    return system, year_origin, window_origin
