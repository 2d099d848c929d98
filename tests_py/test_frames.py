"""frames.py: query results through Arrow read as DuckDB's own .df() gives them."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from studentflow import frames

QUERY = """
select * from (values
    (1, 10::bigint, 'Totalt', 2.5, true, 7::smallint),
    (2, null, null, null, false, 8::smallint),
    (3, 30::bigint, 'x', 1.0, null, 9::smallint)
) as t(id, n, label, share, flag, year)
"""


@pytest.mark.parametrize("large", [False, True])
def test_frame_is_the_frame_duckdb_gives(large):
    con = duckdb.connect()
    expected = con.sql(QUERY).df()
    if large:
        with frames.large_strings(con):
            got = frames.frame(con.sql(QUERY).to_arrow_table())
    else:
        got = frames.frame(con.sql(QUERY).to_arrow_table())
    pd.testing.assert_frame_equal(got, expected)
    # the integers with a NULL stay integers (nullable), not floats
    assert str(got["n"].dtype) == "Int64" and str(got["id"].dtype) == "int32"


def test_large_strings_puts_the_setting_back():
    con = duckdb.connect()
    setting = "select current_setting('arrow_large_buffer_size')"
    with frames.large_strings(con):
        assert con.execute(setting).fetchone()[0] is True
    assert con.execute(setting).fetchone()[0] is False
