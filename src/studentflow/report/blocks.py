"""The building blocks of a section: a stacked-share chart with its table, and a bar
chart with its table; suppressed cells are hatched '..', never zero."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import charts
from .frames import code_sort_key, first, is_published, label_column, suppressed_mask
from .model import MAX_GROUPS, TOTAL, Context, Section, SectionEmpty
from .tables import pivot_html, table_html


def _label_groups(
    df: pd.DataFrame,
    group: str,
    cat_label: str,
    total_group_label: str | None,
    group_label: Callable[[pd.Series], str] | None,
) -> pd.DataFrame:
    """A copy of the rows with the group's label in `_group` and the category's in `_cat`."""
    data = df.copy()
    if group_label is not None:
        data["_group"] = data.apply(group_label, axis=1)
    else:
        glabel = label_column(data, group)
        data["_group"] = data[glabel].astype(str)
        if total_group_label:
            data.loc[data[group] == TOTAL, "_group"] = total_group_label
    data["_cat"] = data[cat_label].astype(str)
    return data


def _group_order(
    section: Section,
    parts: pd.DataFrame,
    total_n: dict,
    total_group_label: str | None,
    group_sort: Callable[[str], object] | None,
) -> list:
    """The groups to draw: the biggest (the total group first), at most MAX_GROUPS."""
    order = sorted(
        parts["_group"].unique(),
        key=lambda g: (
            0 if total_group_label and g == total_group_label else 1,
            -(total_n.get(g) or 0),
            g,
        ),
    )
    if group_sort is not None:
        order = sorted(order, key=group_sort)
    if len(order) > MAX_GROUPS:
        section.notes.append(
            f"Visar de {MAX_GROUPS} största av {len(order)} grupper; alla finns i exporten."
        )
        order = order[:MAX_GROUPS]
    return order


def _category_order(parts: pd.DataFrame, category: str) -> list[str]:
    """Category labels in code order (numbers first, Okänt last)."""
    codes = sorted(parts[category].astype(str).unique(), key=code_sort_key)
    labels = dict(zip(parts[category].astype(str), parts["_cat"], strict=True))
    return [labels[c] for c in codes]


def stacked_share_section(
    ctx: Context,
    section: Section,
    df: pd.DataFrame,
    *,
    group: str,
    category: str,
    title: str,
    total_group_label: str | None = None,
    category_order: list[str] | None = None,
    group_label: Callable[[pd.Series], str] | None = None,
    group_sort: Callable[[str], object] | None = None,
) -> None:
    """Shares of `category` per `group`, from rows with the share columns of sdc_publish."""
    share = first(df.columns, "share", "rate")
    if share is None:
        raise ValueError(f"no share column in {list(df.columns)}")
    share_flag = f"{share}_is_suppressed"
    data = _label_groups(df, group, label_column(df, category), total_group_label, group_label)
    totals = data[data[category] == TOTAL]
    parts = data[data[category] != TOTAL]
    if parts.empty:
        raise SectionEmpty("inga kategorier att visa.")
    total_n = {
        g: (float(n) if is_published(n) else None)
        for g, n in zip(totals["_group"], totals["n"], strict=True)
    }
    total_published = {g: n is not None for g, n in total_n.items()}
    order = _group_order(section, parts, total_n, total_group_label, group_sort)
    parts = parts[parts["_group"].isin(order)]
    if category_order is None:
        category_order = _category_order(parts, category)
    parts = parts.assign(**{share_flag: suppressed_mask(parts, share_flag, share)})
    fig = charts.stacked_shares(
        parts,
        group="_group",
        category="_cat",
        share=share,
        suppressed=share_flag,
        total_published=total_published,
        title=title,
        category_order=category_order,
        group_order=order,
    )
    ctx.figure(section, fig)
    _share_notes_and_table(section, parts, share, category_order)


def _share_notes_and_table(
    section: Section, parts: pd.DataFrame, share: str, category_order: list[str]
) -> None:
    """The note on protected shares and the table of shares under the chart."""
    share_flag, share_display = f"{share}_is_suppressed", f"{share}_display"
    n_sup = int(parts[share_flag].sum())
    if n_sup:
        section.notes.append(
            f"{n_sup} andelar är skyddade (..) och ingår i det streckade fältet 'Skyddade "
            "uppgifter' – de redovisas aldrig som noll."
        )
    display = share_display if share_display in parts.columns else share
    section.blocks.append(
        pivot_html(
            parts,
            "_group",
            "_cat",
            display,
            "Tabell: andelar i procent ('..' = skyddad)",
            category_order,
        )
    )


def bar_section(
    ctx: Context,
    section: Section,
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    value_title: str,
    percent: bool = False,
    diverging: bool = False,
    table_columns: list[tuple[str, str]] | None = None,
    hover_extra: str | None = None,
    limit: int | None = None,
) -> None:
    flag = f"{value}_is_suppressed"
    if flag not in df.columns:
        flag = "n_is_suppressed" if "n_is_suppressed" in df.columns else flag
    data = df.copy()
    data["_sup"] = suppressed_mask(data, flag, value)
    reason = first(data.columns, f"{value}_suppression_reason", "n_suppression_reason")
    if limit and len(data) > limit:
        shown = data[~data["_sup"]].sort_values(value, ascending=False).head(limit)
        rest = len(data) - len(shown)
        section.notes.append(
            f"Visar de {limit} största; övriga {rest} rader (varav {int(data['_sup'].sum())} "
            "skyddade) finns i tabellen och i exporten."
        )
        chart_data = shown
    else:
        chart_data = data
    fig = charts.bar_with_suppression(
        chart_data,
        label=label,
        value=value,
        suppressed="_sup",
        title=title,
        value_title=value_title,
        percent=percent,
        reason=reason,
        diverging=diverging,
        hover_extra=hover_extra,
    )
    ctx.figure(section, fig)
    n_sup = int(data["_sup"].sum())
    if n_sup:
        section.notes.append(
            f"{n_sup} värden är skyddade och visas som streckade fält med '..' (aldrig som noll)."
        )
    if table_columns:
        ordered = data.sort_values(["_sup", value], ascending=[True, False], na_position="last")
        section.blocks.append(table_html(ordered, table_columns, "Tabell ('..' = skyddad)"))
