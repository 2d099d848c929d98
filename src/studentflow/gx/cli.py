"""The command line: ``studentflow gx`` / ``python -m studentflow.gx``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from studentflow.gx.checkpoints import run
from studentflow.gx.contract import DEFAULT_MAX_ROWS, RAW_CONTRACT, RAW_FORMATS
from studentflow.gx.settings import Settings, read_dbt_vars
from studentflow.gx.summary import render_console


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    """Where the data, the project and the results are, and how much of a file is read."""
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help="raw extracts (default: $STUDENTFLOW_RAW_DIR or var raw_dir)",
    )
    parser.add_argument(
        "--raw-format",
        choices=RAW_FORMATS,
        default=None,
        help="parquet | csv (default: $STUDENTFLOW_RAW_FORMAT or var raw_format)",
    )
    parser.add_argument(
        "--duckdb",
        type=Path,
        default=Path("data/warehouse/studentflow.duckdb"),
        help="warehouse file, opened read-only (default: %(default)s)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("target/gx"),
        help="results folder, git-ignored (default: %(default)s)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=Path("."),
        help="dbt project: vars from dbt_project.yml, code lists from seeds/",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=DEFAULT_MAX_ROWS,
        help="rows per raw extract before sampling; 0 = never sample (default: %(default)s)",
    )


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    """Disclosure settings to override, and which suites to run."""
    parser.add_argument(
        "--sdc-method",
        choices=("suppression", "cell_key"),
        default=None,
        help="override var sdc_method (use when dbt build ran with --vars)",
    )
    parser.add_argument("--sdc-k", type=int, default=None, help="override var sdc_k")
    parser.add_argument(
        "--sdc-k-magnitude", type=int, default=None, help="override var sdc_k_magnitude"
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--raw-only", action="store_true", help="only the raw-extract suites")
    only.add_argument("--marts-only", action="store_true", help="only the published-mart suites")
    parser.add_argument("--no-data-docs", action="store_true", help="skip the HTML data docs")
    parser.add_argument(
        "--extract",
        action="append",
        choices=sorted(RAW_CONTRACT),
        help="check only this raw extract (repeatable; default: all)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studentflow gx",
        description="Great Expectations checkpoints for the raw extracts and the published "
        "marts (results in <out>/summary.md and GX data docs). Exit code 1 on any failure.",
    )
    _add_input_options(parser)
    _add_selection_options(parser)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    dbt_vars = read_dbt_vars(args.project_dir)

    def pick(flag: Any, env: str | None, var: str, default: Any) -> Any:
        if flag is not None:
            return flag
        if env and os.environ.get(env):
            return os.environ[env]
        value = dbt_vars.get(var)
        return default if value is None else value

    raw_dir = Path(pick(args.raw_dir, "STUDENTFLOW_RAW_DIR", "raw_dir", "data/raw"))
    if not raw_dir.is_absolute() and args.raw_dir is None:
        raw_dir = args.project_dir / raw_dir
    return Settings(
        raw_dir=raw_dir,
        duckdb_path=args.duckdb,
        out_dir=args.out,
        seeds_dir=args.project_dir / "seeds",
        raw_format=str(pick(args.raw_format, "STUDENTFLOW_RAW_FORMAT", "raw_format", "parquet")),
        csv_delimiter=str(dbt_vars.get("raw_csv_delimiter", ";")),
        csv_encoding=str(dbt_vars.get("raw_csv_encoding", "latin-1")),
        csv_decimal=str(dbt_vars.get("raw_csv_decimal_separator", ",")),
        max_rows=args.max_rows,
        sdc_method=str(pick(args.sdc_method, None, "sdc_method", "suppression")),
        sdc_k=int(pick(args.sdc_k, None, "sdc_k", 5)),
        sdc_k_magnitude=int(pick(args.sdc_k_magnitude, None, "sdc_k_magnitude", 10)),
        sdc_display=str(dbt_vars.get("sdc_display") or "dots"),
        total_label=str(dbt_vars.get("total_label") or "Totalt"),
        data_docs=not args.no_data_docs,
        extracts=tuple(args.extract) if args.extract else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``python -m studentflow.gx`` / ``studentflow gx``."""
    args = build_parser().parse_args(argv)
    settings = settings_from_args(args)
    if settings.raw_format not in RAW_FORMATS:
        print(
            f"raw format must be one of {RAW_FORMATS}, got {settings.raw_format!r}", file=sys.stderr
        )
        return 2
    success, reports = run(settings, raw=not args.marts_only, marts=not args.raw_only)
    print(render_console(reports))
    docs = settings.out_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    print(
        f"\nGreat Expectations: {'PASS' if success else 'FAIL'} - summary "
        f"{settings.out_dir / 'summary.md'}" + (f", data docs {docs}" if settings.data_docs else "")
    )
    return 0 if success else 1


if __name__ == "__main__":
    sys.exit(main())
