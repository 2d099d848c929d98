"""The last release's published counts, as the attacker keeps them.

An attacker keeps every release. A cell protected now that the last release
published with the count it has now is known to them: held decisions
(sdc/held.py) keep such cells published, but a protection LP may release one
where no pattern protects a new cell without it, and nothing else checked what
the two releases give away together. Before the attack, each such cell is
revealed: published with the last release's value. A cell whose count changed
stays protected, since the last release's value is no longer its count (the
attacker cannot tell which value is stale; a wrong value narrows nothing
true).

Only counts are revealed; a mean the last release published is not (its sum
changes with any count under it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from studentflow.audit import structure
from studentflow.audit.manifest import Manifest

_NULL = "\x00"  # a NULL dim as a key part: no published text holds it
_SEP = pa.scalar("\x1f", pa.large_string())

# (the protected count cells now, as frame rows) -> their exact counts (cell_index, true_n)
Truth = Callable[[pd.DataFrame], pd.DataFrame]


def reveal(cells: structure.Cells, path: Path, manifest: Manifest, truth: Truth) -> int:
    """Publish in ``cells`` each protected count the last release (the DuckDB
    file ``path``: a warehouse or a kept release, with a `published` schema)
    published with the count the cell has now; the number revealed."""
    shown = _last_counts(Path(path), manifest, cells.marts(), cells.k)
    frame = cells.frame
    wanted = frame[frame["protected"].to_numpy(dtype=bool) & (frame["quantity"] == "count")]
    if not len(wanted) or not len(shown):
        return 0
    found = _matched(_keyed(wanted, manifest, "cell_index"), _keyed(shown, manifest, "value"))
    if not len(found):
        return 0
    found = found.merge(truth(frame.loc[found["cell_index"]]), on="cell_index")
    same = found[found["value"].to_numpy(dtype=float) == found["true_n"].to_numpy(dtype=float)]
    rows = same["cell_index"].to_numpy(dtype=np.int64)
    values = same["value"].to_numpy(dtype=float)
    at = frame.columns.get_loc
    frame.iloc[rows, at("value")] = values
    frame.iloc[rows, at("lo")] = values
    frame.iloc[rows, at("hi")] = values
    frame.iloc[rows, at("protected")] = False
    return len(rows)


def _last_counts(path: Path, manifest: Manifest, marts: list[str], k: int) -> pd.DataFrame:
    """The count cells the last release published (not protected)."""
    if not path.is_file():
        raise FileNotFoundError(f"--last-release: no DuckDB file '{path}'")
    con = duckdb.connect(str(path), read_only=True)
    try:
        present = set(structure.published_marts(con))
        names = [name for name in marts if name in present]
        if not names:
            return pd.DataFrame()
        frame = structure.load_cells(con, manifest, k, marts=names).frame
    finally:
        con.close()
    shown = ~frame["protected"].to_numpy(dtype=bool) & (frame["quantity"] == "count").to_numpy()
    return frame[shown]


def _keyed(rows: pd.DataFrame, manifest: Manifest, payload: str) -> pa.Table:
    """(key, payload): a cell's mart, count column, extra attributes and dims as one
    text, built in Arrow (as Python texts, nationally 2 GiB more at the peak);
    payload "cell_index" is the row's place in the frame."""
    keys, payloads = [], []
    for name, group in rows.groupby("mart", sort=False, observed=True):
        spec = manifest.marts[name]
        columns = ["mart", "count", *spec.extras(), *spec.cells]
        keys.append(pc.binary_join_element_wise(*(_texts(group[c]) for c in columns), _SEP))
        payloads.append(
            group.index.to_numpy()
            if payload == "cell_index"
            else group["value"].to_numpy(dtype=float)
        )
    return pa.table({"key": pa.chunked_array(keys), payload: pa.array(np.concatenate(payloads))})


def _texts(column: pd.Series) -> pa.Array:
    """A column as Arrow texts, NULL as _NULL."""
    array = pa.array(column, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    return pc.fill_null(array.cast(pa.large_string()), _NULL)


def _matched(wanted: pa.Table, shown: pa.Table) -> pd.DataFrame:
    """(cell_index, value) of the wanted cells the last release showed."""
    con = duckdb.connect()
    try:
        con.register("wanted", wanted)
        con.register("shown", shown)
        return con.sql(
            "select wanted.cell_index, shown.value from wanted join shown using (key)"
        ).df()
    finally:
        con.close()
