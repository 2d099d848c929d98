"""Keeping the periods an update did not change (src/studentflow/sdc/slices.py):
an annual update that keeps the stored cells of unchanged periods must give
exactly what solving everything again gives, build only the periods that
changed, and stop when a relation crosses the declared period.

Shape: the linked per-municipality marts of sdc_linked_fixtures over several
years, the population's period declared as the year.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from sdc_linked_fixtures import linked_frames, linked_spec
from test_sdc_engine import K
from test_sdc_reuse import _years

from studentflow.sdc.reuse import read_stored_cells, read_stored_slices
from studentflow.sdc.run import COLUMNS, suppress, with_kept_slices
from studentflow.sdc.slices import check_within_periods, period_columns, slices_of
from studentflow.sdc.structure import Structure, StructureError

AGGREGATES = {"transition": "agg_transition", "foreign": "agg_foreign"}


def _spec(period: str | None = "year") -> dict:
    spec = linked_spec()
    for name, aggregate in AGGREGATES.items():
        spec["marts"][name]["aggregate"] = aggregate
    if period:
        spec["populations"]["registered"]["period"] = period
    return spec


def _aggregates(persons: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {AGGREGATES[name]: frame for name, frame in linked_frames(persons).items()}


def _suppressed(spec, persons, built=None):
    """suppress() as the model runs it: the last build read back from its table."""
    previous = stored = None
    con = duckdb.connect()
    if built is not None:
        con.register("built", built)
        previous = read_stored_cells(con, "built")
        stored = read_stored_slices(con, "built", COLUMNS)
    cells, stats = suppress(
        spec,
        _aggregates(persons),
        K,
        previous=previous,
        kept=stored.hashes if stored else frozenset(),
    )
    table = with_kept_slices(cells, stored, stats["kept_slices"]).to_pandas()
    return table.sort_values(["mart", "cell_id"]).reset_index(drop=True), stats


def _year(cells: pd.DataFrame) -> pd.Series:
    return cells["cell_id"].str.extract(r"year=(\d+)")[0]


def _revised_delivery() -> pd.DataFrame:
    """2019 unchanged, 2020 revised (a person's municipality corrected), 2021 new."""
    revised = _years({"2019": 5, "2020": 9, "2021": 13})
    moved = revised.index[(revised["year"] == "2020") & (revised["municipality"] == "0100")][0]
    revised.loc[moved, ["county", "municipality"]] = ["02", "0201"]
    return revised


def test_update_keeps_unchanged_periods_and_equals_a_full_solve():
    built, _ = _suppressed(_spec(), _years({"2019": 5, "2020": 9}))
    revised = _revised_delivery()

    full, full_stats = _suppressed(_spec(), revised)
    updated, stats = _suppressed(_spec(), revised, built)

    same = [column for column in COLUMNS if column != "component_reused"]
    pd.testing.assert_frame_equal(
        updated[same].astype(str), full[same].astype(str), check_dtype=False
    )
    # only 2020 and 2021 were built: one component each
    assert len(stats["kept_slices"]) == 1 and stats["components"] == 2
    assert full_stats["components"] == 3 and full_stats["kept_slices"] == []
    kept = updated["component_reused"].fillna(False).astype(bool)
    assert set(_year(updated[kept])) == {"2019"}
    assert set(updated.loc[_year(updated) == "2019", "slice_hash"]) <= set(built["slice_hash"])
    assert not set(updated.loc[_year(updated) == "2020", "slice_hash"]) & set(built["slice_hash"])


def test_a_kept_slice_is_taken_as_stored():
    """A kept slice's cells are the stored ones, not solved again: one more cell
    planted as suppressed in the stored 2019 shows in the update."""
    persons = _years({"2019": 5, "2020": 9})
    built, _ = _suppressed(_spec(), persons)
    planted = built.copy()
    published = planted.index[(_year(planted) == "2019") & ~planted["is_suppressed"]][0]
    planted.loc[published, "is_suppressed"] = True
    again, stats = _suppressed(_spec(), persons, planted)
    assert len(stats["kept_slices"]) == 2
    assert again.loc[published, "is_suppressed"]


def test_a_group_without_a_period_is_kept_whole_when_nothing_changed():
    persons = _years({"2019": 5, "2020": 9})
    built, _ = _suppressed(_spec(period=None), persons)
    assert built["slice_hash"].nunique() == 1
    again, stats = _suppressed(_spec(period=None), persons, built)
    assert len(stats["kept_slices"]) == 1 and "components" not in stats
    changed, stats = _suppressed(_spec(period=None), _revised_delivery(), built)
    assert stats["kept_slices"] == [] and stats["components"] == 3


def test_a_slice_fingerprint_ignores_row_order_and_sees_every_count():
    spec = _spec()
    spec["marts"] = {
        name: {**mart, "attributes": {}} for name, mart in spec["marts"].items()
    }  # as run._aligned gives them (no renames here)
    frames = linked_frames(_years({"2019": 5, "2020": 9}))
    hashes = slices_of(spec, frames, ("k", K)).hashes
    shuffled = {name: frame.sample(frac=1, random_state=1) for name, frame in frames.items()}
    assert slices_of(spec, shuffled, ("k", K)).hashes == hashes
    changed = {name: frame.copy() for name, frame in frames.items()}
    row = changed["foreign"].index[changed["foreign"]["year"] == "2020"][0]
    changed["foreign"].loc[row, "n_persons"] += 1
    after = slices_of(spec, changed, ("k", K)).hashes
    assert after["2019"] == hashes["2019"] and after["2020"] != hashes["2020"]


def test_a_relation_across_periods_stops_the_build():
    cells = pd.DataFrame({"mart": ["m", "m"], "cell_id": ["year=2019", "year=2020"], "var": [0, 1]})
    across = Structure(
        cells, [3, 3], [True, True], [0, 1], [0, 0],
        equations=[{0: 1.0, 1: -1.0}],
        period=np.array([0, 1], dtype=np.int32), period_texts=["2019", "2020"],
    )  # fmt: skip
    with pytest.raises(StructureError, match=r"links the periods \['2019', '2020'\]"):
        check_within_periods(across, {"marts": {"m": {}}})
    within = Structure(
        cells, [3, 3], [True, True], [0, 1], [0, 0],
        equations=[{0: 1.0, 1: -1.0}],
        period=np.array([0, 0], dtype=np.int32), period_texts=["2019"],
    )  # fmt: skip
    check_within_periods(within, {"marts": {"m": {}}})


def test_a_period_must_be_an_untotalled_cell_dim_of_every_mart():
    spec = _spec()
    marts = {name: {**mart, "attributes": {}} for name, mart in spec["marts"].items()}
    group = {"marts": marts, "populations": spec["populations"]}
    assert period_columns(group) == {"transition": "year", "foreign": "year"}
    group["populations"]["registered"]["period"] = "sex"
    with pytest.raises(StructureError, match="'sex' is totalled"):
        period_columns(group)
    group["populations"]["registered"]["period"] = "academic_year"
    with pytest.raises(StructureError, match="no cell dim holds"):
        period_columns(group)


def test_a_relation_may_not_fix_or_run_over_the_period():
    """Declared relations are checked too: an update builds only the changed
    periods, and would not see a relation from one of them to a kept one."""
    spec = _spec()
    marts = {name: {**mart, "attributes": {}} for name, mart in spec["marts"].items()}
    across = {"total": {"mart": "transition", "where": {"year": "2020"}},
              "parts": [{"mart": "foreign", "where": {"year": "2019"}}]}  # fmt: skip
    cohort = {
        "kind": "same_cohort",
        "mart": "foreign",
        "column": "year",
        "values": ["2019", "2020"],
    }
    for relation in (across, cohort):
        spec["populations"]["registered"]["relations"] = [relation]
        group = {"marts": marts, "populations": spec["populations"]}
        with pytest.raises(StructureError, match="fixes or runs over its period 'year'"):
            period_columns(group)
