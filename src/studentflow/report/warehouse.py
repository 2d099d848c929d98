"""Read-only access to a built warehouse: the published marts and the public code lists."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

PUBLISHED = "published"
CODE_LISTS = "code_lists"


class Warehouse:
    """Read-only access to the published marts and code lists of a built warehouse."""

    def __init__(self, path: Path):
        import duckdb

        if not Path(path).exists():
            raise FileNotFoundError(f"warehouse {path} does not exist: run `make build` first")
        self.path = Path(path)
        self.con = duckdb.connect(str(path), read_only=True)
        rows = self.con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in (?, ?) order by table_schema, table_name, ordinal_position",
            [PUBLISHED, CODE_LISTS],
        ).fetchall()
        self.columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in rows:
            self.columns.setdefault((schema, table), []).append(column)

    def close(self) -> None:
        self.con.close()

    @property
    def marts(self) -> list[str]:
        return sorted(t for (s, t) in self.columns if s == PUBLISHED)

    def find(self, names: list[str], pattern: str | None = None) -> str | None:
        for name in names:
            if (PUBLISHED, name) in self.columns:
                return name
        if pattern:
            for mart in self.marts:
                if re.search(pattern, mart):
                    return mart
        return None

    def mart_columns(self, mart: str) -> list[str]:
        return self.columns.get((PUBLISHED, mart), [])

    def load(self, mart: str, where: dict[str, object] | None = None) -> pd.DataFrame:
        cols = self.mart_columns(mart)
        clauses, params = [], []
        for column, value in (where or {}).items():
            if column not in cols:
                continue
            if isinstance(value, list | tuple):
                clauses.append(f'"{column}" in ({", ".join("?" for _ in value)})')
                params.extend(value)
            else:
                clauses.append(f'"{column}" = ?')
                params.append(value)
        sql = f'select * from {PUBLISHED}."{mart}"'
        if clauses:
            sql += " where " + " and ".join(clauses)
        return self.con.execute(sql, params).df()

    def code_list(self, name: str) -> pd.DataFrame | None:
        if (CODE_LISTS, name) not in self.columns:
            return None
        return self.con.execute(f'select * from {CODE_LISTS}."{name}"').df()

    def distinct(self, mart: str, column: str, where: dict[str, object] | None = None) -> list:
        if column not in self.mart_columns(mart):
            return []
        df = self.load(mart, where)
        return sorted(v for v in df[column].dropna().unique())
