"""`studentflow keep-release`: a release's published marts, kept as a DuckDB file.

An attacker keeps every release, so the next release's audit attacks this one's
published cells too (`studentflow audit --last-release`, audit/last_release.py).
The warehouse itself changes with the next delivery; this file does not.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from studentflow.audit.structure import PUBLISHED
from studentflow.sql import quote_ident, sql_text


def keep(warehouse: Path, out: Path) -> list[str]:
    """Copy every table of the warehouse's `published` schema to ``out`` (replaced
    when it exists); the marts kept."""
    if not warehouse.is_file():
        raise FileNotFoundError(f"no warehouse '{warehouse}'")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    try:
        con.execute(f"attach {sql_text(str(warehouse.resolve()))} as release_source (read_only)")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_catalog = "
                "'release_source' and table_schema = ? order by 1",
                [PUBLISHED],
            ).fetchall()
        ]
        con.execute(f"create schema {PUBLISHED}")
        for mart in marts:
            con.execute(
                f"create table {PUBLISHED}.{quote_ident(mart)} as "
                f"select * from release_source.{PUBLISHED}.{quote_ident(mart)}"
            )
        con.execute("detach release_source")
    finally:
        con.close()
    if not marts:
        out.unlink()  # no release to keep: no file that looks like one
        raise ValueError(f"warehouse '{warehouse}' has no table in schema {PUBLISHED}")
    return marts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="studentflow keep-release", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--duckdb", default="data/warehouse/studentflow.duckdb", type=Path)
    parser.add_argument("--out", required=True, type=Path, help="the DuckDB file to write")
    args = parser.parse_args(argv)
    marts = keep(args.duckdb, args.out)
    print(f"kept {len(marts)} published marts in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
