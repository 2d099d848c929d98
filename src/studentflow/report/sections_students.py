"""The sections on students and recruitment: where entrants and students come from,
transition and choice of institution, background, credits. One function per section."""

from __future__ import annotations

import pandas as pd

from .blocks import bar_section, stacked_share_section
from .frames import collapse_totals, first, label_column, load_slice
from .model import TOTAL, Context, Section, SectionEmpty


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
