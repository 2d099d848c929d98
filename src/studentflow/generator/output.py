"""The file contract (column names and types) and deterministic writers."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

I64, I32, I16, S, D = pa.int64(), pa.int32(), pa.int16(), pa.string(), pa.date32()
HP = pa.decimal128(5, 1)

SCHEMAS: dict[str, pa.Schema] = {
    "personer": pa.schema(
        [
            ("LopNr", I64),
            ("Kon", I16),
            ("FodelseAr", I16),
            ("FodLand", S),
            ("LopNrMor", I64),
            ("LopNrFar", I64),
        ]
    ),
    "folkbokforing": pa.schema([("LopNr", I64), ("Ar", I16), ("Kommun", S)]),
    "utvandringar": pa.schema([("LopNr", I64), ("UtvandringDatum", D)]),
    "utbildningsniva": pa.schema([("LopNr", I64), ("Ar", I16), ("SUN2020Niva", S)]),
    "gymnasieexamina": pa.schema([("LopNr", I64), ("ExamensAr", I16), ("SkolKommun", S)]),
    "program": pa.schema(
        [("Larosate", S), ("Programkod", S), ("Programnamn", S), ("Examenskod", S), ("Niva", S)]
    ),
    "registreringar": pa.schema(
        [
            ("LopNr", I64),
            ("Termin", S),
            ("Larosate", S),
            ("Programkod", S),
            ("Huvudomrade", S),
            ("Niva", S),
            ("HpReg", HP),
            ("HpPrest", HP),
            ("Utbytesstudent", S),
        ]
    ),
    "examina": pa.schema(
        [
            ("LopNr", I64),
            ("Larosate", S),
            ("ExamensDatum", D),
            ("Examenskod", S),
            ("Programkod", S),
            ("Huvudomrade", S),
        ]
    ),
    "forskarexamina": pa.schema(
        [("LopNr", I64), ("Larosate", S), ("ExamensDatum", D), ("Examen", S), ("Forskningsamne", S)]
    ),
    "sysselsattning": pa.schema(
        [
            ("LopNr", I64),
            ("Ar", I16),
            ("SyssStat", S),
            ("ArbInk", I32),
            ("ArbLos", S),
            ("Studerande", S),
            ("AstSNI2007", S),
            ("AstSektor", S),
            ("SSYK2012", S),
            ("Matchning", S),
            ("AstKommun", S),
        ]
    ),
    "befolkning_kommun": pa.schema(
        [
            ("Ar", I16),
            ("Kommun", S),
            ("Kon", I16),
            ("Alder", I16),
            ("UtrikesFodd", S),
            ("Antal", I32),
        ]
    ),
}
EXTRACTS = list(SCHEMAS)
SORT_KEYS = {
    "personer": ["LopNr"],
    "folkbokforing": ["LopNr", "Ar"],
    "utvandringar": ["LopNr", "UtvandringDatum"],
    "utbildningsniva": ["LopNr", "Ar"],
    "gymnasieexamina": ["LopNr", "ExamensAr"],
    "registreringar": ["LopNr", "_sort"],
    "examina": ["LopNr", "ExamensDatum", "_sort"],
    "forskarexamina": ["LopNr", "ExamensDatum", "Examen"],
    "sysselsattning": ["LopNr", "Ar"],
    "program": ["Larosate", "Programkod"],
    "befolkning_kommun": ["Ar", "Kommun", "Kon", "Alder", "UtrikesFodd"],
}
ROW_GROUP = 1_000_000
_NP = {I64: np.int64, I32: np.int32, I16: np.int16}


def _numeric_key(spec):
    if isinstance(spec, tuple):
        if isinstance(spec[0], str) and spec[0] == "vocab":
            return [np.asarray(spec[2])]
        if isinstance(spec[0], str):
            return [np.asarray(spec[1])]
        if isinstance(spec[0], np.ndarray) and len(spec) == 2 and spec[1].dtype == bool:
            return [spec[0]]
        return list(spec)  # _sort tuple of arrays
    a = np.asarray(spec)
    return [a.astype(np.int64) if a.dtype.kind == "M" else a]


def to_table(extract: str, cols: dict, prog_codes: list) -> pa.Table:
    """Convert a chunk (numpy arrays / vocab-coded columns) to an Arrow table with
    the contract schema, sorted by the extract's key."""
    schema = SCHEMAS[extract]
    keys = []
    for k in SORT_KEYS[extract]:
        keys += _numeric_key(cols[k])
    order = np.lexsort(tuple(reversed(keys))) if keys and len(keys[0]) else np.arange(0)
    arrays = []
    for f in schema:
        spec = cols[f.name]
        if isinstance(spec, tuple) and isinstance(spec[0], str):
            kind = spec[0]
            if kind in ("vocab", "prog"):
                vocab = spec[1] if kind == "vocab" else prog_codes
                idx = np.asarray(spec[2] if kind == "vocab" else spec[1])[order]
                mask = idx < 0
                arr = pa.array(list(vocab), S).take(
                    pa.array(np.where(mask, 0, idx).astype(np.int32), mask=mask)
                )
            elif kind == "hp":
                arr = pa.array(np.asarray(spec[1])[order] / 10.0, pa.float64()).cast(HP)
            else:
                raise ValueError(kind)
        elif isinstance(spec, tuple):  # (values, null mask)
            arr = pa.array(
                np.asarray(spec[0])[order].astype(_NP[f.type]), f.type, mask=spec[1][order]
            )
        else:
            a = np.asarray(spec)[order]
            if f.type == D:
                arr = pa.array(a.astype("datetime64[D]"), D)
            elif f.type == S:
                arr = pa.array(a, S)
            else:
                arr = pa.array(a.astype(_NP[f.type]), f.type)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=schema)


class DeliveryWriter:
    """Writes one file per extract; Parquet with fixed settings or SCB-style text."""

    def __init__(self, out_dir, fmt="parquet", encoding="cp1252", delimiter=";", decimal="comma"):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.fmt, self.encoding, self.delimiter, self.decimal = fmt, encoding, delimiter, decimal
        self.buf: dict[str, list] = {}
        self.nbuf: dict[str, int] = {}
        self.writers: dict = {}
        self.rows: dict[str, int] = {}

    def path(self, extract):
        return self.out / f"{extract}.{'parquet' if self.fmt == 'parquet' else 'csv'}"

    def write(self, extract: str, table: pa.Table):
        self.buf.setdefault(extract, []).append(table)
        self.nbuf[extract] = self.nbuf.get(extract, 0) + table.num_rows
        self.rows[extract] = self.rows.get(extract, 0) + table.num_rows
        if self.nbuf[extract] >= ROW_GROUP:
            self._flush(extract)

    def _flush(self, extract):
        tabs = self.buf.pop(extract, [])
        self.nbuf[extract] = 0
        table = pa.concat_tables(tabs) if tabs else SCHEMAS[extract].empty_table()
        if self.fmt == "parquet":
            w = self.writers.get(extract)
            if w is None:
                w = pq.ParquetWriter(
                    self.path(extract),
                    SCHEMAS[extract],
                    compression="zstd",
                    compression_level=3,
                    use_dictionary=True,
                    write_statistics=True,
                    version="2.6",
                    store_schema=False,
                )
                self.writers[extract] = w
            if table.num_rows or extract not in self.rows or self.rows[extract] == 0:
                w.write_table(table, row_group_size=ROW_GROUP)
        else:
            fh = self.writers.get(extract)
            first = fh is None
            if first:
                fh = open(self.path(extract), "wb")
                self.writers[extract] = fh
            fh.write(self._csv_bytes(table, first))

    def _csv_bytes(self, table: pa.Table, header: bool) -> bytes:
        cols = []
        for f, col in zip(table.schema, table.columns, strict=True):
            if pa.types.is_decimal(f.type):
                col = col.cast(S)
                if self.decimal == "comma":
                    col = pc.replace_substring(col, ".", ",")
            cols.append(col)
        t = pa.Table.from_arrays(cols, names=table.column_names)
        special = False
        for f, col in zip(t.schema, t.columns, strict=True):
            if f.type == S and len(col):
                for ch in (self.delimiter, '"', "\n"):
                    if pc.any(pc.match_substring(col, ch)).as_py():
                        special = True
        sink = io.BytesIO()
        if header:  # written by hand: pyarrow quotes header names even with quoting_style='none'
            sink.write((self.delimiter.join(t.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(
            t,
            sink,
            pacsv.WriteOptions(
                include_header=False,
                delimiter=self.delimiter,
                quoting_style="needed" if special else "none",
            ),
        )
        data = sink.getvalue()
        if self.encoding.lower().replace("-", "") not in ("utf8",):
            data = data.decode("utf-8").encode(self.encoding)
        return data

    def close(self):
        for extract in list(SCHEMAS):
            if extract in self.buf or extract in self.rows:
                self._flush(extract)
        for w in self.writers.values():
            w.close()
        self.writers = {}
