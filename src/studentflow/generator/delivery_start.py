"""What a delivery that starts in a given year holds of a cohort that entered before it.

A Ladok delivery begins at some term (the demo's at VT2008); students who
entered earlier are still in it through what they do from then on: later
terms, degrees, a doctorate. Cohorts simulated before the delivery's first
year (a scale's ``history_cohorts``) are cut here to that view, so the first
published windows hold the slow graduates and doctoral graduates a real
delivery has, and the first delivered terms hold continuing students whose
entry the delivery cannot see (the left-censoring the dbt models handle).

A person enters the delivery when a registration from the first year on or a
degree dated in or after it remains; then their SCB register rows come along
(registers reach further back), and so do their parents' rows. Everybody else
of the cohort (and its incoming exchange students, registered only in their
entry year) is left out.
"""

from __future__ import annotations

import datetime

import pyarrow as pa
import pyarrow.compute as pc


def within_delivery(tables: dict[str, pa.Table], first_year: int) -> dict[str, pa.Table]:
    """``tables`` (one cohort's extracts) as a delivery starting in VT ``first_year`` holds them."""
    ladok = {
        "registreringar": _from_year(tables["registreringar"], first_year),
        "examina": _from_date(tables["examina"], first_year),
        "forskarexamina": _from_date(tables["forskarexamina"], first_year),
    }
    persons = _distinct([t["LopNr"] for t in ladok.values()])
    persons = _with_parents(tables["personer"], persons)
    return {
        name: ladok[name] if name in ladok else table.filter(pc.is_in(table["LopNr"], persons))
        for name, table in tables.items()
    }


def _from_year(registrations: pa.Table, first_year: int) -> pa.Table:
    """Registrations of terms in ``first_year`` or later (Termin 'VT2008', 'HT2008')."""
    year = pc.cast(pc.utf8_slice_codeunits(registrations["Termin"], 2), pa.int32())
    return registrations.filter(pc.greater_equal(year, first_year))


def _from_date(degrees: pa.Table, first_year: int) -> pa.Table:
    first_day = pa.scalar(datetime.date(first_year, 1, 1), pa.date32())
    return degrees.filter(pc.greater_equal(degrees["ExamensDatum"], first_day))


def _with_parents(personer: pa.Table, persons: pa.Array) -> pa.Array:
    """``persons`` and their known mothers and fathers."""
    own = personer.filter(pc.is_in(personer["LopNr"], persons))
    return _distinct([persons, own["LopNrMor"].drop_null(), own["LopNrFar"].drop_null()])


def _distinct(columns: list) -> pa.Array:
    """The distinct LopNr of ``columns`` (arrays or chunked arrays)."""
    chunks = [
        chunk
        for column in columns
        for chunk in (column.chunks if isinstance(column, pa.ChunkedArray) else [column])
    ]
    return pa.chunked_array(chunks, type=pa.int64()).unique()
