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
        return _concatenate(self, other)

    def __radd__(self, other):
        if not isinstance(other, list | tuple):
            return NotImplemented
        return _concatenate(Relations.from_dicts(other), self)

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


def _concatenate(first: Relations, second: Relations) -> Relations:
    indptr = np.concatenate([first.indptr, second.indptr[1:] + first.nnz])
    indices = np.concatenate([first.indices.astype(np.int64), second.indices.astype(np.int64)])
    coefs = np.concatenate([first.coefs, second.coefs])
    return Relations(indptr, indices, coefs)


def relation_hash(entries: tuple) -> int:
    """A 64-bit hash of a relation's sorted (var, coef) entries (equal entries, equal
    hash; distinct entries may collide, and are then compared in full)."""
    return hash(entries)


class DistinctRelations:
    """Relations added to several targets (equations, inequalities), each distinct
    relation - the same (variable, coefficient) pairs in any order - kept once over
    all targets, the first time it is added. Instead of a set of every relation's
    sorted entries, only a hash per relation is held; relations with equal hashes
    are compared in full, so a distinct relation is never dropped."""

    def __init__(self, n_targets: int):
        self._n_targets = n_targets
        self._indptr = [array("q", [0]) for _ in range(n_targets)]
        self._indices = [array("q") for _ in range(n_targets)]
        self._coefs = [array("d") for _ in range(n_targets)]
        # hash -> code (row * n_targets + target), or a tuple of codes on a collision
        self._by_hash: dict[int, int | tuple[int, ...]] = {}

    def add(self, target: int, relation: dict[int, float]) -> bool:
        """Adds the relation to ``target`` unless an equal one is already in some
        target; True when added."""
        entries = tuple(sorted(relation.items()))
        key = relation_hash(entries)
        code = (len(self._indptr[target]) - 1) * self._n_targets + target
        found = self._by_hash.get(key)
        if found is None:
            self._by_hash[key] = code
        else:
            codes = found if isinstance(found, tuple) else (found,)
            for other in codes:
                if self._entries(other % self._n_targets, other // self._n_targets) == entries:
                    return False
            self._by_hash[key] = (*codes, code)
        self._indices[target].extend(relation.keys())
        self._coefs[target].extend(relation.values())
        self._indptr[target].append(len(self._indices[target]))
        return True

    def _entries(self, target: int, row: int) -> tuple:
        start, end = self._indptr[target][row], self._indptr[target][row + 1]
        pairs = zip(self._indices[target][start:end], self._coefs[target][start:end], strict=True)
        return tuple(sorted(pairs))

    def relations(self) -> list[Relations]:
        """The targets' relations; the collector is empty afterwards."""
        self._by_hash = {}
        found = []
        for indptr, indices, coefs in zip(self._indptr, self._indices, self._coefs, strict=True):
            found.append(
                Relations._from_arrays(indptr, _int_array(_view(indices, np.int64)), coefs)
            )
        self._indptr = self._indices = self._coefs = []
        return found


def as_relations(relations: Sequence[dict[int, float]] | Relations) -> Relations:
    """Relations as they are, or a list of dicts converted."""
    return relations if isinstance(relations, Relations) else Relations.from_dicts(relations)
