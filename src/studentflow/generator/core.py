"""generate(): orchestrates world building, cohort simulation and writing."""

from __future__ import annotations

import sys
import time

from . import config as C
from .output import EXTRACTS, DeliveryWriter, to_table
from .population import befolkning
from .sim import sampling_fraction, simulate_cohort
from .world import build_world

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
    if scale not in C.SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(C.SCALES)}")
    if fmt not in ("parquet", "csv"):
        raise ValueError("fmt must be 'parquet' or 'csv'")
    if decimal not in ("comma", "point"):
        raise ValueError("decimal must be 'comma' or 'point'")
    sc = C.SCALES[scale]
    if end_year < sc["first_cohort"]:
        raise ValueError(f"end_year must be >= {sc['first_cohort']} for scale {scale}")
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

    t = time.perf_counter()
    cat = w.cat
    writer.write(
        "program",
        to_table(
            "program",
            {
                "Larosate": ("vocab", w.inst_codes, cat.inst),
                "Programkod": ("prog", list(range(len(prog_codes)))),
                "Programnamn": ("vocab", cat.name, list(range(len(prog_codes)))),
                "Examenskod": ("vocab", w.degree_codes, cat.degree),
                "Niva": ("vocab", ["G", "A"], [1 if x == "A" else 0 for x in cat.niva]),
            },
            prog_codes,
        ),
    )
    secs["program"] += time.perf_counter() - t

    sim_secs = 0.0
    cohorts = range(sc["first_cohort"], end_year + 1)
    for c in cohorts:
        t = time.perf_counter()
        chunk = simulate_cohort(w, c, end_year)
        sim_secs += time.perf_counter() - t
        for e in COHORT_EXTRACTS:
            t = time.perf_counter()
            writer.write(e, to_table(e, chunk[e], prog_codes))
            secs[e] += time.perf_counter() - t
        del chunk
        if scale == "national":
            log(f"  cohort {c} simulated ({time.perf_counter() - t_all:.0f} s)")

    t = time.perf_counter()
    first_pop = max(C.KNOBS["first_register_year"], sc["first_cohort"] - 1)
    writer.write(
        "befolkning_kommun",
        to_table(
            "befolkning_kommun",
            befolkning(w, first_pop, end_year, sampling_fraction(w)),
            prog_codes,
        ),
    )
    secs["befolkning_kommun"] += time.perf_counter() - t
    t = time.perf_counter()
    writer.close()
    close_secs = time.perf_counter() - t
    counts = {e: writer.rows.get(e, 0) for e in EXTRACTS}
    log(f"  {'simulation (all cohorts)':<26}{'':>14}{sim_secs:8.1f} s")
    for e in EXTRACTS:
        log(f"  {e:<26}{counts[e]:>14,} rows{secs[e]:8.1f} s")
    total_bytes = sum(writer.path(e).stat().st_size for e in EXTRACTS if writer.path(e).exists())
    log(
        f"  {'total':<26}{sum(counts.values()):>14,} rows{time.perf_counter() - t_all:8.1f} s"
        f"  ({total_bytes / 1e6:.1f} MB, final flush {close_secs:.1f} s)"
    )
    return counts
