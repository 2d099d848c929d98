"""`studentflow audit` / `python -m studentflow.audit`: the attacker's command line.

    studentflow audit --duckdb data/warehouse/studentflow.duckdb [--score]

Reads the published schema (read-only), sdc/linked_tables.yml and, for its
window_sums, the years' exact counts in the aggregates schema; exit
status 1 when any protected cell is determined exactly, any count proven to
lie in 1..k-1, any suppressed mean derivable, or a published mart undeclared.
--score joins the exact aggregates afterwards, for the report only.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from studentflow.audit import report
from studentflow.audit.run import AuditOptions, run_audit, score


def _default_k(project: Path = Path("dbt_project.yml")) -> int:
    if project.exists():
        found = re.search(r"^\s*sdc_k:\s*(\d+)", project.read_text(encoding="utf-8"), re.M)
        if found:
            return int(found.group(1))
    return 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studentflow audit", description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", default="data/warehouse/studentflow.duckdb")
    parser.add_argument("--linked-tables", default="sdc/linked_tables.yml")
    parser.add_argument("--k", type=int, default=None, help="threshold (default: var sdc_k)")
    parser.add_argument("--out", default="target/audit", help="worst_cases.csv, summary.json")
    parser.add_argument("--mart", action="append", help="audit only these marts (repeatable)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes solving components (default 2; the result does not depend on it)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="attack every component again (default: keep the results of the periods and "
        "reuse the LP results of the components unchanged since the last audit into --out, "
        "from its slices.pickle and lp_cache.pickle)",
    )
    parser.add_argument(
        "--score", action="store_true", help="compare with the exact aggregates (reporting only)"
    )
    parser.add_argument(
        "--last-release",
        type=Path,
        help="the last release's DuckDB file (a warehouse, or one `studentflow keep-release` "
        "wrote): the attacker knows the counts it published too, where a cell's count did "
        "not change",
    )
    args = parser.parse_args(argv)
    k = args.k or _default_k()
    # the slices' results are kept for the report's figures; --score, --mart and
    # --last-release need every published cell of this run
    keep = not (args.no_cache or args.score or args.mart or args.last_release)
    options = AuditOptions(args.workers, None if args.no_cache else Path(args.out), keep)
    result, manifest, con = run_audit(
        args.duckdb, args.linked_tables, k, args.mart, options, args.last_release
    )
    cells, checks = None, None
    if args.score:
        cells, checks = score(con, manifest, result)
    data = report.write(result, Path(args.out), cells, checks)
    print(report.render(result, data))
    return 1 if result.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
