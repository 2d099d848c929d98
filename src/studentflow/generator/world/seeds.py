"""Reading the dbt seed code lists (the single source of truth for every code)."""

from __future__ import annotations

import csv
from pathlib import Path

UNKNOWN = "Okänt"

REQUIRED_SEEDS = {
    "kommuner": ["kommun_code", "kommun_name", "lan_code", "population_2024"],
    "lan": ["lan_code"],
    "larosaten": ["larosate_code", "seat_kommun_code", "lan_code"],
    "sun2020_niva": ["sun_level"],
    "sni2007_huvudgrupper": ["sni_division", "sni_section"],
    "ssyk2012_yrkesgrupper": ["ssyk_code"],
    "sektorer": ["sector_code"],
    "matchning": ["matching_code"],
    "examenskoder": ["degree_code", "degree_name", "degree_type"],
    "huvudomraden": ["main_field_code", "main_field_name"],
    "forskningsamnen": ["research_subject_code"],
    "etablering_inkomstgrans": ["year", "income_threshold_sek"],
}


def read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    """Read a seed CSV as strings (UTF-8), dropping the 'Okänt' member."""
    path = Path(seeds_dir) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"code list {path} not found (is --seeds-dir right?)")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in REQUIRED_SEEDS.get(name, []) if rows and c not in rows[0]]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    key = REQUIRED_SEEDS.get(name, [None])[0]
    return [r for r in rows if key is None or (r.get(key) or "").strip() not in ("", UNKNOWN)]
