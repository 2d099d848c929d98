"""Compact storage of the linear relations of the linked structure.

A relation is ``sum(coef * var) = 0`` (or ``<= 0``) over a few variables. The
engine used to hold each as a ``dict[int, float]``; nationally that is millions
of small dicts, most of the structure's memory. :class:`Relations` keeps them
in three flat arrays (CSR: where each relation starts, its variables, its
coefficients) and still behaves like the read-only list of dicts it replaces:
``relations[i]`` is a new ``dict`` with Python ``int`` keys and ``float``
values in the order the relation was added, so everything computed from the
dicts (the engine's work, the components' fingerprints) is unchanged.
:class:`DistinctRelations` collects them while the structure is built, each
distinct relation once.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

import numpy as np


def _as_numpy(values, dtype) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(dtype, copy=False)
    if isinstance(values, array):
        return np.frombuffer(values, dtype=values.typecode).astype(dtype, copy=False)
    return np.asarray(list(values), dtype=dtype)


def _int_array(values: Iterable[int]) -> array:
    """Variables as 32-bit integers when they fit (up to 2**31 variables), else 64-bit."""
    found = _as_numpy(values, np.int64)
    if found.size and (
        found.min() < np.iinfo(np.int32).min or found.max() > np.iinfo(np.int32).max
    ):
        return array("q", found.tobytes())
    return array("i", found.astype(np.int32).tobytes())


class Relations(Sequence):
    """A read-only sequence of sparse linear relations, stored as CSR arrays.

    ``indptr`` (int64, one more than there are relations), ``indices`` (the
    variables, int32 or int64) and ``coefs`` (float64): relation ``i`` is
    ``indices[indptr[i]:indptr[i + 1]]`` with the matching ``coefs``, in the
    order its entries were added. The numpy views share the storage.
    """

    __slots__ = ("_indptr", "_indices", "_coefs")

    def __init__(self, indptr: Iterable[int], indices: Iterable[int], coefs: Iterable[float]):
        self._indptr = array("q", _as_numpy(indptr, np.int64).tobytes())
        self._indices = _int_array(indices)
        self._coefs = array("d", _as_numpy(coefs, np.float64).tobytes())
        ends = self.indptr
        if (
            len(ends) == 0
            or ends[0] != 0
            or ends[-1] != len(self._indices)
            or len(self._indices) != len(self._coefs)
            or (np.diff(ends) < 0).any()
        ):
            raise ValueError("not CSR arrays: indptr must rise from 0 to len(indices) = len(coefs)")

    @classmethod
    def from_dicts(cls, relations: Iterable[dict[int, float]]) -> Relations:
        indptr, indices, coefs = [0], [], []
        for relation in relations:
            indices.extend(relation.keys())
            coefs.extend(relation.values())
            indptr.append(len(indices))
        return cls(indptr, indices, coefs)

    @classmethod
    def _from_arrays(cls, indptr: array, indices: array, coefs: array) -> Relations:
        """Takes the arrays over as they are (the builder's, already checked)."""
        relations = cls.__new__(cls)
        relations._indptr, relations._indices, relations._coefs = indptr, indices, coefs
        return relations

    # --- direct access (read-only numpy views of the storage) ---------------
    @property
    def indptr(self) -> np.ndarray:
        return _view(self._indptr, np.int64)

    @property
    def indices(self) -> np.ndarray:
        return _view(self._indices, np.int32 if self._indices.itemsize == 4 else np.int64)

    @property
    def coefs(self) -> np.ndarray:
        return _view(self._coefs, np.float64)

    @property
    def nnz(self) -> int:
        return len(self._indices)

    def sizes(self) -> np.ndarray:
        """The number of entries of each relation."""
        return np.diff(self.indptr)

    def row_of_entry(self) -> np.ndarray:
        """The relation each entry belongs to (COO rows)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.sizes())

    def nbytes(self) -> int:
        return sum(a.itemsize * len(a) for a in (self._indptr, self._indices, self._coefs))

    # --- the read-only list of dicts ----------------------------------------
    def __len__(self) -> int:
        return len(self._indptr) - 1

    def __getitem__(self, index):
        indptr = self._indptr
        if index.__class__ is int and 0 <= index < len(indptr) - 1:  # the usual case, fast
            start, end = indptr[index], indptr[index + 1]
            return dict(zip(self._indices[start:end], self._coefs[start:end], strict=True))
        if isinstance(index, slice):
            return Relations.from_dicts(self[i] for i in range(*index.indices(len(self))))
        index = operator.index(index)  # numpy integers too
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("relation index out of range")
        return self[index]

    def __iter__(self) -> Iterator[dict[int, float]]:
        indptr, indices, coefs = self._indptr, self._indices, self._coefs
        start = 0
        for end in islice(indptr, 1, None):
            yield dict(zip(indices[start:end], coefs[start:end], strict=True))
            start = end

    def __add__(self, other):
        """Concatenation, as of two lists: a new Relations."""
        if not isinstance(other, Relations):
            if not isinstance(other, list | tuple):
                return NotImplemented
            other = Relations.from_dicts(other)
        return concatenate([self, other])

    def __radd__(self, other):
        if not isinstance(other, list | tuple):
            return NotImplemented
        return concatenate([Relations.from_dicts(other), self])

    def __eq__(self, other) -> bool:
        if isinstance(other, Relations):
            return (
                len(self) == len(other)
                and np.array_equal(self.indptr, other.indptr)
                and np.array_equal(self.indices, other.indices)
                and np.array_equal(self.coefs, other.coefs)
            )
        if isinstance(other, list | tuple):
            return len(self) == len(other) and all(
                list(mine.items()) == list(theirs.items())
                for mine, theirs in zip(self, other, strict=True)
            )
        return NotImplemented

    __hash__ = None  # mutable-looking container semantics, like the list it replaces

    def __repr__(self) -> str:
        return f"Relations({len(self)} relations, {self.nnz} entries)"


def _view(storage: array, dtype) -> np.ndarray:
    view = np.frombuffer(storage, dtype=dtype) if len(storage) else np.zeros(0, dtype=dtype)
    view.flags.writeable = False
    return view


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def relation_hashes(relations: Relations) -> np.ndarray:
    """Per relation two 64-bit hashes of its (variable, coefficient) entries in
    any order (shape (n, 2), uint64): equal relations, equal hashes. Distinct
    relations may collide; :class:`DistinctRelations` then compares them in full."""
    sizes = relations.sizes()
    indices = relations.indices.astype(np.int64)
    # the entries of each relation by variable (they stay in their relation)
    order = np.lexsort((indices, relations.row_of_entry()))
    place = ramp(sizes)
    var = indices[order].view(np.uint64)
    coef = relations.coefs[order].view(np.uint64)
    place = place.view(np.uint64)
    hashes = np.zeros((len(sizes), 2), dtype=np.uint64)
    nonempty = np.flatnonzero(sizes > 0)
    with np.errstate(over="ignore"):
        for column, seed in enumerate((0x9E3779B97F4A7C15, 0xD1B54A32D192ED03)):
            entry = _mix(_mix(var ^ np.uint64(seed)) + coef * np.uint64(31) + place)
            if nonempty.size:
                sums = np.add.reduceat(entry, relations.indptr[:-1][nonempty])
                hashes[nonempty, column] = sums
            hashes[:, column] ^= _mix(sizes.astype(np.uint64) + np.uint64(seed))
    return hashes


class DistinctRelations:
    """Relations added to several targets (equations, inequalities), each distinct
    relation - the same (variable, coefficient) pairs in any order - kept once over
    all targets, the first time it is added.

    Relations come in batches (:meth:`add_many`, one mart's additive dim at a
    time) and are compared when :meth:`relations` is called, all at once with
    numpy: by two 64-bit hashes per relation, then in full for those with equal
    hashes, so a distinct relation is never dropped. Nationally that replaced a
    Python tuple and dict entry per relation, most of the structure's time."""

    def __init__(self, n_targets: int):
        self._n_targets = n_targets
        self._batches: list[tuple[int, Relations, np.ndarray]] = []

    def add(self, target: int, relation: dict[int, float]) -> None:
        self.add_many(target, Relations.from_dicts([relation]))

    def add_many(self, target: int, relations: Relations) -> None:
        """Adds each relation to ``target`` unless an equal one comes earlier (in
        any target)."""
        if len(relations):
            self._batches.append((target, relations, relation_hashes(relations)))

    def relations(self) -> list[Relations]:
        """The targets' relations; the collector is empty afterwards."""
        batches, self._batches = self._batches, []
        if not batches:
            return [Relations.from_dicts([]) for _ in range(self._n_targets)]
        every = concatenate([relations for _, relations, _ in batches])
        targets = np.concatenate(
            [np.full(len(relations), target) for target, relations, _ in batches]
        )
        keep = _first_of_each(every, np.concatenate([hashes for *_, hashes in batches]))
        return [_subset(every, keep & (targets == t)) for t in range(self._n_targets)]


def concatenate(parts: list[Relations]) -> Relations:
    """The relations of every part, one part after the other: a new Relations."""
    sizes = np.concatenate([part.sizes() for part in parts])
    return Relations(
        np.r_[0, np.cumsum(sizes)],
        np.concatenate([part.indices.astype(np.int64) for part in parts]),
        np.concatenate([part.coefs for part in parts]),
    )


def _subset(relations: Relations, rows: np.ndarray) -> Relations:
    """The relations where ``rows`` is true, in order, entries as they are."""
    sizes = relations.sizes()
    entries = np.repeat(rows, sizes)
    return Relations(
        np.r_[0, np.cumsum(sizes[rows])],
        relations.indices[entries],
        relations.coefs[entries],
    )


def _first_of_each(relations: Relations, hashes: np.ndarray) -> np.ndarray:
    """Per relation: true for the first of its equals (same entries in any order)."""
    n = len(relations)
    by_hash = np.lexsort((np.arange(n), hashes[:, 1], hashes[:, 0]))
    ordered = hashes[by_hash]
    new_run = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)]
    leader = np.empty(n, dtype=np.int64)
    leader[by_hash] = by_hash[np.flatnonzero(new_run)][np.cumsum(new_run) - 1]
    keep = leader == np.arange(n)
    followers = np.flatnonzero(~keep)
    unequal = followers[~_equal(relations, followers, leader[followers])]
    if unequal.size:  # a hash collision: those runs compared one by one
        for run in np.unique(leader[unequal]).tolist():
            members = np.flatnonzero(leader == run)
            seen: set[tuple] = set()
            for member in members.tolist():
                entries = tuple(sorted(relations[member].items()))
                keep[member] = entries not in seen
                seen.add(entries)
    return keep


def _equal(relations: Relations, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per pair: the two relations have the same entries (in any order)."""
    sizes = relations.sizes()
    same = sizes[first] == sizes[second]
    pairs = np.flatnonzero(same & (sizes[first] > 0))
    if pairs.size:
        length = sizes[first[pairs]]
        a = _sorted_entries(relations, first[pairs], length)
        b = _sorted_entries(relations, second[pairs], length)
        agree = (a[0] == b[0]) & (a[1] == b[1])
        starts = np.r_[0, np.cumsum(length)[:-1]]
        same[pairs] = np.logical_and.reduceat(agree, starts)
    return same


def _sorted_entries(relations: Relations, rows: np.ndarray, length: np.ndarray):
    """(variables, coefficients) of the relations ``rows``, each sorted by variable,
    one after the other."""
    at = np.repeat(relations.indptr[rows], length) + ramp(length)
    group = np.repeat(np.arange(len(rows)), length)
    var = relations.indices[at].astype(np.int64)
    order = np.lexsort((var, group))
    return var[order], relations.coefs[at][order]


def ramp(sizes: np.ndarray) -> np.ndarray:
    """0, 1, .., size - 1 for each size, concatenated."""
    total = int(sizes.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def as_relations(relations: Sequence[dict[int, float]] | Relations) -> Relations:
    """Relations as they are, or a list of dicts converted."""
    return relations if isinstance(relations, Relations) else Relations.from_dicts(relations)
