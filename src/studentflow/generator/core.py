"""generate(): orchestrates world building, cohort simulation and writing."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from . import config as C
from .delivery_start import within_delivery
from .output import EXTRACTS, DeliveryWriter, to_table
from .population import befolkning
from .sim import sampling_fraction, simulate_cohort
from .world import World, build_world

COHORT_EXTRACTS = [
    "personer",
    "folkbokforing",
    "utvandringar",
    "utbildningsniva",
    "gymnasieexamina",
    "registreringar",
    "examina",
    "forskarexamina",
    "sysselsattning",
]


def generate(
    scale: str = "demo",
    seed: int = 42,
    out_dir="data/raw",
    fmt: str = "parquet",
    end_year: int = 2024,
    seeds_dir="seeds",
    encoding: str = "cp1252",
    delimiter: str = ";",
    decimal: str = "comma",
    quiet: bool = False,
    knobs: dict | None = None,
) -> dict:
    """Write one file per extract into out_dir; return {extract: row count}.

    Deterministic: same arguments give byte-identical files.  Prefix-stable in
    end_year: see docs/generator.md ('one more year')."""
    sc = _check_arguments(scale, fmt, decimal, end_year)
    t_all = time.perf_counter()
    log = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    w = build_world(seeds_dir, scale, int(seed), knobs)
    log(
        f"studentflow generate: scale={scale} seed={seed} end_year={end_year} "
        f"format={fmt} -> {out_dir}"
    )
    writer = DeliveryWriter(out_dir, fmt, encoding, delimiter, decimal)
    secs = {e: 0.0 for e in EXTRACTS}
    prog_codes = list(w.cat.code)
    with _timer(secs, "program"):
        writer.write("program", _program_table(w, prog_codes))
    # cohorts before the first are simulated only for what the delivery holds of them
    cohorts = range(sc["first_cohort"] - sc.get("history_cohorts", 0), end_year + 1)
    sim_secs = _write_cohorts(w, cohorts, end_year, writer, prog_codes, secs, log, t_all)
    first_pop = max(C.KNOBS["first_register_year"], sc["first_cohort"] - 1)
    with _timer(secs, "befolkning_kommun"):
        pop = befolkning(w, first_pop, end_year, sampling_fraction(w))
        writer.write("befolkning_kommun", to_table("befolkning_kommun", pop, prog_codes))
    t = time.perf_counter()
    writer.close()
    close_secs = time.perf_counter() - t
    counts = {e: writer.rows.get(e, 0) for e in EXTRACTS}
    _log_summary(log, writer, counts, secs, sim_secs, close_secs, t_all)
    return counts


def _check_arguments(scale: str, fmt: str, decimal: str, end_year: int) -> dict:
    """The scale's settings; ValueError for an unknown option."""
    if scale not in C.SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(C.SCALES)}")
    if fmt not in ("parquet", "csv"):
        raise ValueError("fmt must be 'parquet' or 'csv'")
    if decimal not in ("comma", "point"):
        raise ValueError("decimal must be 'comma' or 'point'")
    sc = C.SCALES[scale]
    if end_year < sc["first_cohort"]:
        raise ValueError(f"end_year must be >= {sc['first_cohort']} for scale {scale}")
    return sc


@contextmanager
def _timer(secs: dict, extract: str):
    """Add the block's wall time to secs[extract]."""
    t = time.perf_counter()
    yield
    secs[extract] += time.perf_counter() - t


def _program_table(w: World, prog_codes: list):
    """The programme catalogue as the 'program' extract."""
    cat = w.cat
    return to_table(
        "program",
        {
            "Larosate": ("vocab", w.inst_codes, cat.inst),
            "Programkod": ("prog", list(range(len(prog_codes)))),
            "Programnamn": ("vocab", cat.name, list(range(len(prog_codes)))),
            "Examenskod": ("vocab", w.degree_codes, cat.degree),
            "Niva": ("vocab", ["G", "A"], [1 if x == "A" else 0 for x in cat.niva]),
        },
        prog_codes,
    )


def _write_cohorts(w, cohorts, end_year, writer, prog_codes, secs, log, t_all) -> float:
    """Simulate and write cohort by cohort (memory: one cohort at a time); returns
    the seconds spent simulating."""
    sim_secs = 0.0
    for c in cohorts:
        t = time.perf_counter()
        chunk = simulate_cohort(w, c, end_year)
        sim_secs += time.perf_counter() - t
        tables = {}
        for e in COHORT_EXTRACTS:
            with _timer(secs, e):
                tables[e] = to_table(e, chunk[e], prog_codes)
        del chunk
        first = C.SCALES[w.scale]["first_cohort"]
        if c < first:
            tables = within_delivery(tables, first)
        for e in COHORT_EXTRACTS:
            with _timer(secs, e):
                writer.write(e, tables[e])
        del tables
        if w.scale == "national":
            log(f"  cohort {c} simulated ({time.perf_counter() - t_all:.0f} s)")
    return sim_secs


def _log_summary(log, writer, counts, secs, sim_secs, close_secs, t_all) -> None:
    log(f"  {'simulation (all cohorts)':<26}{'':>14}{sim_secs:8.1f} s")
    for e in EXTRACTS:
        log(f"  {e:<26}{counts[e]:>14,} rows{secs[e]:8.1f} s")
    total_bytes = sum(writer.path(e).stat().st_size for e in EXTRACTS if writer.path(e).exists())
    log(
        f"  {'total':<26}{sum(counts.values()):>14,} rows{time.perf_counter() - t_all:8.1f} s"
        f"  ({total_bytes / 1e6:.1f} MB, final flush {close_secs:.1f} s)"
    )
