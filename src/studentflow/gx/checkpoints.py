"""Running suites with GX 1.x checkpoints (data source -> asset -> batch definition ->
suite -> validation definition -> checkpoint) and writing the results."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

from studentflow.gx.contract import RAW_CONTRACT
from studentflow.gx.mart_expectations import mart_expectations
from studentflow.gx.raw_expectations import raw_expectations
from studentflow.gx.reading import read_published_marts, read_raw_extract
from studentflow.gx.results import SuiteReport, check_rows, failed_input
from studentflow.gx.settings import Settings, load_seed_codes
from studentflow.gx.summary import render_summary


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import logging

    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def make_context(out_dir: Path):
    """A fresh file data context in ``<out>/gx`` (previous results are replaced)."""
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx_dir = out_dir / "gx"
    if gx_dir.exists() and (gx_dir / "great_expectations.yml").exists():
        shutil.rmtree(gx_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(out_dir))
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.variables.save()
    return context


def run_suite(context, data_source, family: str, table: str, frame, expectations: list):
    """asset -> batch definition -> suite -> validation definition -> checkpoint -> run."""
    import great_expectations as gx

    suite_name = f"{family}.{table}"
    asset = data_source.add_dataframe_asset(name=table)
    batch_definition = asset.add_batch_definition_whole_dataframe(name="whole")
    # expectations passed at construction: one store write instead of one per expectation
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite_name, data=batch_definition, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=suite_name,
            validation_definitions=[validation],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    return SuiteReport(
        suite=suite_name, success=bool(result.success), rows=check_rows(suite_name, result)
    )


def run_raw_suites(context, settings: Settings) -> list[SuiteReport]:
    codes = load_seed_codes(settings.seeds_dir)
    data_source = context.data_sources.add_pandas(name="raw_extracts")
    reports = []
    if settings.raw_dir is None or not settings.raw_dir.is_dir():
        return [failed_input("raw_extracts", f"raw directory not found: {settings.raw_dir}")]
    for name in settings.extracts or tuple(RAW_CONTRACT):
        loaded = read_raw_extract(settings, name)
        if loaded.error:
            reports.append(failed_input(f"raw_extracts.{name}", loaded.error))
            continue
        expectations = raw_expectations(name, codes, settings.raw_format == "csv")
        report = run_suite(context, data_source, "raw_extracts", name, loaded.frame, expectations)
        report.note = loaded.note
        reports.append(report)
    return reports


def run_mart_suites(context, settings: Settings) -> list[SuiteReport]:
    assert settings.duckdb_path is not None
    marts, error = read_published_marts(settings.duckdb_path)
    if error:
        return [failed_input("published_marts", error)]
    data_source = context.data_sources.add_pandas(name="published_marts")
    reports = []
    for name, frame in marts.items():
        report = run_suite(
            context,
            data_source,
            "published_marts",
            name,
            frame,
            mart_expectations(list(frame.columns), settings),
        )
        report.note = f"{len(frame):,} rows"
        reports.append(report)
    return reports


def _build_data_docs(context, settings: Settings) -> str:
    """Where the data docs are, or why they are not (they are a bonus; the summary is the
    result)."""
    try:
        context.build_data_docs()
        index = settings.out_dir / "gx" / "uncommitted" / "data_docs" / "local_site"
        return str(index / "index.html")
    except Exception as error:  # noqa: BLE001 - docs are a bonus, the summary is the result
        return f"(data docs not built: {error})"


def write_results(
    reports: list[SuiteReport], settings: Settings, success: bool, seconds: float, docs: str
) -> None:
    """``<out>/summary.md`` and ``<out>/results.json``."""
    summary = render_summary(reports, settings, seconds)
    if docs:
        summary += f"\nData docs: {docs}\n"
    (settings.out_dir / "summary.md").write_text(summary, encoding="utf-8")
    (settings.out_dir / "results.json").write_text(
        json.dumps(
            {
                "success": success,
                "seconds": round(seconds, 2),
                "suites": [
                    {
                        "suite": r.suite,
                        "success": r.success,
                        "note": r.note,
                        "expectations": [dataclasses.asdict(row) for row in r.rows],
                    }
                    for r in reports
                ],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )


def run(settings: Settings, raw: bool = True, marts: bool = True) -> tuple[bool, list[SuiteReport]]:
    """Run the selected suites, write the results under ``settings.out_dir``."""
    started = time.monotonic()
    context = make_context(settings.out_dir)
    reports: list[SuiteReport] = []
    if raw:
        reports += run_raw_suites(context, settings)
    if marts:
        reports += run_mart_suites(context, settings)
    docs = _build_data_docs(context, settings) if settings.data_docs else ""
    success = bool(reports) and all(r.success for r in reports)
    write_results(reports, settings, success, time.monotonic() - started, docs)
    return success, reports
