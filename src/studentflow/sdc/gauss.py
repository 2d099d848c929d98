"""Secondary suppression by Gaussian elimination (the GaussSuppression idea).

Two steps, both on sparse vectors stored as ``{index: coefficient}`` dicts:

1. :func:`free_parametrisation` solves the relations ``sum(coef * y) = 0`` for
   some variables (preferably totals) in terms of the others (free, preferably
   inner cells). Each variable is then a vector over the free variables: the
   columns of the matrix that relates every published cell to the "inner"
   unknowns (GaussSuppression's model matrix ``x``), built from the relations
   alone, so linked marts without a common finest classification fit too.
2. :func:`gauss_suppress` publishes candidates one at a time in order of
   preference. Publishing a cell adds its vector to the known span. A
   candidate whose publication would put a protected cell's vector inside the
   span (protected cell = exact linear combination of published cells) is
   suppressed instead and becomes protected itself, so a secondary cell is not
   recoverable either. Protected vectors are kept reduced against the
   published span; a cell is recoverable exactly when its reduced vector is 0.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

TOLERANCE = 1e-9

Vector = dict[int, float]


def _axpy(target: Vector, factor: float, source: Vector) -> tuple[list[int], list[int]]:
    """target += factor * source; returns (keys added, keys removed)."""
    added, removed = [], []
    for key, value in source.items():
        old = target.get(key)
        new = (old or 0.0) + factor * value
        if abs(new) <= TOLERANCE:
            if old is not None:
                del target[key]
                removed.append(key)
        else:
            target[key] = new
            if old is None:
                added.append(key)
    return added, removed


def free_parametrisation(
    n_vars: int, equations: Iterable[Vector], pivot_preference: Callable[[int], tuple]
) -> list[Vector]:
    """Each variable as a vector over the free variables of the relations.

    Per equation, the not yet solved variable with the highest preference is
    solved for (totals first, so the free variables are the finest cells and
    the vectors stay sparse), and substituted into earlier solutions.
    """
    solved: dict[int, Vector] = {}  # pivot variable -> expression over free variables
    users: dict[int, set[int]] = defaultdict(set)  # free variable -> pivots using it
    for equation in equations:
        reduced: Vector = {}
        for var, coef in equation.items():
            if var in solved:
                _axpy(reduced, coef, solved[var])
            else:
                _axpy(reduced, coef, {var: 1.0})
        if not reduced:
            continue  # implied by the relations already used
        pivot = max(reduced, key=pivot_preference)
        factor = -1.0 / reduced.pop(pivot)
        expression = {var: coef * factor for var, coef in reduced.items()}
        for other in sorted(users.pop(pivot, ())):
            target = solved[other]
            coef = target.pop(pivot)
            added, removed = _axpy(target, coef, expression)
            for var in added:
                users[var].add(other)
            for var in removed:
                users[var].discard(other)
        solved[pivot] = expression
        for var in expression:
            users[var].add(pivot)
    return [dict(solved[var]) if var in solved else {var: 1.0} for var in range(n_vars)]


class _Span:
    """The published cells' span as pivot vectors (pivot key -> value 1 there), and
    the protected cells' vectors kept reduced by it (non-zero = not recoverable)."""

    def __init__(self) -> None:
        self.pivots: list[tuple[int, Vector]] = []  # (pivot key, vector with value 1 there)
        self.pivot_of_key: dict[int, int] = {}  # key -> index into pivots
        self.guarded: dict[int, Vector] = {}  # protected cell -> its vector reduced
        self.guards_at: dict[int, set[int]] = defaultdict(set)  # key -> guarded cells there

    def reduce(self, vector: Vector) -> Vector:
        """The part of ``vector`` outside the span (empty: a combination of published)."""
        pivots, pivot_of_key = self.pivots, self.pivot_of_key
        vector = dict(vector)
        heap = [pivot_of_key[key] for key in vector if key in pivot_of_key]
        heapq.heapify(heap)
        while heap:
            index = heapq.heappop(heap)
            key, pivot_vector = pivots[index]
            coef = vector.get(key)
            if coef is None:
                continue
            added, _ = _axpy(vector, -coef, pivot_vector)
            for new_key in added:
                if new_key in pivot_of_key:
                    heapq.heappush(heap, pivot_of_key[new_key])
        return vector

    def guard(self, cell: int, vector: Vector) -> None:
        """Protect ``cell``, whose vector reduced by the span is ``vector``."""
        self.guarded[cell] = vector
        for key in vector:
            self.guards_at[key].add(cell)

    def exposes(self, vector: Vector) -> bool:
        """Whether publishing a cell with this reduced vector makes a protected cell
        recoverable (its reduced vector is a multiple of this one)."""
        key = min(vector)
        guarded = self.guarded
        return any(
            _proportional(guarded[other], vector) for other in sorted(self.guards_at.get(key, ()))
        )

    def publish(self, vector: Vector) -> None:
        """Add a reduced vector to the span and reduce the protected vectors by it."""
        key = min(vector)
        pivot_value = vector[key]
        pivot_vector = {k: v / pivot_value for k, v in vector.items()}
        self.pivot_of_key[key] = len(self.pivots)
        self.pivots.append((key, pivot_vector))
        guards_at = self.guards_at
        for other in sorted(guards_at.pop(key, ())):
            target = self.guarded[other]
            added, removed = _axpy(target, -target[key], pivot_vector)
            for new_key in added:
                guards_at[new_key].add(other)
            for old_key in removed:
                if old_key != key:
                    guards_at[old_key].discard(other)


def gauss_suppress(
    columns: Sequence[Vector], candidates: Sequence[int], protected: Iterable[int]
) -> set[int]:
    """Secondary cells: candidates (in order of preference to publish) withheld.

    ``columns[i]`` is cell i as a vector over the free variables. Cells in
    ``protected`` are suppressed already and must stay not recoverable.
    Deterministic: the result depends only on the inputs and their order.
    """
    span = _Span()
    for cell in sorted(set(protected)):
        vector = span.reduce(columns[cell])
        if vector:
            span.guard(cell, vector)
        # an empty vector is a structural zero: nothing to protect

    secondary: set[int] = set()
    done = set(span.guarded)
    for cell in candidates:
        if cell in done:
            continue
        done.add(cell)
        vector = span.reduce(columns[cell])
        if not vector:
            continue  # already a combination of published cells: publishing adds nothing
        if span.exposes(vector):
            secondary.add(cell)
            span.guard(cell, vector)
        else:
            span.publish(vector)
    return secondary


def _proportional(a: Vector, b: Vector) -> bool:
    if len(a) != len(b):
        return False
    key = next(iter(b))
    if key not in a:
        return False
    ratio = a[key] / b[key]
    return all(k in a and abs(a[k] - ratio * v) <= TOLERANCE for k, v in b.items())


def is_recoverable(columns: Sequence[Vector], published: Iterable[int], cell: int) -> bool:
    """True when cell's vector lies in the span of the published cells' vectors."""
    pivots: dict[int, Vector] = {}
    for other in published:
        vector = _reduce_full(columns[other], pivots)
        if vector:
            key = min(vector)
            scale = vector[key]
            pivots[key] = {k: v / scale for k, v in vector.items()}
    return not _reduce_full(columns[cell], pivots)


def _reduce_full(vector: Vector, pivots: dict[int, Vector]) -> Vector:
    vector = dict(vector)
    changed = True
    while changed:
        changed = False
        for key in sorted(k for k in vector if k in pivots):
            if key in vector:
                _axpy(vector, -vector[key], pivots[key])
                changed = True
    return vector
