"""Keeping the decision of an unchanged component (src/studentflow/sdc/reuse.py):
an annual update that reuses the stored decisions must give exactly what
solving everything again gives, and must solve only the periods that changed.

Shape: the linked per-municipality marts of sdc_linked_fixtures over several
years; each year is one component (year is never totalled).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from sdc_linked_fixtures import linked_frames, linked_spec
from test_sdc_engine import K
from test_sdc_protection import _small_municipalities

from studentflow.sdc.protect import protect
from studentflow.sdc.reuse import read_stored_cells, stored_decisions
from studentflow.sdc.structure import build_structure


def _years(seeds: dict[str, int]) -> pd.DataFrame:
    frames = []
    for year, seed in seeds.items():
        persons = _small_municipalities(seed)
        persons["year"] = year
        frames.append(persons)
    return pd.concat(frames, ignore_index=True)


def _cells(persons: pd.DataFrame, stored=None):
    structure = build_structure(linked_spec(), linked_frames(persons))
    result = protect(structure, K, stored=stored)
    cells = result.cells(structure.cells).sort_values(["mart", "cell_id"]).reset_index(drop=True)
    return cells, result.stats


def _as_the_model_reads_them(built: pd.DataFrame):
    """The stored cells as int_sdc_cells_suppressed reads them from its table."""
    with duckdb.connect() as con:
        con.register("built", built)
        return read_stored_cells(con, "built")


@pytest.mark.parametrize("read", [lambda built: built, _as_the_model_reads_them])
def test_annual_update_reuses_unchanged_years_and_equals_a_full_solve(read):
    last_year = _years({"2019": 5, "2020": 9})
    built, _ = _cells(last_year)
    # this year's delivery: 2019 unchanged, 2020 revised (a person's
    # municipality corrected), 2021 new
    revised = _years({"2019": 5, "2020": 9, "2021": 13})
    moved = revised.index[(revised["year"] == "2020") & (revised["municipality"] == "0100")][0]
    revised.loc[moved, ["county", "municipality"]] = ["02", "0201"]

    full, full_stats = _cells(revised)
    updated, stats = _cells(revised, stored=stored_decisions(read(built)))

    columns = [column for column in full.columns if column != "component_reused"]
    pd.testing.assert_frame_equal(updated[columns], full[columns])
    assert not full["component_reused"].any()
    assert stats["components_reused"] == 1  # 2019
    assert stats["components_solved"] == 2  # 2020 (revised) and 2021 (new)
    assert full_stats["components_solved"] == 3
    # the revision changed 2020's fingerprint; 2019 kept its own
    hashes = {
        year: set(frame["component_hash"])
        for year, frame in updated.groupby(updated["cell_id"].str.extract(r"year=(\d+)")[0])
    }
    assert hashes["2019"] <= set(built["component_hash"])
    assert not hashes["2020"] & set(built["component_hash"])
    # the table tells which components the run kept and which it solved
    kept = updated.dropna(subset=["component_hash"]).groupby("component_reused")
    assert kept["component_hash"].nunique().to_dict() == {False: 2, True: 1}
    reused = updated["component_reused"].fillna(False).astype(bool)
    assert hashes["2019"] == set(updated.loc[reused, "component_hash"])


def test_a_stored_decision_is_used_as_stored():
    """A stored decision is taken for its fingerprint without solving: planting
    one more suppressed cell under 2019's fingerprint shows in the result (so
    the equality above is reuse, not a second solve)."""
    persons = _years({"2019": 5})
    built, _ = _cells(persons)
    published = built[~built["is_suppressed"]].iloc[0]
    planted = built.copy()
    planted.loc[published.name, "is_suppressed"] = True
    again, stats = _cells(persons, stored=stored_decisions(planted))
    assert stats["components_reused"] == 1 and stats["components_solved"] == 0
    assert again.loc[published.name, "is_suppressed"]


def test_a_stored_cell_outside_its_component_stops_with_a_clear_error():
    """Stored decisions name their cells by place in the component (component_cell);
    a place the component does not have means the table is corrupt: the update
    stops instead of suppressing some other cell."""
    persons = _years({"2019": 5})
    built, _ = _cells(persons)
    corrupt = built.copy()
    corrupt.loc[corrupt["is_suppressed"].idxmax(), "component_cell"] = len(built)
    with pytest.raises(ValueError, match="int_sdc_cells_suppressed is corrupt"):
        _cells(persons, stored=stored_decisions(corrupt))


def test_stored_decisions_name_cells_by_their_place_in_the_component():
    """The places are integers from 0 in each component, one per cell: the update
    joins them without the cells' names (mart, cell id)."""
    built, _ = _cells(_years({"2019": 5, "2020": 9}))
    solved = built.dropna(subset=["component_hash"])
    for _, component in solved.groupby("component_hash"):
        assert sorted(component["component_cell"]) == list(range(len(component)))
    assert built.loc[built["component_hash"].isna(), "component_cell"].isna().all()
