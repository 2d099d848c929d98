"""DuckDB query results as pandas frames, through Arrow.

The disclosure engine reads the aggregates and the audit the published marts,
millions of rows with text columns. DuckDB's own ``.df()`` converted them to
pandas' text type about ten times slower than Arrow does (nationally the
engine's aggregates took 9.2 s, through Arrow 0.9 s). ``frame`` gives the frame
``.df()`` gives: texts as pandas' Arrow-backed text type, integers as numpy
integers (booleans as numpy booleans), or pandas' nullable types where such a
column holds NULLs; decimals as floats.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd
import pyarrow as pa

_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


@contextmanager
def large_strings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Texts fetched as Arrow's large strings, the storage of pandas' text type:
    converting the default (32-bit offsets) cost a copy of every text column."""
    con.execute("set arrow_large_buffer_size = true")
    try:
        yield
    finally:
        con.execute("reset arrow_large_buffer_size")


def frame(table: pa.Table) -> pd.DataFrame:
    """``table`` as pandas; an integer or boolean column with NULLs as pandas'
    nullable type, a decimal as a float."""
    table = table.cast(
        pa.schema(
            pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f
            for f in table.schema
        )
    )
    nullable = {
        field.name: _NULLABLE[field.type]
        for field in table.schema
        if field.type in _NULLABLE and table.column(field.name).null_count
    }
    result = table.to_pandas()
    for name, dtype in nullable.items():
        result[name] = pd.array(table.column(name).to_pandas(types_mapper=_NULLABLE.get), dtype)
    return result
