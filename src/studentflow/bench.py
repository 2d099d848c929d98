"""`make bench`: a full national build on this machine, measured.

Generates (or reuses) the national-scale extracts as Parquet under an ignored
folder, runs the full `dbt build` on them, optionally the annual incremental
update (one more year of data), and prints one table: generator time, build
time per layer and in total, the linked suppression and the audit of the
published marts, peak memory of the build process, rows per
extract and per mart, and the 'floor' - the time DuckDB needs to read every
raw extract once, the physical lower bound of any full rebuild. The figures
are appended to benchmarks/results.csv and benchmarks/results.md so the
history is kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from studentflow.release import keep as keep_release
from studentflow.sdc import held

PROJECT = Path(__file__).resolve().parents[2]
EXTRACTS = [
    "personer",
    "folkbokforing",
    "utvandringar",
    "utbildningsniva",
    "gymnasieexamina",
    "program",
    "registreringar",
    "examina",
    "forskarexamina",
    "sysselsattning",
    "befolkning_kommun",
]
SDC_ENGINE = "int_sdc_cells_suppressed"  # the linked secondary suppression (Python model)
LAYERS = [
    ("seeds", "seeds/"),
    ("staging", "models/staging/"),
    ("intermediate", "models/intermediate/"),
    ("aggregates", "models/aggregates/"),
    ("marts", "models/marts/"),
    ("data quality", "models/data_quality/"),
]


def _venv_bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Run a child process; return (seconds, its own peak RSS in bytes, exit code).

    os.wait4 gives the resource usage of exactly this child (dbt runs DuckDB
    in-process, so this is the build's memory), not of earlier children. Linux
    counts the child's own waited-for children too: for the audit, the figure is
    the largest of its main process and its workers.
    """
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=PROJECT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def _run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak RSS bytes) of a child process that must succeed."""
    seconds, peak, code = run_measured(cmd, env)
    if code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}")
    return seconds, peak


def generate(raw_dir: Path, scale: str, seed: int, end_year: int | None, env) -> float:
    cmd = [_venv_bin("studentflow"), "generate", "--scale", scale, "--seed", str(seed)]
    cmd += ["--out", str(raw_dir), "--format", "parquet"]
    if end_year:
        cmd += ["--end-year", str(end_year)]
    seconds, _ = _run_timed(cmd, env)
    return seconds


def floor_seconds(raw_dir: Path, threads: int, memory_limit: str) -> float:
    """Read every column of every extract once: the lower bound of a full rebuild."""
    con = duckdb.connect()
    con.execute(f"set threads = {threads}; set memory_limit = '{memory_limit}'")
    start = time.perf_counter()
    for name in EXTRACTS:
        path = raw_dir / f"{name}.parquet"
        columns = [row[0] for row in con.execute(f"describe select * from '{path}'").fetchall()]
        # hash every value: count(column) can be answered from Parquet statistics
        # without decoding a single page, which once reported a 1.6 s "floor"
        values = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"select sum(hash({values})) from '{path}'").fetchall()
    return time.perf_counter() - start


def extract_rows(raw_dir: Path) -> dict[str, int]:
    con = duckdb.connect()
    return {
        name: con.execute(f"select count(*) from '{raw_dir / (name + '.parquet')}'").fetchone()[0]
        for name in EXTRACTS
    }


def mart_rows(database: Path) -> dict[str, int]:
    con = duckdb.connect(str(database), read_only=True)
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'published' "
        "order by table_name"
    ).fetchall()
    return {
        t: con.execute(f'select count(*) from published."{t}"').fetchone()[0] for (t,) in tables
    }


def layer_times(run_results: Path, manifest: Path) -> dict[str, float]:
    """Sum of node execution times per layer (tests as their own layer)."""
    results = json.loads(run_results.read_text())["results"]
    nodes = json.loads(manifest.read_text())["nodes"]
    totals: dict[str, float] = {}
    for result in results:
        node = nodes.get(result["unique_id"], {})
        if node.get("resource_type") in ("test", "unit_test") or result["unique_id"].startswith(
            ("test.", "unit_test.")
        ):
            layer = "tests"
        else:
            path = node.get("original_file_path", "")
            layer = next((name for name, prefix in LAYERS if path.startswith(prefix)), "other")
        totals[layer] = totals.get(layer, 0.0) + float(result.get("execution_time") or 0.0)
    return totals


def model_seconds(run_results: Path, name: str) -> float:
    """One model's execution time in a run (0 when it did not run)."""
    results = json.loads(run_results.read_text())["results"]
    found = [r for r in results if r["unique_id"] == f"model.studentflow.{name}"]
    return round(float(found[0].get("execution_time") or 0.0), 1) if found else 0.0


def engine_components(database: Path) -> dict[str, int]:
    """How many components of the linked suppression this build solved and how many
    kept their stored decision (int_sdc_cells_suppressed.component_reused)."""
    con = duckdb.connect(str(database), read_only=True)
    solved, reused = con.execute(
        "select count(distinct component_hash) filter (where not component_reused), "
        "count(distinct component_hash) filter (where component_reused) "
        f"from intermediate.{SDC_ENGINE}"
    ).fetchone()
    con.close()
    return {"components_solved": solved, "components_reused": reused}


def save_decisions(database: Path, path: Path) -> None:
    """The build's suppression state and exact count per cell, kept as a file
    (what var sdc_previous_decisions reads) to compare the next release with."""
    con = duckdb.connect(str(database), read_only=True)
    con.execute(
        f"copy (select {', '.join(held.COLUMNS)} from intermediate.{SDC_ENGINE}) "
        f"to '{path}' (format parquet)"
    )
    con.close()


def state_changes(database: Path, last: Path) -> str:
    """Of the cells whose count did not change since the decisions in ``last``:
    how many went from published to suppressed, how many the other way, of how
    many (the held decisions, docs block linked_suppression_held)."""
    con = duckdb.connect(str(database), read_only=True)
    hidden, shown, same = con.execute(
        "select count(*) filter (where now.is_suppressed and not last.is_suppressed), "
        "count(*) filter (where last.is_suppressed and not now.is_suppressed), count(*) "
        f"from intermediate.{SDC_ENGINE} as now "
        f"join read_parquet('{last}') as last using (mart, cell_id) "
        "where now.n_exact = last.n_exact"
    ).fetchone()
    con.close()
    return f"{hidden} hidden, {shown} shown of {same}"


def run_audit(database: Path, out: Path, env, extra=()) -> tuple[float, bool, int]:
    """`studentflow audit` on the published marts: (seconds, passed, peak RSS bytes).
    It keeps the LP results per component in ``out`` and reuses those of unchanged
    components."""
    cmd = [_venv_bin("studentflow"), "audit", "--duckdb", str(database), "--out", str(out)]
    seconds, peak, code = run_measured([*cmd, *extra], env)
    return seconds, code == 0, peak


# the audits across two releases (audit/last_release.py), by their figures' names
ACROSS = "incremental_audit_across_releases"  # the update, the last release known
BACKWARD = "last_release_audit_with_update"  # the last release, the update known


def _across_releases(figures: dict, name: str, database: Path, last: Path, out: Path, env) -> None:
    """The audit of the release in ``database`` with the published counts of the
    release in ``last`` known too: what the two releases give away together."""
    (out / "summary.json").unlink(missing_ok=True)
    seconds, passed, peak = run_audit(database, out, env, ["--last-release", str(last)])
    figures[f"{name}_s"] = round(seconds, 1)
    figures[f"{name}_passed"] = passed
    figures[f"{name}_peak_rss_gib"] = round(peak / 2**30, 2)
    if not (out / "summary.json").is_file():
        # the audit stopped: the figures measured so far are kept all the same
        figures[f"{name}_revealed"] = "the audit stopped"
        return
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    figures[f"{name}_revealed"] = summary["revealed_by_last_release"]
    figures[f"{name}_leaks"] = (
        f"{summary['determined_exactly']} exact, {summary['provably_small']} small, "
        f"{summary['means_derivable']} means"
    )


def audit_slices_kept(out: Path) -> str:
    """'kept of all' slices of the last audit into ``out`` (its summary.json)."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return f"{summary.get('slices_kept', 0)} of {summary.get('slices', 0)}"


def slowest_models(run_results: Path, n: int = 3) -> list[tuple[str, float]]:
    results = json.loads(run_results.read_text())["results"]
    models = [(r["unique_id"], float(r.get("execution_time") or 0.0)) for r in results]
    models = [m for m in models if m[0].startswith("model.")]
    return sorted(models, key=lambda m: -m[1])[:n]


def models_text(models: list[tuple[str, float]]) -> str:
    """Models and their seconds on one line (a figure of results.csv)."""
    return "; ".join(f"{unique_id.split('.')[-1]} {seconds:.1f}s" for unique_id, seconds in models)


def dbt_build(database: Path, raw_dir: Path, target_dir: Path, env, extra: list[str]):
    """Run `dbt build`; return (seconds, peak RSS bytes)."""
    env = dict(env, STUDENTFLOW_DUCKDB=str(database), STUDENTFLOW_RAW_DIR=str(raw_dir))
    cmd = [_venv_bin("dbt"), "build", "--target-path", str(target_dir), *extra]
    return _run_timed(cmd, env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studentflow bench", description=__doc__)
    parser.add_argument("--scale", default="national")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work-dir", default="data/bench", type=Path)
    parser.add_argument("--end-year", type=int, default=2024)
    parser.add_argument("--memory-limit", default=os.environ.get("STUDENTFLOW_MEMORY_LIMIT", "6GB"))
    parser.add_argument(
        "--threads", type=int, default=int(os.environ.get("STUDENTFLOW_THREADS", "2"))
    )
    parser.add_argument(
        "--dbt-threads",
        type=int,
        default=1,
        help="models built at once (1: each large model gets the whole memory limit)",
    )
    parser.add_argument("--skip-incremental", action="store_true")
    parser.add_argument("--results-dir", default=PROJECT / "benchmarks", type=Path)
    return parser


def _machine(args: argparse.Namespace) -> dict[str, object]:
    """The figures that say what ran where."""
    return {
        "date": dt.date.today().isoformat(),
        "scale": args.scale,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "memory_limit": args.memory_limit,
        "dbt_threads": args.dbt_threads,
    }


def _generate_first(figures: dict, args: argparse.Namespace, raw_dir: Path, env) -> None:
    """The raw data, one year short when the incremental update is measured too (reused when
    a marker says it is complete); then the delivery check."""
    first_end = args.end_year if args.skip_incremental else args.end_year - 1
    marker = raw_dir / f".complete-{args.seed}-{first_end}"
    if marker.exists():
        figures["generator_s"] = "reused"
    else:
        figures["generator_s"] = round(generate(raw_dir, args.scale, args.seed, first_end, env), 1)
        marker.touch()
    # issue 12's budget: the whole delivery checked in under 60 s (dbt build runs it too)
    figures["delivery_check_s"] = round(
        _run_timed([_venv_bin("studentflow"), "check", str(raw_dir), "--no-cache"], env)[0], 1
    )


def _full_build(figures: dict, args, raw_dir: Path, database: Path, target_dir: Path, env):
    """A full build from scratch: times per layer, peak memory, and the floor; returns
    (seconds, slowest models)."""
    database.unlink(missing_ok=True)
    full_s, peak = dbt_build(database, raw_dir, target_dir, env, ["--full-refresh"])
    figures["build_total_s"] = round(full_s, 1)
    figures["peak_rss_gib"] = round(peak / 2**30, 2)
    _layer_figures(figures, target_dir, "layer")
    slowest = slowest_models(target_dir / "run_results.json")
    figures["sdc_engine_s"] = model_seconds(target_dir / "run_results.json", SDC_ENGINE)
    for name, count in engine_components(database).items():
        figures[f"sdc_{name}"] = count
    for stored in ("lp_cache.pickle", "slices.pickle"):  # the full build's audit from scratch
        (target_dir.parent / "audit" / stored).unlink(missing_ok=True)
    audit_s, passed, audit_peak = run_audit(database, target_dir.parent / "audit", env)
    figures["audit_s"] = round(audit_s, 1)
    figures["audit_passed"] = passed
    figures["audit_peak_rss_gib"] = round(audit_peak / 2**30, 2)
    figures["build_with_audit_s"] = round(full_s + audit_s, 1)
    figures["floor_s"] = round(floor_seconds(raw_dir, args.threads, args.memory_limit), 1)
    figures["build_to_floor"] = round(full_s / max(figures["floor_s"], 0.01), 1)
    return full_s, slowest


def _layer_figures(figures: dict, target_dir: Path, prefix: str) -> None:
    """The last build's seconds per layer (``<prefix>_<layer>_s``, from its run_results.json)."""
    layers = layer_times(target_dir / "run_results.json", target_dir / "manifest.json")
    for name, seconds in layers.items():
        figures[f"{prefix}_{name}_s"] = round(seconds, 1)


def published_windows(database: Path) -> set[int]:
    """Every window (window_start_year) some published mart has a row for."""
    con = duckdb.connect(str(database), read_only=True)
    tables = con.execute(
        "select table_name from information_schema.columns where table_schema = 'published' "
        "and column_name = 'window_start_year'"
    ).fetchall()
    found = set()
    for (table,) in tables:
        rows = con.execute(f'select distinct window_start_year from published."{table}"')
        found.update(int(start) for (start,) in rows.fetchall() if start is not None)
    con.close()
    return found


def _copy_warehouse(database: Path, copy: Path) -> None:
    """A closed DuckDB file, with its write-ahead log where one was left."""
    shutil.copyfile(database, copy)
    wal, copied_wal = Path(f"{database}.wal"), Path(f"{copy}.wal")
    copied_wal.unlink(missing_ok=True)
    if wal.exists():
        shutil.copyfile(wal, copied_wal)


def _incremental(figures: dict, args, raw_dir: Path, database: Path, target_dir: Path, env, full_s):
    """One more year delivered, then an incremental build."""
    last_release = target_dir.parent / "decisions_last_release.parquet"
    save_decisions(database, last_release)
    kept_release = target_dir.parent / "last_release.duckdb"
    keep_release(database, kept_release)
    # the last release's whole warehouse: its exact counts, for the audit the
    # other way round (the update updates ``database`` in place)
    last_warehouse = target_dir.parent / "last_warehouse.duckdb"
    _copy_warehouse(database, last_warehouse)
    windows_before = published_windows(database)
    start = time.perf_counter()
    generate(raw_dir, args.scale, args.seed, args.end_year, env)
    figures["generator_one_more_year_s"] = round(time.perf_counter() - start, 1)
    for old in raw_dir.glob(".complete-*"):
        old.unlink()
    (raw_dir / f".complete-{args.seed}-{args.end_year}").touch()
    incremental_s, incremental_peak = dbt_build(database, raw_dir, target_dir, env, [])
    figures["incremental_peak_rss_gib"] = round(incremental_peak / 2**30, 2)
    figures["incremental_s"] = round(incremental_s, 1)
    # a window is published once its last year is delivered (docs block
    # complete_windows): an update that completes one decides all its periods anew
    new_windows = sorted(published_windows(database) - windows_before)
    figures["incremental_new_windows"] = " ".join(map(str, new_windows)) or "none"
    _layer_figures(figures, target_dir, "incremental_layer")
    figures["incremental_slowest_models"] = models_text(
        slowest_models(target_dir / "run_results.json")
    )
    # unchanged periods keep their stored suppression (sdc/reuse.py)
    figures["incremental_sdc_engine_s"] = model_seconds(target_dir / "run_results.json", SDC_ENGINE)
    for name, count in engine_components(database).items():
        figures[f"incremental_sdc_{name}"] = count
    # cells whose count did not change keep last release's state (sdc/held.py)
    figures["incremental_sdc_same_count_state_changes"] = state_changes(database, last_release)
    audit_s, passed, audit_peak = run_audit(database, target_dir.parent / "audit", env)
    figures["incremental_audit_s"] = round(audit_s, 1)
    figures["incremental_audit_passed"] = passed
    figures["incremental_audit_peak_rss_gib"] = round(audit_peak / 2**30, 2)
    # periods whose published rows did not change keep their result (audit/slices.py)
    figures["incremental_audit_slices_kept"] = audit_slices_kept(target_dir.parent / "audit")
    _across_releases(
        figures, ACROSS, database, kept_release, target_dir.parent / "audit_across", env
    )
    _across_releases(
        figures, BACKWARD, last_warehouse, database, target_dir.parent / "audit_backward", env
    )
    figures["incremental_with_audit_share"] = round(
        (incremental_s + audit_s) / figures["build_with_audit_s"], 2
    )
    figures["incremental_share"] = round(incremental_s / full_s, 2)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    work = (PROJECT / args.work_dir).resolve()
    raw_dir = work / f"{args.scale}_raw"
    database = work / f"{args.scale}.duckdb"
    target_dir = work / "target"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        STUDENTFLOW_MEMORY_LIMIT=args.memory_limit,
        STUDENTFLOW_THREADS=str(args.threads),
        STUDENTFLOW_DBT_THREADS=str(args.dbt_threads),
    )
    figures = _machine(args)
    _generate_first(figures, args, raw_dir, env)
    full_s, slowest = _full_build(figures, args, raw_dir, database, target_dir, env)
    if not args.skip_incremental:
        _incremental(figures, args, raw_dir, database, target_dir, env, full_s)
    rows = extract_rows(raw_dir)
    marts = mart_rows(database)
    print_table(figures, rows, marts, slowest)
    record(args.results_dir, figures, rows, marts, slowest)
    return 0


def print_table(figures, rows, marts, slowest) -> None:
    width = max(len(k) for k in [*figures, *rows, *marts]) + 2
    print("\nstudentflow benchmark")
    for key, value in figures.items():
        print(f"  {key:<{width}} {value}")
    print("  rows per extract")
    for key, value in rows.items():
        print(f"    {key:<{width}} {value:>12,}")
    print("  rows per published mart")
    for key, value in marts.items():
        print(f"    {key:<{width}} {value:>12,}")
    print("  slowest models")
    for unique_id, seconds in slowest:
        print(f"    {unique_id:<{width + 30}} {seconds:8.1f} s")


def record(results_dir: Path, figures, rows, marts, slowest) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    csv_path = results_dir / "results.csv"
    flat = dict(figures)
    flat.update({f"rows_{k}": v for k, v in rows.items()})
    flat["rows_published_total"] = sum(marts.values())
    flat["slowest_models"] = models_text(slowest)
    existing = []
    if csv_path.exists():
        with csv_path.open() as handle:
            existing = list(csv.DictReader(handle))
    fieldnames = list(dict.fromkeys([*(existing[0].keys() if existing else []), *flat.keys()]))
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows([*existing, flat])
    with (results_dir / "results.md").open("a") as handle:
        handle.write(f"\n## {figures['date']} — {figures['scale']}, {figures['cores']} cores, ")
        handle.write(f"{figures['memory_gib']} GiB\n\n| figure | value |\n|---|---|\n")
        for key, value in flat.items():
            handle.write(f"| {key} | {value} |\n")


if __name__ == "__main__":
    raise SystemExit(main())
