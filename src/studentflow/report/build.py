"""Build the standard report: one static HTML file per institution and window.

The report reads only the published marts (schema ``published``) and the public code
lists (schema ``code_lists``) of a built warehouse, opened read-only. Marts are found
by name (with a pattern fallback) and their columns by the project's naming
conventions (``<x>_code`` / ``<x>_name``, ``n``, ``share``, ``rate``, ``<m>_median``
...), so a section whose mart is missing, empty for the chosen institution and
window, or shaped differently says so instead of stopping the report.

This module assembles the page: it checks the institution and window, runs every
section of ``sections.SECTIONS`` (a failing section is reported, never fatal) and
renders the template. The parts: ``warehouse`` (read-only access), ``model``
(Section, Context), ``frames`` (columns and slices), ``tables``, ``blocks`` (chart
plus table), ``sections_students`` / ``sections_alumni`` (one function per section),
``sections`` (the catalogue), ``charts`` (Plotly figures).
"""

from __future__ import annotations

import datetime as dt
import html
import traceback
from pathlib import Path

from .model import Context, Section, SectionEmpty
from .sections import SECTIONS
from .warehouse import Warehouse

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"

__all__ = ["SECTIONS", "Section", "build_report", "institution_info", "project_vars"]


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


def _check_choice(institution: str, codes: list[str], window: int, anchor: int, length: int):
    """A clear error for an unknown institution or a year that does not start a window."""
    if codes and institution not in codes:
        raise ValueError(
            f"unknown institution '{institution}'; codes in code_lists.larosaten: "
            + ", ".join(codes)
        )
    if (window - anchor) % length:
        start = anchor + ((window - anchor) // length) * length
        raise ValueError(
            f"--window {window} is not the start of a window: windows are {length} "
            f"years from {anchor} ({start}–{start + length - 1} holds {window}); "
            f"use --window {start}"
        )


def run_section(ctx: Context, entry: tuple) -> Section:
    """Fill one section; a missing mart, an empty slice or an error is said on the page."""
    key, title, title_en, intro, intro_en, fn = entry
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
    return section


def render_page(ctx: Context, sections: list[Section], variables: dict, duckdb_path: Path) -> str:
    """The HTML page from the template, with plotly.js and the CSS inline (works offline)."""
    import plotly
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("report.html.j2")
    return template.render(
        institution=ctx.institution,
        institution_name=ctx.institution_name,
        county_name=ctx.county_name,
        window_label=ctx.window_label,
        window=ctx.window,
        years_after=ctx.years_after,
        sections=sections,
        k=variables.get("sdc_k", 5),
        k_mag=variables.get("sdc_k_magnitude", 10),
        sdc_method=variables.get("sdc_method", "suppression"),
        window_length=ctx.window_length,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        warehouse=str(duckdb_path),
        css=(ASSETS / "report.css").read_text(encoding="utf-8"),
        plotly_js=plotly.offline.get_plotlyjs(),
        plotly_version=plotly.__version__,
    )


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
    """Write ``<out>/rapport_<institution>_<window>.html``; returns its path and the sections."""
    variables = project_vars(project_dir)
    window_length = int(variables.get("window_length") or 6)
    anchor = int(variables.get("window_anchor_year") or 2001)
    wh = Warehouse(duckdb_path)
    try:
        name, county, county_name, codes = institution_info(wh, institution)
        _check_choice(institution, codes, window, anchor, window_length)
        ctx = Context(
            wh, institution, name, county, county_name, window, window_length, years_after
        )
        sections = [run_section(ctx, entry) for entry in SECTIONS]
    finally:
        wh.close()
    page = render_page(ctx, sections, variables, duckdb_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_file or out_dir / f"rapport_{institution}_{window}.html"
    target.write_text(page, encoding="utf-8")
    return target, sections
