"""A published cell as text: its id, its texts' codes, and a mart's cell dims.

The engine compares cells by the texts SQL gives their values (``text_of``),
held as categoricals so that millions of cells share a few Python strings.
``structure.py`` (the variables and each mart's relations) and
``declared.py`` (the populations' declared relations) read cells through
these.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from studentflow.ranks import tuple_rank

SEPARATOR = "|"


class StructureError(ValueError):
    """The declaration and the aggregates do not fit together."""


def cell_id(row: dict, cell_dims: list[str]) -> str:
    """The cell's id, as sdc_publish computes it in SQL: dims sorted by name."""
    return SEPARATOR.join(f"{dim}={text_of(row[dim])}" for dim in sorted(cell_dims))


def text_of(value) -> str:
    """As SQL casts the value to text (integers read through a float column too)."""
    if type(value) is str:
        return value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts, built from plain column lists (much faster than to_dict)."""
    lists = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*lists, strict=True)]


def text_categorical(column: pd.Series) -> pd.Categorical:
    """text_of of every value, each distinct value converted once: a categorical of
    the texts (missing values as ''). Nationally a cell dim has millions of rows
    but few distinct values, so the cells share one Python string per value."""
    codes, uniques = pd.factorize(column)
    texts = np.array([text_of(value) for value in uniques.tolist()] + [""], dtype=object)
    # two values may give one text (1 and 1.0 in an object column)
    text_codes, distinct = pd.factorize(texts)
    return pd.Categorical.from_codes(
        text_codes[codes], categories=pd.Index(distinct, dtype=object), validate=False
    )


def texts_at(texts: Sequence[str], codes: np.ndarray, missing: np.ndarray | None = None):
    """texts[codes] as an Arrow string array (null where ``missing``): a few distinct
    texts repeated over millions of cells without a Python string per cell."""
    indices = np.asarray(codes, dtype=np.int64)
    if missing is not None:
        indices = pa.array(np.where(missing, 0, indices), mask=missing)
    return pa.array(list(texts), type=pa.string()).take(indices)


def cell_ids(texts: pd.DataFrame, cell_dims: list[str]) -> pa.Array:
    """cell_id of every row of a frame of text categoricals (vectorised, in Arrow)."""
    parts = []
    for dim in sorted(cell_dims):
        values = texts[dim].array
        parts.append(texts_at([f"{dim}={value}" for value in values.categories], values.codes))
    if not parts:
        return pa.array([""] * len(texts), type=pa.string())
    return pc.binary_join_element_wise(*parts, SEPARATOR)


def cell_id_order(texts: pd.DataFrame, cell_dims: list[str]):
    """(the rows in the order of their cell ids, as sorting the id texts gives it;
    per row an integer equal for equal ids), or None when a value holds the
    separator (the caller then sorts the ids themselves).

    An id is 'dim=value' per dim (sorted by name) joined by the separator, so
    comparing two ids compares the first dim's value followed by the
    separator, then the next dim's, and the last dim's value alone: one stable
    sort of the rows' ranks of those (tuple_rank), on integers, instead of a
    sort of millions of long texts. A value holding the separator breaks that.
    """
    dims = sorted(cell_dims)
    keys = []
    for position, dim in enumerate(dims):
        categories = texts[dim].array.categories.tolist()
        if any(SEPARATOR in text for text in categories):
            return None
        suffix = SEPARATOR if position < len(dims) - 1 else ""
        rank = np.empty(len(categories), dtype=np.int64)
        rank[sorted(range(len(categories)), key=lambda i: categories[i] + suffix)] = np.arange(
            len(categories)
        )
        keys.append(rank[texts[dim].array.codes])
    rank = tuple_rank(keys, len(texts))
    return np.argsort(rank, kind="stable"), rank


def mart_dims(mart_spec: dict) -> list[str]:
    """The aggregate's cell columns: the mart's cells, plus the attribute that a
    mart with several count columns (``counts``) pivots into them."""
    dims = list(mart_spec["cells"])
    for attributes in (mart_spec.get("counts") or {}).values():
        for attr in attributes:
            if attr not in dims:
                dims.append(attr)
    return dims


def attributes(mart_spec: dict) -> dict[str, str]:
    renames = mart_spec.get("attributes") or {}
    return {dim: renames.get(dim, dim) for dim in mart_dims(mart_spec)}


def sorted_codes(column: pd.Series) -> np.ndarray:
    """Integers that order the column's texts as Python compares them."""
    values = column.array  # the text categoricals of _mart_texts
    rank = np.empty(len(values.categories), dtype=np.int64)
    rank[np.argsort(values.categories.to_numpy(dtype=object), kind="stable")] = np.arange(len(rank))
    return rank[values.codes]
