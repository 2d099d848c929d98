"""The results as text: the markdown summary (``<out>/summary.md``) and the console lines."""

from __future__ import annotations

from collections.abc import Sequence

from studentflow.gx.results import SuiteReport
from studentflow.gx.settings import Settings


def render_summary(reports: Sequence[SuiteReport], settings: Settings, seconds: float) -> str:
    failed = [r for r in reports if not r.success]
    lines = [
        "# Great Expectations results",
        "",
        f"- overall: **{'PASS' if not failed else 'FAIL'}** "
        f"({len(reports) - len(failed)} of {len(reports)} suites passed, {seconds:.1f} s)",
        f"- disclosure settings: sdc_method={settings.sdc_method}, k={settings.sdc_k}, "
        f"k_magnitude={settings.sdc_k_magnitude}, display={settings.sdc_display}",
        f"- raw: {settings.raw_dir} ({settings.raw_format}); warehouse: {settings.duckdb_path}",
        "",
        "| suite | expectation | column | rule | success | unexpected | detail |",
        "|---|---|---|---|---|---|---|",
    ]

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    for report in reports:
        for row in report.rows:
            unexpected = "" if row.unexpected is None else str(row.unexpected)
            lines.append(
                f"| {row.suite} | {row.expectation} | {row.column} | {cell(row.rule)} | "
                f"{'ok' if row.success else '**FAIL**'} | {unexpected} | {cell(row.detail)} |"
            )
    lines += ["", "## Suites", ""]
    for report in reports:
        n_failed = sum(not r.success for r in report.rows)
        status = "PASS" if report.success else f"FAIL ({n_failed} failed)"
        lines.append(
            f"- {report.suite}: {status}; {len(report.rows)} expectations"
            + (f"; {report.note}" if report.note else "")
        )
    return "\n".join(lines) + "\n"


def render_console(reports: Sequence[SuiteReport]) -> str:
    """Short stdout version: one line per suite, then every failed expectation."""
    lines = []
    for report in reports:
        n_failed = sum(not r.success for r in report.rows)
        lines.append(
            f"{'PASS' if report.success else 'FAIL'}  {report.suite:<45} "
            f"{len(report.rows) - n_failed}/{len(report.rows)} ok"
            + (f"  [{report.note}]" if report.note else "")
        )
        for row in report.rows:
            if not row.success:
                unexpected = "" if row.unexpected is None else f" unexpected={row.unexpected}"
                rule = f" [{row.rule}]" if row.rule else ""
                lines.append(
                    f"      x {row.expectation} ({row.column}){rule}{unexpected} {row.detail}"
                )
    return "\n".join(lines)
