"""sql.py: quoted names and texts survive DuckDB unchanged, quotes included."""

from __future__ import annotations

import duckdb

from studentflow.sql import quote_ident, sql_text


def test_quoted_names_and_texts_read_back_as_written():
    con = duckdb.connect()
    name, text = 'a "b" c', "it's Örebro's"
    con.execute(f"create table {quote_ident(name)} as select {sql_text(text)} as v")
    assert con.execute(f"select v from {quote_ident(name)}").fetchone()[0] == text
    assert sql_text(2024) == "'2024'"
