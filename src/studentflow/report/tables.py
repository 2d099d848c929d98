"""The HTML tables under the charts ('..' kept as published)."""

from __future__ import annotations

import html

import pandas as pd

from .frames import is_missing


def table_html(
    df: pd.DataFrame, columns: list[tuple[str, str]], caption: str, max_rows: int = 60
) -> str:
    """A compact HTML table of display columns ('..' kept as published)."""
    shown = df.head(max_rows)
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title in columns)
    body = []
    for _, row in shown.iterrows():
        cells = []
        for col, _title in columns:
            value = row.get(col)
            text = "–" if is_missing(value) else str(value)
            cls = ' class="sup"' if text == ".." else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f'<p class="more">… {len(df) - max_rows} rader till finns i exporten.</p>'
        if len(df) > max_rows
        else ""
    )
    return (
        f"<details><summary>{html.escape(caption)}</summary>"
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
        f"</table>{more}</details>"
    )


def pivot_html(
    df: pd.DataFrame, row: str, col: str, value: str, caption: str, col_order: list[str]
) -> str:
    """Groups x categories of a display column; '–' where the mart has no row (no persons)."""
    pivot = df.pivot_table(index=row, columns=col, values=value, aggfunc="first", sort=False)
    cols = [c for c in col_order if c in pivot.columns]
    pivot = pivot.reindex(columns=cols)
    table = pivot.reset_index()
    return table_html(table, [(row, "")] + [(c, c) for c in cols], caption)
