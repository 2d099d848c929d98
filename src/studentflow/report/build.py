"""Build the standard report: one static HTML file per institution and window.

The report reads only the published marts (schema ``published``) and the public code
lists (schema ``code_lists``) of a built warehouse, opened read-only. Marts are found
by name (with a pattern fallback) and their columns by the project's naming
conventions (``<x>_code`` / ``<x>_name``, ``n``, ``share``, ``rate``, ``<m>_median``
...), so a section whose mart is missing, empty for the chosen institution and
window, or shaped differently says so instead of stopping the report.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import charts

PUBLISHED = "published"
CODE_LISTS = "code_lists"
TOTAL = "Totalt"
UNKNOWN = "Okänt"
MAX_GROUPS = 18  # bars per chart; the rest are in the exports

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"


# --- the warehouse ------------------------------------------------------------------------------


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


# --- the sections -------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    title_en: str
    intro: str  # Swedish, HTML allowed
    intro_en: str
    marts: list[str] = field(default_factory=list)
    status: str = "ok"  # ok | missing | empty | error
    message: str = ""
    blocks: list[str] = field(default_factory=list)  # HTML: figures and tables, in order
    notes: list[str] = field(default_factory=list)
    n_figures: int = 0


@dataclass
class Context:
    wh: Warehouse
    institution: str
    institution_name: str
    institution_county: str | None
    county_name: str | None
    window: int
    window_length: int
    years_after: int
    figure_seq: list[int] = field(default_factory=lambda: [0])

    @property
    def window_years(self) -> tuple[int, int]:
        return self.window, self.window + self.window_length - 1

    @property
    def window_label(self) -> str:
        a, b = self.window_years
        return f"{a}–{b}"

    def figure(self, section: Section, fig) -> None:
        self.figure_seq[0] += 1
        section.blocks.append(
            '<figure class="chart">'
            + charts.to_html(fig, f"fig-{section.key}-{self.figure_seq[0]}")
            + "</figure>"
        )
        section.n_figures += 1


class SectionEmpty(Exception):
    """The mart exists but has nothing for this institution and window."""


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


def _window_filter(ctx: Context, mart: str, section: Section) -> dict[str, object]:
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


def _institution_filter(ctx: Context, mart: str) -> dict[str, object]:
    col = first(ctx.wh.mart_columns(mart), "institution_code", "start_institution_code")
    return {col: ctx.institution} if col else {}


def _available_windows(ctx: Context, mart: str) -> str:
    cols = ctx.wh.mart_columns(mart)
    window_col = first(cols, "window_start_year", "entry_window_start_year")
    if not window_col:
        return ""
    values = ctx.wh.distinct(mart, window_col, _institution_filter(ctx, mart))
    return ", ".join(str(v) for v in values) or "inga"


def load_slice(ctx: Context, mart: str, section: Section, *, institution: bool = True):
    where = _window_filter(ctx, mart, section)
    if institution:
        where.update(_institution_filter(ctx, mart))
    df = ctx.wh.load(mart, where)
    if df.empty:
        windows = _available_windows(ctx, mart)
        raise SectionEmpty(
            f"`{mart}` har inga rader för {ctx.institution} och fönstret {ctx.window_label}"
            + (f" (fönster med data för lärosätet: {windows})" if windows else "")
            + "."
        )
    return df


def _is_published(value) -> bool:
    return not _missing(value)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _suppressed(df: pd.DataFrame, flag: str, value: str) -> pd.Series:
    flags = df[flag] if flag in df.columns else pd.Series(False, index=df.index)
    return flags.fillna(False).astype(bool) | df[value].isna()


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
            text = "–" if _missing(value) else str(value)
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
    share_display = f"{share}_display"
    cat_label = label_column(df, category)
    data = df.copy()
    if group_label is not None:
        data["_group"] = data.apply(group_label, axis=1)
    else:
        glabel = label_column(data, group)
        data["_group"] = data[glabel].astype(str)
        if total_group_label:
            data.loc[data[group] == TOTAL, "_group"] = total_group_label
    data["_cat"] = data[cat_label].astype(str)
    totals = data[data[category] == TOTAL]
    parts = data[data[category] != TOTAL]
    if parts.empty:
        raise SectionEmpty("inga kategorier att visa.")
    total_n = {
        g: (float(n) if _is_published(n) else None)
        for g, n in zip(totals["_group"], totals["n"], strict=True)
    }
    total_published = {g: n is not None for g, n in total_n.items()}
    # the biggest groups; the total group first
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
    parts = parts[parts["_group"].isin(order)]
    if category_order is None:
        codes = sorted(parts[category].astype(str).unique(), key=_code_sort_key)
        labels = dict(zip(parts[category].astype(str), parts["_cat"], strict=True))
        category_order = [labels[c] for c in codes]
    parts = parts.assign(**{share_flag: _suppressed(parts, share_flag, share)})
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


def _code_sort_key(code: str):
    if code == UNKNOWN:
        return (2, 0, code)
    m = re.match(r"^(\d+)", str(code))
    return (0, int(m.group(1)), str(code)) if m else (1, 0, str(code))


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
    data["_sup"] = _suppressed(data, flag, value)
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


# --- one function per section -------------------------------------------------------------------


def sec_recruitment_county(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["recruitment_by_county"], r"recruit.*county")
    if not mart:
        raise LookupError("recruitment_by_county")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s)
    county = first(df.columns, "recruitment_county_code", "county_code", "lan_code")
    df = collapse_totals(df, [county])
    total = df[df[county] == TOTAL]
    if not total.empty:
        s.notes.append(
            f"Nybörjare vid lärosätet i fönstret: {total.iloc[0].get('n_display', '..')}."
        )
    df = df[df[county] != TOTAL]
    if df.empty:
        raise SectionEmpty("inga län att visa.")
    bar_section(
        ctx,
        s,
        df,
        label=label_column(df, county),
        value="n",
        title=f"Nybörjare vid {ctx.institution_name} efter rekryteringslän, {ctx.window_label}",
        value_title="Antal nybörjare",
        hover_extra="share_display" if "share_display" in df.columns else None,
        table_columns=[
            (label_column(df, county), "Län"),
            ("n_display", "Antal"),
            ("share_display", "Andel, %"),
        ],
    )


def sec_students_municipality(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["students_by_municipality"], r"students.*municipal")
    if not mart:
        raise LookupError("students_by_municipality")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s)
    muni = first(df.columns, "recruitment_municipality_code", "municipality_code")
    county = first(df.columns, "recruitment_county_code", "county_code")
    df = collapse_totals(df, [c for c in (muni, county) if c])
    df = df[df[muni] != TOTAL]
    if df.empty:
        raise SectionEmpty("inga kommuner att visa.")
    bar_section(
        ctx,
        s,
        df,
        label=label_column(df, muni),
        value="n",
        title=f"Registrerade vid {ctx.institution_name} efter rekryteringskommun, "
        f"{ctx.window_label} (största kommunerna)",
        value_title="Antal personer",
        limit=25,
        table_columns=[
            (label_column(df, muni), "Kommun"),
            (label_column(df, county) if county else muni, "Län"),
            ("n_display", "Antal"),
        ],
    )


def _county_slice(ctx: Context, df: pd.DataFrame, muni: str, county: str | None) -> pd.DataFrame:
    if not ctx.institution_county:
        return df
    if county and county in df.columns:
        return df[df[county] == ctx.institution_county]
    return df[df[muni].astype(str).str[:2] == ctx.institution_county]


def _latest_year(df: pd.DataFrame, year_col: str | None, s: Section, value: str) -> pd.DataFrame:
    if not year_col or df.empty:
        return df
    with_data = df[df[value].notna()] if value in df.columns else df
    years = sorted(with_data[year_col].dropna().unique()) or sorted(df[year_col].unique())
    year = years[-1]
    s.notes.append(f"Läsåret {year}/{str(year + 1)[-2:]} (det senaste i fönstret med data).")
    return df[df[year_col] == year]


def sec_transition(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["transition_by_age_25"], r"transition")
    if not mart:
        raise LookupError("transition_by_age_25")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s, institution=False)
    muni = first(df.columns, "recruitment_municipality_code", "municipality_code")
    county = first(df.columns, "recruitment_county_code", "county_code")
    year = first(df.columns, "academic_year", "year")
    df = collapse_totals(df, [c for c in (muni, county) if c])
    rate = first(df.columns, "rate", "share")
    county_row = (
        df[(df[muni] == TOTAL) & (df[county] == ctx.institution_county)] if county else None
    )
    df = _county_slice(ctx, df[df[muni] != TOTAL], muni, county)
    if df.empty:
        raise SectionEmpty(f"inga kommuner i {ctx.county_name or 'lärosätets län'}.")
    df = _latest_year(df, year, s, rate)
    if county_row is not None and year and not df.empty:
        row = county_row[county_row[year] == df[year].iloc[0]]
        if not row.empty:
            s.notes.append(
                f"{ctx.county_name}: {row.iloc[0].get(f'{rate}_display', '..')} % av "
                "folkbokförda 18–25 år är registrerade i högskolan."
            )
    bar_section(
        ctx,
        s,
        df,
        label=label_column(df, muni),
        value=rate,
        percent=True,
        title=f"Andel 18–25 år registrerade i högskolan per kommun i {ctx.county_name}",
        value_title="Andel av folkbokförda 18–25 år",
        table_columns=[
            (label_column(df, muni), "Kommun"),
            ("n_display", "Registrerade"),
            (f"{rate}_denominator", "Folkbokförda 18–25"),
            (f"{rate}_display", "Andel, %"),
        ],
    )


def sec_institution_choice(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["institution_choice_by_municipality"], r"institution_choice")
    if not mart:
        raise LookupError("institution_choice_by_municipality")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s, institution=False)
    muni = first(df.columns, "recruitment_municipality_code", "municipality_code")
    county = first(df.columns, "recruitment_county_code", "county_code")
    choice = first(df.columns, "institution_choice_code", "institution_code")
    year = first(df.columns, "academic_year", "year")
    df = collapse_totals(df, [c for c in (muni, county, choice) if c])
    df = _county_slice(ctx, df[df[muni] != TOTAL], muni, county)
    df = _latest_year(df, year, s, "share")
    mine = df[df[choice] == ctx.institution]
    if mine.empty:
        raise SectionEmpty(
            f"{ctx.institution_name} har ingen egen rad i kommunerna i {ctx.county_name} "
            "(små lärosäten slås ihop till 'Övriga')."
        )
    bar_section(
        ctx,
        s,
        mine,
        label=label_column(mine, muni),
        value="share",
        percent=True,
        title=f"Andel av kommunens registrerade 18–25 år som valt {ctx.institution_name}",
        value_title="Andel",
        table_columns=[
            (label_column(mine, muni), "Kommun"),
            ("n_display", "Antal"),
            ("share_denominator", "Alla registrerade"),
            ("share_display", "Andel, %"),
        ],
    )


def _programme_shares(
    ctx: Context, s: Section, names: list[str], pattern: str, cat_cols, title: str
) -> None:
    mart = ctx.wh.find(names, pattern)
    if not mart:
        raise LookupError(names[0])
    s.marts.append(mart)
    df = load_slice(ctx, mart, s)
    programme = first(df.columns, "programme_code", "group_code")
    category = first(df.columns, *cat_cols)
    df = collapse_totals(df, [c for c in (programme, category) if c])
    stacked_share_section(
        ctx,
        s,
        df,
        group=programme,
        category=category,
        title=title,
        total_group_label="Alla program vid lärosätet",
    )


def sec_parents_education(ctx: Context, s: Section) -> None:
    _programme_shares(
        ctx,
        s,
        ["parents_education_by_programme"],
        r"parents_education.*programme",
        ["parents_sun_level", "parents_education_code", "sun_level"],
        f"Föräldrarnas högsta utbildningsnivå, registrerade på program, {ctx.window_label}",
    )


def sec_foreign_background(ctx: Context, s: Section) -> None:
    _programme_shares(
        ctx,
        s,
        ["foreign_background_by_programme"],
        r"foreign_background.*programme",
        ["foreign_background_code", "background_code"],
        f"Utländsk bakgrund, registrerade på program, {ctx.window_label}",
    )


def sec_credits(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["credits_by_background"], r"credits")
    if not mart:
        raise LookupError("credits_by_background")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s)
    variable = first(df.columns, "background_variable")
    background = first(df.columns, "background_code")
    band = first(df.columns, "credits_band", "credits_band_code")
    df = collapse_totals(df, [c for c in (background, band) if c])
    titles = {
        "foreign_background": "utländsk bakgrund",
        "parents_education": "föräldrarnas utbildningsnivå",
    }
    for value in sorted(df[variable].unique()) if variable else [None]:
        part = df[df[variable] == value] if variable else df
        stacked_share_section(
            ctx,
            s,
            part,
            group=background,
            category=band,
            title=f"Avklarade högskolepoäng efter {titles.get(value, value or 'bakgrund')}, "
            f"nybörjare {ctx.window_label}",
            total_group_label="Alla nybörjare",
        )


ALUMNI_CATEGORIES = {
    1: ("Kategori 1 – yrkesexamina", ["alumni_cat1_yrkesexamen"], r"alumni_cat1"),
    2: ("Kategori 2 – kandidat/master inom program", ["alumni_cat2_program"], r"alumni_cat2"),
    3: ("Kategori 3 – huvudområde", ["alumni_cat3_huvudomrade"], r"alumni_cat3"),
    4: ("Kategori 4 – forskarutbildning", ["alumni_cat4_forskarutbildning"], r"alumni_cat4"),
}

# fallback only: the order lives in the seed etablering_kategorier (code_lists)
ETABLERING_ORDER = ["etablerad", "osäker position", "svag position", "utanför", UNKNOWN]


def _etablering_order(ctx: Context) -> list[str]:
    seed = ctx.wh.code_list("etablering_kategorier")
    if seed is None or seed.empty:
        return ETABLERING_ORDER
    return seed.sort_values("sort_order")["etablering_code"].astype(str).tolist()


def _alumni_group_label(row: pd.Series) -> str:
    group = str(row.get("group_name") or row.get("group_code") or "")
    degree = str(row.get("degree_name") or row.get("degree_code") or "")
    if degree and degree not in group and degree != group:
        return f"{group} ({degree})"
    return group


def _alumni_frames(ctx: Context, s: Section, variable: str):
    found = False
    for number, (title, names, pattern) in ALUMNI_CATEGORIES.items():
        mart = ctx.wh.find(names, pattern)
        if not mart:
            s.notes.append(f"{title}: marten saknas i lagret.")
            continue
        found = True
        s.marts.append(mart)
        try:
            df = load_slice(ctx, mart, s)
        except SectionEmpty as exc:
            s.notes.append(f"{title}: {exc}")
            continue
        if "variable" in df.columns:
            df = df[df["variable"] == variable]
        df = pick_years_after(df, ctx.years_after, Section("tmp", "", "", "", ""))
        if df.empty:
            s.notes.append(f"{title}: inga uppgifter om '{variable}' för fönstret.")
            continue
        yield number, title, df
    if not found:
        raise LookupError("alumni_cat1..4")


def sec_etablering(ctx: Context, s: Section) -> None:
    drawn = 0
    s.notes.append(f"Uppföljning {ctx.years_after} år efter examen där den finns.")
    for _number, title, df in _alumni_frames(ctx, s, "etablering"):
        category = first(df.columns, "category_code")
        df = collapse_totals(df, [category, "group_code", "degree_code"])
        codes = [c for c in _etablering_order(ctx) if c in set(df[category])]
        codes += sorted(c for c in set(df[category]) - set(codes) - {TOTAL})
        labels = dict(zip(df[category], df[label_column(df, category)].astype(str), strict=True))
        stacked_share_section(
            ctx,
            s,
            df,
            group="group_code",
            category=category,
            title=f"Etablering på arbetsmarknaden – {title}, examen {ctx.window_label}",
            category_order=[labels[c] for c in codes],
            group_label=_alumni_group_label,
        )
        drawn += 1
    if not drawn:
        raise SectionEmpty("ingen alumnikategori har etableringsuppgifter för fönstret.")


def sec_income(ctx: Context, s: Section) -> None:
    drawn = 0
    for _number, title, df in _alumni_frames(ctx, s, "inkomst"):
        median = next((c for c in df.columns if c.endswith("_median")), None)
        if not median:
            s.notes.append(f"{title}: marten saknar inkomstmått.")
            continue
        measure = median[: -len("_median")]
        df = collapse_totals(df, ["group_code", "degree_code"])
        df = df.assign(_group=df.apply(_alumni_group_label, axis=1))
        flag = f"{measure}_is_suppressed"
        df = df.assign(**{flag: _suppressed(df, flag, median)})
        for col in (median, f"{measure}_p25", f"{measure}_p75"):
            if col in df.columns:
                df[f"{col}_display"] = df[col].map(
                    lambda v: ".." if not _is_published(v) else f"{v:,.0f}".replace(",", "\u202f")
                )
        shown = df.sort_values(median, ascending=False, na_position="last")
        if len(shown) > MAX_GROUPS:
            s.notes.append(f"{title}: visar de {MAX_GROUPS} första av {len(shown)} grupper.")
            shown = shown.head(MAX_GROUPS)
        fig = charts.bar_with_suppression(
            shown,
            label="_group",
            value=median,
            suppressed=flag,
            title=f"Arbetsinkomst (median, kvartiler) – {title}, examen {ctx.window_label}",
            value_title="Årlig arbetsinkomst, kr (median; strecket = 25:e–75:e percentilen)",
            error_low=f"{measure}_p25" if f"{measure}_p25" in df.columns else None,
            error_high=f"{measure}_p75" if f"{measure}_p75" in df.columns else None,
        )
        ctx.figure(s, fig)
        drawn += 1
        n_sup = int(shown[flag].sum())
        if n_sup:
            s.notes.append(
                f"{title}: {n_sup} grupper har färre än k_mag förvärvsarbetande; deras inkomst "
                "är skyddad (..)."
            )
        s.blocks.append(
            table_html(
                shown,
                [
                    ("_group", "Grupp"),
                    ("n_display", "Förvärvsarbetande"),
                    (f"{median}_display", "Median, kr"),
                    (f"{measure}_p25_display", "25:e percentil"),
                    (f"{measure}_p75_display", "75:e percentil"),
                ],
                f"Tabell: inkomst, {title}",
            )
        )
    if not drawn:
        raise SectionEmpty("ingen alumnikategori har inkomstuppgifter för fönstret.")


def sec_matching(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["outcome_matching_by_programme"], r"matching")
    if not mart:
        raise LookupError("outcome_matching_by_programme")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s)
    df = pick_years_after(df, ctx.years_after, s)
    if df.empty:
        raise SectionEmpty("ingen uppföljning för fönstret.")
    programme = first(df.columns, "programme_code", "group_code")
    category = first(df.columns, "matching_code", "category_code")
    keep = [c for c in (programme, category, "programme_degree_code") if c]
    df = collapse_totals(df, keep)

    def label(row):
        name = str(row.get("programme_name") or row.get(programme))
        degree = row.get("programme_degree_name")
        return f"{name} ({degree})" if degree and str(degree) not in name else name

    stacked_share_section(
        ctx,
        s,
        df,
        group=programme,
        category=category,
        title=f"Matchning mellan utbildning och yrke per program, examen {ctx.window_label}",
        group_label=label,
    )


def sec_employment(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["outcome_employment_by_institution"], r"employment")
    if not mart:
        raise LookupError("outcome_employment_by_institution")
    s.marts.append(mart)
    where = _window_filter(ctx, mart, s)
    inst = first(ctx.wh.mart_columns(mart), "institution_code")
    df = ctx.wh.load(mart, where)
    if inst:
        degrees = df.loc[df[inst] == ctx.institution, "degree_code"].unique()
        df = df[df[inst].isin([ctx.institution, TOTAL]) & df["degree_code"].isin(degrees)]
    if df.empty:
        raise SectionEmpty(f"inga examina vid {ctx.institution} i fönstret {ctx.window_label}.")
    df = pick_years_after(df, ctx.years_after, s)
    category = first(df.columns, "category_code")
    df = collapse_totals(df, [c for c in (inst, category, "degree_code") if c])

    def label(row):
        who = "Riket" if row.get(inst) == TOTAL else ctx.institution_name
        return f"{row.get('degree_name') or row.get('degree_code')} – {who}"

    stacked_share_section(
        ctx,
        s,
        df,
        group="degree_code",
        category=category,
        title=f"Sysselsättning i november efter examen, {ctx.institution_name} och riket, "
        f"examen {ctx.window_label}",
        group_label=label,
        group_sort=lambda g: (g.rsplit(" – ", 1)[0], g.endswith(" – Riket")),
    )


def sec_net_migration(ctx: Context, s: Section) -> None:
    mart = ctx.wh.find(["outcome_net_migration_by_county"], r"net_migration")
    if not mart:
        raise LookupError("outcome_net_migration_by_county")
    s.marts.append(mart)
    df = load_slice(ctx, mart, s)
    county = first(df.columns, "county_code", "recruitment_county_code")
    df = collapse_totals(df, [county])
    df = df[df[county] != TOTAL]
    value = first(df.columns, "net_migration", "net_migration_n")
    df = df.assign(
        _hover=[
            f"bosatta efter examen: {r}, gymnasielän: {g}"
            for r, g in zip(
                df.get("n_residence_display", pd.Series("..", index=df.index)),
                df.get("n_gymnasielan_display", pd.Series("..", index=df.index)),
                strict=True,
            )
        ]
    )
    bar_section(
        ctx,
        s,
        df,
        label=label_column(df, county),
        value=value,
        diverging=True,
        hover_extra="_hover",
        title=f"Nettoflyttning per län: nybörjare vid {ctx.institution_name} "
        f"{ctx.window_label} som tagit examen",
        value_title="Bosatta ett år efter examen minus gymnasielän (positivt = länet vinner)",
        table_columns=[
            (label_column(df, county), "Län"),
            ("n_residence_display", "Bosatta efter examen"),
            ("n_gymnasielan_display", "Gymnasielän"),
            (f"{value}_display", "Netto"),
        ],
    )


SECTIONS: list[tuple[str, str, str, str, str, Callable[[Context, Section], None]]] = [
    (
        "rekrytering-lan",
        "Regional rekrytering: nybörjare efter rekryteringslän",
        "Regional recruitment by county",
        "Nybörjare vid lärosätet (första terminen där) i fönstret, efter <em>rekryteringslän</em>: "
        "länet för folkbokföringskommunen den 31 december året före första terminen.",
        "Entrants by recruitment county (residence on 31 December before the first term).",
        sec_recruitment_county,
    ),
    (
        "studenter-kommun",
        "Var studenterna kommer ifrån: registrerade efter rekryteringskommun",
        "Where students come from: registered persons by recruitment municipality",
        "Unika personer registrerade vid lärosätet någon gång i fönstret, efter "
        "rekryteringskommun.",
        "Unique persons registered in the window, by recruitment municipality.",
        sec_students_municipality,
    ),
    (
        "overgang",
        "Övergång till högskolestudier senast vid 25 års ålder",
        "Transition to higher education by age 25",
        "Personer 18–25 år registrerade vid något lärosäte under läsåret, per "
        "folkbokföringskommun, delat med kommunens folkbokförda 18–25 år (offentlig "
        "befolkningsstatistik). Visar kommunerna i lärosätets län.",
        "Registered persons aged 18–25 ÷ residents aged 18–25, per municipality in the "
        "institution's county.",
        sec_transition,
    ),
    (
        "val-av-larosate",
        "Val av lärosäte per kommun",
        "Choice of institution by municipality",
        "Av kommunens registrerade 18–25 år: andelen vars huvudsakliga lärosäte (flest poäng "
        "under läsåret) är detta lärosäte.",
        "Share of a municipality's registered persons aged 18–25 whose main institution is "
        "this one.",
        sec_institution_choice,
    ),
    (
        "foraldrarnas-utbildning",
        "Föräldrarnas utbildningsnivå",
        "Parents' education",
        "Registrerade på program i fönstret efter föräldrarnas högsta utbildningsnivå (SUN 2020) "
        "året före första terminen; den högre av de två föräldrarnas nivåer.",
        "Programme students by the higher of the parents' education levels before entry.",
        sec_parents_education,
    ),
    (
        "utlandsk-bakgrund",
        "Utländsk bakgrund",
        "Foreign background",
        "Registrerade på program i fönstret efter SCB:s fyra grupper: utrikes född; inrikes "
        "född med två utrikes födda föräldrar; med en inrikes och en utrikes född förälder; "
        "med två inrikes födda föräldrar (samt Okänt).",
        "Programme students by SCB's four foreign-background groups.",
        sec_foreign_background,
    ),
    (
        "hogskolepoang",
        "Avklarade högskolepoäng efter bakgrund",
        "Credits achieved by background",
        "Högskolenybörjare med lärosätet som nybörjarhögskola i fönstret, efter avklarade poäng "
        "inom uppföljningstiden (under 120 hp, 120–240 hp, över 240 hp).",
        "Entrants by credits completed within the follow-up period, by background.",
        sec_credits,
    ),
    (
        "etablering",
        "Etablering på arbetsmarknaden efter alumnikategori och program",
        "Labour-market establishment by alumni category and programme",
        "UKÄ:s mått i uppföljningsåret: <em>etablerad</em> = förvärvsarbetande i november med "
        "inkomst minst årets gräns och utan arbetslöshet; <em>osäker position</em> = "
        "förvärvsarbetande men klarar inte inkomst- eller arbetslöshetsvillkoret; "
        "<em>svag position</em> = inte "
        "förvärvsarbetande men har inkomst; <em>utanför</em> = varken arbete eller inkomst. "
        "Studerande och utvandrade är borttagna.",
        "UKÄ's establishment measure in the follow-up year; students and emigrants removed.",
        sec_etablering,
    ),
    (
        "inkomst",
        "Arbetsinkomst efter alumnikategori och program",
        "Earned income by alumni category and programme",
        "Median och kvartiler av årets arbetsinkomst för dem som förvärvsarbetade i november; "
        "publiceras bara när minst k_mag personer ingår.",
        "Median and quartiles of earned income of those employed in November.",
        sec_income,
    ),
    (
        "sysselsattning",
        "Sysselsättning efter examen jämfört med riket",
        "Employment after graduation compared with the national total",
        "Examinerade med en viss examen vid lärosätet och i hela riket, efter sysselsättning i "
        "november uppföljningsåret.",
        "Graduates by employment status in November, institution and national total.",
        sec_employment,
    ),
    (
        "matchning",
        "Matchning mellan utbildning och yrke",
        "Matching of education and occupation",
        "Examinerade per program efter SCB:s matchningsindikator i uppföljningsåret "
        "(utvandrade borttagna).",
        "Graduates per programme by SCB's matching indicator.",
        sec_matching,
    ),
    (
        "nettoflyttning",
        "Nettoflyttning: var bor nybörjarna efter examen?",
        "Net migration of graduates",
        "Högskolenybörjare med lärosätet som nybörjarhögskola, som började i fönstret och tagit "
        "examen: antal bosatta i varje län ett år efter examen minus antal med det länet som "
        "gymnasielän. Positivt tal = länet vinner utbildade.",
        "Graduated entrants living in each county one year after graduation minus those with "
        "that upper-secondary county (positive = the county gains).",
        sec_net_migration,
    ),
]


# --- assembling the page ------------------------------------------------------------------------


def project_vars(project_dir: Path) -> dict:
    path = project_dir / "dbt_project.yml"
    try:
        import yaml

        return dict((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("vars") or {})
    except Exception:  # noqa: BLE001 - defaults below
        return {}


def institution_info(wh: Warehouse, code: str) -> tuple[str, str | None, str | None, list[str]]:
    """(name, county code, county name, all known codes) of an institution from the code lists."""
    larosaten = wh.code_list("larosaten")
    counties = wh.code_list("lan")
    if larosaten is None:
        return code, None, None, []
    codes = sorted(larosaten["larosate_code"].astype(str))
    row = larosaten[larosaten["larosate_code"].astype(str) == code]
    if row.empty:
        return code, None, None, codes
    county = str(row.iloc[0].get("lan_code")) if "lan_code" in row.columns else None
    county_name = None
    if counties is not None and county:
        match = counties[counties["lan_code"].astype(str) == county]
        county_name = str(match.iloc[0]["lan_name"]) if not match.empty else None
    return str(row.iloc[0]["larosate_name"]), county, county_name, codes


def build_report(
    duckdb_path: Path,
    institution: str,
    window: int,
    out_dir: Path,
    *,
    years_after: int = 1,
    project_dir: Path = Path("."),
    out_file: Path | None = None,
) -> tuple[Path, list[Section]]:
    import plotly
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    variables = project_vars(project_dir)
    window_length = int(variables.get("window_length") or 6)
    anchor = int(variables.get("window_anchor_year") or 2001)
    wh = Warehouse(duckdb_path)
    try:
        name, county, county_name, codes = institution_info(wh, institution)
        if codes and institution not in codes:
            raise ValueError(
                f"unknown institution '{institution}'; codes in code_lists.larosaten: "
                + ", ".join(codes)
            )
        if (window - anchor) % window_length:
            start = anchor + ((window - anchor) // window_length) * window_length
            raise ValueError(
                f"--window {window} is not the start of a window: windows are {window_length} "
                f"years from {anchor} ({start}–{start + window_length - 1} holds {window}); "
                f"use --window {start}"
            )
        ctx = Context(
            wh, institution, name, county, county_name, window, window_length, years_after
        )
        sections: list[Section] = []
        for key, title, title_en, intro, intro_en, fn in SECTIONS:
            section = Section(key, title, title_en, intro, intro_en)
            try:
                fn(ctx, section)
            except LookupError as exc:
                section.status = "missing"
                section.message = (
                    f"Marten <code>{html.escape(str(exc).strip(chr(39)))}</code> finns inte i "
                    "schemat <code>published</code> i detta lager – avsnittet kan inte visas."
                )
            except SectionEmpty as exc:
                section.status = "empty"
                section.message = html.escape(str(exc))
            except Exception as exc:  # noqa: BLE001 - one broken section must not stop the rest
                section.status = "error"
                section.message = html.escape(f"{type(exc).__name__}: {exc}")
                section.notes.append(html.escape(traceback.format_exc(limit=3).splitlines()[-1]))
            if section.status != "ok":
                section.blocks = []
            sections.append(section)
    finally:
        wh.close()

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("report.html.j2")
    page = template.render(
        institution=institution,
        institution_name=name,
        county_name=county_name,
        window_label=ctx.window_label,
        window=window,
        years_after=years_after,
        sections=sections,
        k=variables.get("sdc_k", 5),
        k_mag=variables.get("sdc_k_magnitude", 10),
        sdc_method=variables.get("sdc_method", "suppression"),
        window_length=window_length,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        warehouse=str(duckdb_path),
        css=(ASSETS / "report.css").read_text(encoding="utf-8"),
        plotly_js=plotly.offline.get_plotlyjs(),
        plotly_version=plotly.__version__,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_file or out_dir / f"rapport_{institution}_{window}.html"
    target.write_text(page, encoding="utf-8")
    return target, sections
