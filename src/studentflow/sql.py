"""Quoting for the SQL the Python modules write: one home for the delivery
check, the export, the GX reader, the audit and the engine's model."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """An identifier in double quotes, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(value) -> str:
    """A text literal in single quotes, inner quotes doubled (``value`` as text)."""
    return "'" + str(value).replace("'", "''") + "'"
