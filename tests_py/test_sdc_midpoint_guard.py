"""Midpoint display ('2,5' = 'this cell is 1..k-1') is refused on published
marts under linked suppression unless the publisher opts in."""

from __future__ import annotations

import pytest
from conftest import run_dbt

MART = "credits_by_background"


@pytest.mark.parametrize(
    ("extra_vars", "refused"),
    [
        ("sdc_secondary: linked, sdc_display: midpoint", True),
        ("sdc_secondary: linked, sdc_display: midpoint, sdc_midpoint_accepted: true", False),
        ("sdc_secondary: linked, sdc_display: dots", False),
    ],
)
def test_midpoint_with_linked_needs_an_explicit_opt_in(tmp_path, extra_vars, refused):
    result = run_dbt(
        ["compile", "--select", MART, "--vars", "{" + extra_vars + "}"], workdir=tmp_path
    )
    if refused:
        assert result.returncode != 0
        assert "sdc_display" in result.output and "sdc_midpoint_accepted" in result.output
    else:
        assert result.returncode == 0, result.output[-2000:]
