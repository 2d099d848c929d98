"""The standard report: one static HTML page per institution and window.

    studentflow report --institution liu --window 2013 [--duckdb ...] [--out output/report]
                       [--years-after 1]

Reads only the published marts of a built warehouse (read-only) and writes
``<out>/rapport_<institution>_<window>.html``: Plotly charts with plotly.js
inline, so the file opens offline in any browser without a server.
Suppressed cells are drawn as hatched '..' bars, never as zero.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_DUCKDB = "data/warehouse/studentflow.duckdb"
DEFAULT_OUT = "output/report"
HELP = "render the standard HTML report (charts, offline) for one institution and window"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `studentflow report` (also used by studentflow.cli)."""
    p.add_argument("--institution", required=True, help="institution code, e.g. liu")
    p.add_argument(
        "--window", required=True, type=int, help="first year of the 6-year window, e.g. 2013"
    )
    p.add_argument(
        "--duckdb",
        type=Path,
        default=Path(os.environ.get("STUDENTFLOW_DUCKDB", DEFAULT_DUCKDB)),
        help=f"warehouse file, opened read-only (default $STUDENTFLOW_DUCKDB or {DEFAULT_DUCKDB})",
    )
    p.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), help=f"default {DEFAULT_OUT}")
    p.add_argument(
        "--years-after",
        type=int,
        default=1,
        choices=[1, 3, 5],
        help="follow-up after graduation for the outcome sections (default 1)",
    )
    p.add_argument(
        "--project-dir",
        type=Path,
        default=Path("."),
        help="dbt project (for window and disclosure settings)",
    )


def run(args: argparse.Namespace) -> int:
    """Run `studentflow report` from parsed arguments; returns the exit code."""
    from .build import build_report

    try:
        path, sections = build_report(
            args.duckdb,
            args.institution,
            args.window,
            args.out,
            years_after=args.years_after,
            project_dir=args.project_dir,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"studentflow report: {exc}", file=sys.stderr)
        return 2
    import html
    import re

    for s in sections:
        message = html.unescape(re.sub(r"<[^>]+>", "", s.message))
        extra = f" -- {message}" if s.status != "ok" else f" ({s.n_figures} chart(s))"
        print(f"  [{s.status:7}] {s.title}{extra}")
    print(f"report written to {path} ({path.stat().st_size / 1e6:.1f} MB, works offline)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studentflow report", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


__all__ = ["main", "run", "add_arguments", "HELP"]
