"""Small unit tests of the modules that issue 14 split out of gx_checks.py and
report/build.py: each job's pure helpers, without a warehouse or a GX run."""

from __future__ import annotations

import pandas as pd
import pytest

from studentflow.gx.contract import RAW_CONTRACT
from studentflow.gx.mart_expectations import published_counts
from studentflow.gx.raw_expectations import EXTRACT_RULES
from studentflow.report.build import _check_choice
from studentflow.report.frames import code_sort_key, collapse_totals, label_column


def test_every_raw_extract_has_its_rules():
    """A raw extract without rules would only get its column and type checks."""
    assert set(EXTRACT_RULES) == set(RAW_CONTRACT)


def test_published_counts_found_by_their_display_and_flag():
    plain = {"n", "n_display", "n_is_suppressed", "share"}
    pivoted = {"n_living", "n_living_display", "n_living_is_suppressed"}
    pivoted |= {"n_recruited", "n_recruited_display", "n_recruited_is_suppressed", "n_extra"}
    assert published_counts(plain) == ["n"]
    assert published_counts(pivoted) == ["n_living", "n_recruited"]
    assert published_counts({"share"}) == ["n"]  # then GX says the count columns are missing


def test_raw_rules_keep_their_order():
    """The suite lists expectations in the contract's words, in a fixed order."""
    pytest.importorskip("great_expectations")
    from studentflow.gx.raw_expectations import raw_expectations

    found = raw_expectations("folkbokforing", {"kommuner": ["0180"]}, text_delivery=False)
    kinds = [type(e).__name__ for e in found]
    assert kinds[:2] == ["ExpectTableColumnsToMatchSet", "ExpectTableRowCountToBeBetween"]
    assert kinds[-4:] == [
        "ExpectColumnValuesToNotBeNull",
        "ExpectCompoundColumnsToBeUnique",
        "ExpectColumnValuesToBeBetween",
        "ExpectColumnValuesToBeInSet",
    ]


def test_codes_sort_by_number_then_text_then_unknown():
    codes = ["Okänt", "10", "abc", "2"]
    assert sorted(codes, key=code_sort_key) == ["2", "10", "abc", "Okänt"]


def test_collapse_totals_keeps_the_total_of_dimensions_not_charted():
    df = pd.DataFrame(
        {
            "county_code": ["01", "01", "03", "Totalt"],
            "county_name": ["Stockholm", "Stockholm", "Uppsala", "Totalt"],
            "sex": ["Totalt", "Kvinnor", "Totalt", "Totalt"],
            "n": [10, 4, 7, 17],
        }
    )
    out = collapse_totals(df, ["county_code"])
    assert out["county_code"].tolist() == ["01", "03", "Totalt"]
    assert label_column(df, "county_code") == "county_name"
    assert label_column(df, "sex") == "sex"


def test_window_and_institution_checked_before_any_section():
    _check_choice("liu", ["liu", "uu"], 2013, 2001, 6)
    with pytest.raises(ValueError, match="unknown institution 'xyz'"):
        _check_choice("xyz", ["liu", "uu"], 2013, 2001, 6)
    with pytest.raises(ValueError, match="use --window 2013"):
        _check_choice("liu", ["liu"], 2014, 2001, 6)
