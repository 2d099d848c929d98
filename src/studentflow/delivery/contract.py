"""The input contract as data: extracts, columns, declared types, keys, person keys,
period columns and code lists.

It lives in one place, the dbt source YAML (``models/staging/*/_*__sources.yml``):
``data_type`` per column, and ``meta`` on tables (``key``, ``person_key``, ``period``,
``optional``) and columns (``code_list``, ``normalise``, ``required``).  The CLI reads the YAML
files; dbt passes the same entries from its parsed graph (``from_dict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str = "VARCHAR"
    code_list: str | None = None  # "<seed>.<column>"
    normalise: str | None = None  # lower | upper | zero_pad N
    optional: bool = False  # a delivery may leave the column out (staging gives it NULL)
    required: bool = False  # every row must have a value (required.py)
    # "<seed>.<column>" of old codes staging translates (kommunkod_andringar): not outside
    historical_codes: str | None = None

    @property
    def is_text(self) -> bool:
        return self.data_type.upper().startswith(("VARCHAR", "CHAR", "TEXT"))


@dataclass(frozen=True)
class Extract:
    name: str
    source: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    person_key: str | None = None
    period_column: str | None = None
    period_kind: str | None = None  # year | term | date
    optional: bool = False
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name.lower() == name.lower():
                return c
        return None


def _extract(source: str, name: str, meta: dict, columns: list[dict]) -> Extract:
    meta = meta or {}
    period = meta.get("period") or {}
    return Extract(
        name=name,
        source=source,
        columns=tuple(
            Column(
                name=c["name"],
                data_type=(c.get("data_type") or "VARCHAR").upper(),
                code_list=(c.get("meta") or {}).get("code_list"),
                normalise=(c.get("meta") or {}).get("normalise"),
                optional=bool((c.get("meta") or {}).get("optional", False)),
                required=bool((c.get("meta") or {}).get("required", False)),
                historical_codes=(c.get("meta") or {}).get("historical_codes"),
            )
            for c in columns
        ),
        key=tuple(meta.get("key") or ()),
        person_key=meta.get("person_key"),
        period_column=period.get("column"),
        period_kind=period.get("kind"),
        optional=bool(meta.get("optional", False)),
        meta=meta,
    )


def from_dict(entries: list[dict]) -> list[Extract]:
    """Entries as dbt passes them: {source, name, meta, columns: [{name, data_type, meta}]}."""
    return [
        _extract(e["source"], e["name"], e.get("meta"), e.get("columns") or []) for e in entries
    ]


def load_sources_yaml(project_dir: Path | str = ".") -> list[Extract]:
    """Every table of every source YAML under models/staging, in file order."""
    extracts: list[Extract] = []
    files = sorted(Path(project_dir, "models", "staging").glob("*/_*__sources.yml"))
    if not files:
        raise FileNotFoundError(
            f"no source YAML under {Path(project_dir, 'models', 'staging')}: run "
            "`studentflow check` from the project root or pass --project-dir"
        )
    for path in files:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in doc.get("sources") or []:
            for table in source.get("tables") or []:
                extracts.append(
                    _extract(source["name"], table["name"], table.get("meta"), table.get("columns"))
                )
    return extracts
