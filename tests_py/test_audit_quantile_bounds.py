"""The audit reads ``quantile_bounds`` (audit/quantile_bounds.py): the published
quartiles of a row beside its published count put at least so many of its
persons in a run of bands. One hand-built mart, the case of the engine's test."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402
from test_sdc_quantile_bounds import (
    BOUNDS,
    alumni_spec,
)  # the engine's test: the same mart and bounds

QUARTILES = ["income_sek_p25", "income_sek_median", "income_sek_p75"]

# 17 employed, all counted by band: a (3) is hidden with b (6) beside c (8) and
# the band total (17). Alone, a + b = 9 leaves a anywhere in 1..8; the first
# quartile (150, one of b's) puts at least 13 in b + c, so b >= 5 and a <= 4
ROWS = [  # variable, category, count, hidden, quartiles
    ("inkomst", "förvärvsarbetande", 17, False, (150.0, 190.0, 250.0)),
    ("inkomstklass", "a", 3, True, (None,) * 3),
    ("inkomstklass", "b", 6, True, (None,) * 3),
    ("inkomstklass", "c", 8, False, (None,) * 3),
    ("inkomstklass", "Totalt", 17, False, (None,) * 3),
]


def _warehouse(tmp: Path, rows=ROWS) -> Path:
    published = pd.DataFrame(
        [("g", v, c, n, *q) for v, c, n, _, q in rows],
        columns=["grp", "variable", "category_code", "n", *QUARTILES],
    )
    exact = pd.DataFrame(
        [("g", v, c, n) for v, c, n, _, _ in rows],
        columns=["grp", "variable", "category_code", "n_persons"],
    )
    hidden = [row[3] for row in rows]
    tables = {
        "published": {"alm": fx.as_published(published, hidden)},
        "aggregates": {"agg_alm": exact},
    }
    return fx.write_warehouse(tmp / "quantile_bounds.duckdb", tables)


def _audited(db: Path, bounds: list[dict]):
    return fx.audited_and_scored(db, {"version": 1, **alumni_spec(bounds)})


def test_the_audit_reads_the_quartiles_beside_the_bands(tmp_path):
    result, checks = _audited(_warehouse(tmp_path), [BOUNDS])
    leaks = result.leaks
    assert leaks["category_code"].tolist() == ["a"]
    assert leaks["status"].tolist() == ["small"]
    assert leaks[["low", "high"]].values.tolist() == [[1.0, 4.0]]
    assert leaks["relations"].str.contains("quantile bound").all()
    assert checks["intervals_missing_true_count"] == 0


def test_without_the_bounds_the_bands_alone_are_safe(tmp_path):
    result, _ = _audited(_warehouse(tmp_path), [])
    assert not result.failed, result.leaks


def test_quartiles_without_their_count_bound_nothing(tmp_path):
    """A row whose count is hidden shows no quartiles (macro sdc_publish); if it
    did, the attacker would not know how many they are over: no floor is read."""
    rows = [(*row[:3], True, row[4]) if row[1] == "förvärvsarbetande" else row for row in ROWS]
    result, _ = _audited(_warehouse(tmp_path, rows), [BOUNDS])
    assert not result.failed, result.leaks
