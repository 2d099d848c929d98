"""Quoting for the SQL the Python modules write: one home for the delivery
check, the export, the GX reader, the audit and the engine's model."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """An identifier in double quotes, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(value) -> str:
    """A text literal in single quotes, inner quotes doubled (``value`` as text)."""
    return "'" + str(value).replace("'", "''") + "'"


def texts_equal(where: dict) -> str:
    """A condition: every column of ``where``, read as text, equal to its value's
    text (a yml `where`: strings or integers)."""
    return " and ".join(
        f"cast({quote_ident(column)} as varchar) = {sql_text(value)}"
        for column, value in where.items()
    )
