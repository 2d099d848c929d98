"""The sections on alumni: establishment, income, matching, employment and net migration
after graduation. One function per section."""

from __future__ import annotations

import pandas as pd

from . import charts
from .blocks import bar_section, stacked_share_section
from .frames import (
    collapse_totals,
    first,
    is_published,
    label_column,
    load_slice,
    pick_years_after,
    suppressed_mask,
    window_filter,
)
from .model import MAX_GROUPS, TOTAL, UNKNOWN, Context, Section, SectionEmpty
from .tables import table_html

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
        df = df.assign(**{flag: suppressed_mask(df, flag, median)})
        for col in (median, f"{measure}_p25", f"{measure}_p75"):
            if col in df.columns:
                df[f"{col}_display"] = df[col].map(
                    lambda v: ".." if not is_published(v) else f"{v:,.0f}".replace(",", "\u202f")
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
    where = window_filter(ctx, mart, s)
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
