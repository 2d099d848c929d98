"""Code lists read from the seeds: degrees, main fields, research subjects, the
establishment income threshold and SUN levels."""

from __future__ import annotations

import numpy as np

from .. import config as C
from .model import World
from .seeds import read_seed

DEGREE_TYPES = {
    "yrkesexamen": "yrkes",
    "generell examen": "general",
    "konstnärlig examen": "artistic",
}
GENERAL_DEGREES = [
    ("KAND", "kandidatexamen"),
    ("MAST", "masterexamen"),
    ("MAGI", "magisterexamen"),
    ("HOGS", "högskoleexamen"),
]


def find_degree(names: list[str], prefix: str) -> int:
    """Index of the first degree whose (lower-case) name starts with prefix, or -1."""
    for i, nm in enumerate(names):
        if nm.startswith(prefix):
            return i
    return -1


def degrees(w: World, seeds_dir) -> list[str]:
    """Fill the degree fields of w; return the lower-case degree names."""
    ex = read_seed(seeds_dir, "examenskoder")
    ex.sort(key=lambda r: r["degree_code"])
    w.degree_codes = [r["degree_code"] for r in ex]
    w.degree_type = [DEGREE_TYPES.get(r["degree_type"].strip().lower(), "general") for r in ex]
    w.degree_credits = np.array([float(r.get("nominal_credits") or 0) for r in ex])
    names = [r["degree_name"].strip().lower() for r in ex]
    w.general = {k: find_degree(names, p) for k, p in GENERAL_DEGREES}
    w.civing_degree = find_degree(names, "civilingenjörsexamen")
    w.hing_degree = find_degree(names, "högskoleingenjörsexamen")
    if w.general["KAND"] < 0:
        raise ValueError("examenskoder: no 'Kandidatexamen' found")
    return names


def fields(w: World, seeds_dir, rng) -> None:
    """Main fields (huvudområden), their family and a random popularity weight
    (one lognormal draw per field from the world stream)."""
    hv = read_seed(seeds_dir, "huvudomraden")
    hv.sort(key=lambda r: r["main_field_code"])
    w.fields = [r["main_field_code"] for r in hv]
    fam = []
    for r in hv:
        f = C.FIELD_FAMILY.get(r["main_field_code"])
        if f is None:
            area = (r.get("subject_area") or "").lower()
            f = next((v for k, v in C.SUBJECT_AREA_FAMILY.items() if k in area), "humanities")
        fam.append(f)
    w.field_family = fam
    fw = rng.lognormal(0, w.knobs["main_field_spread"], len(w.fields))
    w.field_weight = fw / fw.sum()


def research_and_levels(w: World, seeds_dir) -> None:
    """Research subjects by area ('*' = all), income thresholds, SUN levels."""
    fa = read_seed(seeds_dir, "forskningsamnen")
    w.research_by_area = {}
    for r in sorted(fa, key=lambda r: r["research_subject_code"]):
        area = (r.get("research_area_code") or r["research_subject_code"][0]).strip()
        w.research_by_area.setdefault(area, []).append(r["research_subject_code"])
    w.research_by_area.setdefault("*", [r["research_subject_code"] for r in fa])
    w.thresholds = {
        int(r["year"]): float(r["income_threshold_sek"])
        for r in read_seed(seeds_dir, "etablering_inkomstgrans")
    }
    w.sun_levels = sorted(r["sun_level"] for r in read_seed(seeds_dir, "sun2020_niva"))
