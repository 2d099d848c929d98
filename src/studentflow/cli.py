"""Command-line interface: ``studentflow <command> [options]``.

Commands are registered in ``COMMANDS`` (name -> (help, add_arguments, run)); to add
one, write the two functions and add an entry.  ``main(argv=None)`` is the
console-script entry point.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

AddArgs = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


# ----------------------------------------------------------------------- generate
def _add_generate(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scale",
        choices=["demo", "adversarial", "region", "national"],
        default="demo",
        help="population size (default: demo, ~45 000 students; adversarial: 5 000 spread "
        "thin, for the disclosure audit)",
    )
    p.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    p.add_argument(
        "--format",
        dest="fmt",
        choices=["parquet", "csv"],
        default="parquet",
        help="file format (default: parquet)",
    )
    p.add_argument("--out", default="data/raw", help="output directory (default: data/raw)")
    p.add_argument(
        "--end-year", type=int, default=2024, help="last calendar year delivered (default: 2024)"
    )
    p.add_argument(
        "--encoding",
        choices=["cp1252", "utf-8"],
        default="cp1252",
        help="text encoding for --format csv (default: cp1252, SCB style)",
    )
    p.add_argument("--delimiter", default=";", help="field delimiter for csv (default: ';')")
    p.add_argument(
        "--decimal",
        choices=["comma", "point"],
        default="comma",
        help="decimal separator for csv (default: comma)",
    )
    p.add_argument(
        "--seeds-dir",
        default="seeds",
        help="directory with the dbt seed code lists (default: seeds)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")


def _run_generate(a: argparse.Namespace) -> int:
    from .generator import generate

    if len(a.delimiter) != 1:
        raise SystemExit("--delimiter must be a single character")
    generate(
        scale=a.scale,
        seed=a.seed,
        out_dir=a.out,
        fmt=a.fmt,
        end_year=a.end_year,
        seeds_dir=a.seeds_dir,
        encoding=a.encoding,
        delimiter=a.delimiter,
        decimal=a.decimal,
        quiet=a.quiet,
    )
    return 0


# -------------------------------------------------------------------------- check
def _add_check(p: argparse.ArgumentParser) -> None:
    p.add_argument("raw_dir", metavar="DIR", help="directory with one file per extract")
    p.add_argument(
        "--format", dest="fmt", choices=["parquet", "csv"], default=None,
        help="file format (default: whichever of <extract>.parquet/.csv is there)",
    )  # fmt: skip
    p.add_argument(
        "--encoding", choices=["utf-8", "latin-1"], default=None,
        help="expected text encoding, as var raw_csv_encoding (default: detect and report)",
    )  # fmt: skip
    p.add_argument("--delimiter", default=None, help="expected delimiter (default: detect)")
    p.add_argument(
        "--decimal", choices=[",", "."], default=None, help="decimal separator (default: detect)"
    )
    p.add_argument(
        "--allow-empty", nargs="*", default=[], metavar="EXTRACT",
        help="optional extracts that may be empty (var raw_allow_empty_extracts)",
    )  # fmt: skip
    p.add_argument(
        "--duplicates", choices=["error", "remove"], default="error",
        help="key duplicates stop the build, or are removed and counted (var raw_duplicate_keys)",
    )  # fmt: skip
    p.add_argument(
        "--orphans-tolerated", type=int, default=0, metavar="N",
        help="persons per extract missing from personer that are tolerated "
        "(var raw_orphan_persons_tolerated, default 0)",
    )  # fmt: skip
    p.add_argument(
        "--json", default=None, metavar="FILE", help="also write the report as JSON (for CI)"
    )
    p.add_argument(
        "--project-dir", default=".", help="project root with models/ and seeds/ (default: .)"
    )
    p.add_argument(
        "--no-cache", action="store_true",
        help="read everything even when the same bytes passed before "
        "(cache: env STUDENTFLOW_CHECK_CACHE, default target/delivery_check_cache.json)",
    )  # fmt: skip


def _run_check(a: argparse.Namespace) -> int:
    from pathlib import Path

    from .delivery import Settings, check_delivery
    from .delivery.cache import default_path as default_cache_path
    from .delivery.contract import load_sources_yaml

    project = Path(a.project_dir)
    settings = Settings(
        fmt=a.fmt,
        encoding=a.encoding,
        delimiter=a.delimiter,
        decimal=a.decimal,
        allow_empty=list(a.allow_empty),
        duplicates=a.duplicates,
        orphans_tolerated=a.orphans_tolerated,
        seeds_dir=str(project / "seeds") if (project / "seeds").is_dir() else None,
    )
    cache = None if a.no_cache else default_cache_path()
    report = check_delivery(a.raw_dir, load_sources_yaml(project), settings, cache=cache)
    print(report.to_text())
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(report.to_json(), encoding="utf-8")
        print(f"JSON report: {a.json}")
    return 0 if report.ok else 1


#: name -> (help text, add_arguments, run).  Others add export/report/gx/bench here.
COMMANDS: dict[str, tuple[str, AddArgs, Run]] = {
    "generate": ("write synthetic raw register extracts", _add_generate, _run_generate),
    "check": ("check a delivery of raw extracts without building anything", _add_check, _run_check),
}


#: Commands implemented by a module with its own ``main(argv)``: the CLI forwards
#: everything after the command name, so each module owns its options.
FORWARDED: dict[str, tuple[str, str]] = {
    "gx": ("studentflow.gx", "Great Expectations checkpoints on raw extracts and marts"),
    "export": ("studentflow.export", "export published marts to Parquet/CSV with a dictionary"),
    "report": ("studentflow.report", "render the standard HTML report for an institution"),
    "bench": ("studentflow.bench", "national-scale benchmark: build times, memory, floor"),
    "sdc-report": ("studentflow.sdc_report", "cells suppressed per mart and rule"),
    "audit": ("studentflow.audit.__main__", "attack the published marts: provable intervals by LP"),
    "keep-release": ("studentflow.release", "keep a release's published marts for the next audit"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studentflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (help_, add, _run) in COMMANDS.items():
        add(sub.add_parser(name, help=help_, description=help_))
    for name, (_module, help_) in FORWARDED.items():
        sub.add_parser(name, help=help_, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in FORWARDED:
        import importlib

        module = importlib.import_module(FORWARDED[argv[0]][0])
        return module.main(argv[1:]) or 0
    args = build_parser().parse_args(argv)
    _help, _add, run = COMMANDS[args.command]
    return run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
