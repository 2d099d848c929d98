"""Finding columns and slicing a mart's rows by the project's naming conventions
(``<x>_code`` / ``<x>_name``, ``Totalt`` members, window and institution columns)."""

from __future__ import annotations

import re

import pandas as pd

from .model import TOTAL, UNKNOWN, Context, Section, SectionEmpty


def first(columns, *names: str) -> str | None:
    for name in names:
        if name in columns:
            return name
    return None


def label_column(df: pd.DataFrame, code: str) -> str:
    """The name column that goes with a code column (`x_code` -> `x_name`), else the code."""
    for candidate in (re.sub(r"_code$", "_name", code), f"{code}_name"):
        if candidate in df.columns and candidate != code:
            return candidate
    return code


def collapse_totals(df: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """Keep the 'Totalt' member of every dimension not charted (sex, programme, ...).

    A dimension is a text column holding 'Totalt'; label and display columns follow
    their code column and are left alone.
    """
    out = df
    for column in df.columns:
        if column in keep or re.search(r"_(name|label|display|reason|group)$", column):
            continue
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            if (series == TOTAL).any():
                out = out[series == TOTAL]
    return out


def pick_years_after(df: pd.DataFrame, wanted: int, section: Section) -> pd.DataFrame:
    col = first(df.columns, "years_after_graduation", "years_after")
    if col is None or df.empty:
        return df
    available = sorted(int(v) for v in df[col].dropna().unique())
    if not available:
        return df
    chosen = wanted if wanted in available else available[0]
    if chosen != wanted:
        section.notes.append(
            f"Uppföljning {wanted} år efter examen finns inte för fönstret; visar {chosen} år "
            f"efter examen (tillgängligt: {', '.join(map(str, available))})."
        )
    else:
        section.notes.append(f"Uppföljning {chosen} år efter examen.")
    return df[df[col] == chosen]


def window_filter(ctx: Context, mart: str, section: Section) -> dict[str, object]:
    cols = ctx.wh.mart_columns(mart)
    where: dict[str, object] = {}
    window_col = first(cols, "window_start_year", "entry_window_start_year")
    if window_col:
        where[window_col] = ctx.window
    else:
        year_col = first(cols, "academic_year", "year", "graduation_academic_year")
        if year_col:
            a, b = ctx.window_years
            where[year_col] = list(range(a, b + 1))
    return where


def institution_filter(ctx: Context, mart: str) -> dict[str, object]:
    col = first(ctx.wh.mart_columns(mart), "institution_code", "start_institution_code")
    return {col: ctx.institution} if col else {}


def _available_windows(ctx: Context, mart: str) -> str:
    cols = ctx.wh.mart_columns(mart)
    window_col = first(cols, "window_start_year", "entry_window_start_year")
    if not window_col:
        return ""
    values = ctx.wh.distinct(mart, window_col, institution_filter(ctx, mart))
    return ", ".join(str(v) for v in values) or "inga"


def load_slice(ctx: Context, mart: str, section: Section, *, institution: bool = True):
    where = window_filter(ctx, mart, section)
    if institution:
        where.update(institution_filter(ctx, mart))
    df = ctx.wh.load(mart, where)
    if df.empty:
        windows = _available_windows(ctx, mart)
        raise SectionEmpty(
            f"`{mart}` har inga rader för {ctx.institution} och fönstret {ctx.window_label}"
            + (f" (fönster med data för lärosätet: {windows})" if windows else "")
            + "."
        )
    return df


def is_published(value) -> bool:
    return not is_missing(value)


def is_missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def suppressed_mask(df: pd.DataFrame, flag: str, value: str) -> pd.Series:
    flags = df[flag] if flag in df.columns else pd.Series(False, index=df.index)
    return flags.fillna(False).astype(bool) | df[value].isna()


def code_sort_key(code: str):
    if code == UNKNOWN:
        return (2, 0, code)
    m = re.match(r"^(\d+)", str(code))
    return (0, int(m.group(1)), str(code)) if m else (1, 0, str(code))
