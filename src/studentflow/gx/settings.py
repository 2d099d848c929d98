"""What a GX run needs: its settings, the dbt vars they default to, the seed code lists."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from studentflow.gx.contract import CODE_LISTS, DEFAULT_MAX_ROWS


@dataclasses.dataclass
class Settings:
    """Everything a run needs; defaults follow dbt_project.yml."""

    raw_dir: Path | None = Path("data/raw")
    duckdb_path: Path | None = Path("data/warehouse/studentflow.duckdb")
    out_dir: Path = Path("target/gx")
    seeds_dir: Path = Path("seeds")
    raw_format: str = "parquet"
    csv_delimiter: str = ";"
    csv_encoding: str = "latin-1"
    csv_decimal: str = ","
    max_rows: int = DEFAULT_MAX_ROWS
    sdc_method: str = "suppression"
    sdc_k: int = 5
    sdc_k_magnitude: int = 10
    sdc_display: str = "dots"
    total_label: str = "Totalt"
    data_docs: bool = True
    extracts: tuple[str, ...] | None = None  # None = every extract in RAW_CONTRACT


def read_dbt_vars(project_dir: Path) -> dict[str, Any]:
    """The ``vars:`` block of dbt_project.yml (empty when there is none)."""
    path = project_dir / "dbt_project.yml"
    if not path.is_file():
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("vars") or {})


def load_seed_codes(seeds_dir: Path) -> dict[str, list[str]]:
    """Code list values from the dbt seeds, read as text (keeps '0580')."""
    import pandas as pd

    codes: dict[str, list[str]] = {}
    for name, (file_name, column) in CODE_LISTS.items():
        path = seeds_dir / file_name
        if path.is_file():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            if column in frame.columns:
                codes[name] = sorted({v.strip() for v in frame[column] if v.strip()})
    return codes
