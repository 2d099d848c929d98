"""The audit keeps the periods whose published rows did not change (audit/slices.py).

Two years of the linked 13-municipality shape, protected over both marts, with
the population's period declared (academic_year):

* an audit into the same --out keeps both years when nothing changed, and a
  revised second year is audited again while the first is kept: the report
  equals a fresh audit's;
* a leak planted in the changed year is found and fails the audit;
* a declaration that does not keep the periods apart makes the group one slice.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402

from studentflow.audit import manifest, slices
from studentflow.audit.__main__ import main as audit_main

WITH_PERIOD = copy.deepcopy(fx.MANIFEST)
WITH_PERIOD["populations"]["registered"]["period"] = "academic_year"
_COUNTERS = ("seconds", "lp_solves", "components_reused", "slices", "slices_kept")


def _marts(grow: int) -> dict[str, pd.DataFrame]:
    """Both marts over 2020 and 2021, with ``grow`` persons more in 2021's largest
    group (a revision that keeps every small cell)."""
    fines = [fx.persons(13), fx.persons(14)]
    fines[1].loc[fines[1]["n"].idxmax(), "n"] += grow
    years = [fx.exact_marts(fine) for fine in fines]
    return {
        name: pd.concat(
            [years[0][name], years[1][name].assign(academic_year="2021")], ignore_index=True
        )
        for name in years[0]
    }


@functools.cache
def _linked_flags() -> dict[str, pd.Series]:
    """The flags of ``_marts(0)`` protected over both marts (the audit passes), worked
    out once: the test defender audits the marts many times. A revision by ``grow``
    keeps the suppression pattern."""
    with tempfile.TemporaryDirectory() as tmp:
        manifest_path = fx.write_manifest(Path(tmp) / "linked_tables.yml", WITH_PERIOD)
        return fx.protect_linked(Path(tmp), _marts(0), manifest_path)


def _two_years(tmp: Path, grow: int = 0, leak_2021: bool = False) -> Path:
    """The published warehouse of ``_marts(grow)`` with the linked flags; ``leak_2021``:
    2021 protected per mart only, which leaks across the marts."""
    marts, flags = _marts(grow), _linked_flags()
    if leak_2021:
        flags = {
            name: flags[name].where(
                frame["academic_year"] != "2021", fx.protect_per_mart(frame, name)
            )
            for name, frame in marts.items()
        }
    tmp.mkdir(parents=True, exist_ok=True)
    db = tmp / "warehouse.duckdb"
    fx.write_published(db, marts, flags)
    return db


def _audit(db: Path, out: Path, *options: str) -> tuple[int, list, dict, dict]:
    """(exit status, worst cases as sorted rows, summary without counters, counters)."""
    manifest_path = fx.write_manifest(out.parent / f"{out.name}.yml", WITH_PERIOD)
    status = audit_main(
        ["--duckdb", str(db), "--linked-tables", str(manifest_path), "--k", "5",
         "--out", str(out), *options]
    )  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    counters = {key: summary.pop(key) for key in _COUNTERS}
    worst = pd.read_csv(out / "worst_cases.csv")
    rows = sorted(worst.astype(str).itertuples(index=False, name=None))
    return status, rows, summary, counters


def test_audit_keeps_the_periods_whose_rows_did_not_change(tmp_path):
    out = tmp_path / "out"
    first = _audit(_two_years(tmp_path / "a"), out)
    assert first[0] == 0 and first[3]["slices"] == 2 and first[3]["slices_kept"] == 0
    again = _audit(_two_years(tmp_path / "a"), out)
    assert again[:3] == first[:3]
    assert again[3]["slices_kept"] == 2 and again[3]["lp_solves"] == 0
    # the next delivery revises 2021: 2020 is kept, 2021 attacked again
    revised = _two_years(tmp_path / "b", grow=7)
    update = _audit(revised, out)
    fresh = _audit(revised, tmp_path / "fresh", "--no-cache")
    assert update[3]["slices_kept"] == 1 and fresh[3]["slices_kept"] == 0
    assert update[0] == 0 and update[:3] == fresh[:3]
    assert update[2]["protected_cells"] > 0 and update[2]["components"] == 2


def test_a_leak_in_a_changed_period_fails_the_audit(tmp_path):
    out = tmp_path / "out"
    assert _audit(_two_years(tmp_path / "a"), out)[0] == 0
    # 2021 delivered again, protected per mart only: it leaks across the marts
    leaking = _two_years(tmp_path / "c", grow=7, leak_2021=True)
    update = _audit(leaking, out)
    fresh = _audit(leaking, tmp_path / "fresh", "--no-cache")
    assert update[0] == 1 and update[2]["failed"] and update[2]["determined_exactly"] > 0
    assert update[:3] == fresh[:3]
    # a slice with a leak is not stored: the next audit attacks it again
    again = _audit(leaking, out)
    assert again[0] == 1 and again[3]["slices_kept"] == 1


def _groups(tmp: Path, change) -> list[slices.Group]:
    declared = copy.deepcopy(WITH_PERIOD)
    change(declared)
    return slices.groups(manifest.load(fx.write_manifest(tmp / "changed.yml", declared)))


def _relation(declared: dict, where: dict) -> None:
    declared["populations"]["registered"]["relations"] = [
        {
            "total": {"mart": "transition", "where": where},
            "parts": [{"mart": "foreign_background", "where": {}}],
        }
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["populations"]["registered"].pop("period"),
        lambda d: d["marts"]["transition"]["additive"].append("academic_year"),
        lambda d: _relation(d, {"academic_year": "2020"}),
        lambda d: d["populations"]["registered"]["identities"].append(
            {"left": {"academic_year": "2020"}, "right": {"sex": "Kvinnor"}}
        ),
        lambda d: d["populations"]["registered"].update(
            relations=[
                {
                    "kind": "same_cohort",
                    "mart": "transition",
                    "column": "academic_year",
                    "window": "sex",
                    "values": ["2020", "2021"],
                }
            ]  # fmt: skip
        ),
    ],
    ids=["no period", "totalled", "relation fixes it", "identity names it", "cohort runs over it"],
)
def test_a_declaration_that_does_not_keep_periods_apart_makes_one_slice(change, tmp_path):
    (group,) = _groups(tmp_path, change)
    assert group.columns == {}
    (declared,) = _groups(tmp_path, lambda d: None)
    assert declared.columns == {"foreign_background": "academic_year",
                                "transition": "academic_year"}  # fmt: skip


def test_a_period_published_as_a_total_makes_one_slice(tmp_path):
    db = _two_years(tmp_path / "a")
    con = duckdb.connect(str(db))
    con.execute(
        "update published.transition set academic_year = 'Totalt' where academic_year = '2021'"
    )
    plan = slices.plan(con, manifest.load(fx.write_manifest(tmp_path / "m.yml", WITH_PERIOD)),
                       5, "published", tmp_path / "out", "v")  # fmt: skip
    con.close()
    assert plan.groups[0].columns == {} and list(plan.hashes) == [(0, slices.WHOLE)]
