"""The linked structure's cells: order, identity and the errors on bad aggregates
(src/studentflow/sdc/structure.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from studentflow.sdc.structure import StructureError, build_structure, cell_id

SPEC = {"marts": {"t": {"cells": ["a", "b"], "additive": ["b"], "rows": "all"}}}


def _frame(rows):
    return pd.DataFrame(rows, columns=["a", "b", "n_persons"])


def test_cells_are_in_the_order_of_their_id_texts():
    """Prefixes ('1' before '10', 'x' before 'x y'), numbers read through a float
    column, missing values and a value holding the separator: the cells come in the
    order Python sorts their ids, whatever the aggregate's row order."""
    rows = [
        ("10", 1.0, 3),
        ("1", 2.0, 4),
        ("1", None, 6),
        ("x y", 1.0, 7),
        ("x", 12.0, 2),
        ("x|a", 1.0, 5),  # its id sorts before a=x|b=1: the separator decides
        (None, 1.0, 8),
    ]
    expected = sorted(cell_id(dict(zip("ab", row[:2], strict=False)), ["a", "b"]) for row in rows)
    spec = {"marts": {"t": {"cells": ["a", "b"], "rows": "all"}}}
    for seed in range(3):
        shuffled = _frame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)
        structure = build_structure(spec, {"t": shuffled})
        assert structure.cells["cell_id"].tolist() == expected
        values = dict(zip(structure.cells["cell_id"], structure.values, strict=True))
        assert values["a=10|b=1"] == 3 and values["a=|b=1"] == 8 and values["a=1|b="] == 6


def test_a_cell_twice_in_an_aggregate_is_an_error():
    frame = _frame([("1", "Totalt", 5), ("1", "x", 5), ("1", "x", 5)])
    with pytest.raises(StructureError, match=r"mart 't': cell a=1\|b=x occurs twice"):
        build_structure(SPEC, {"t": frame})


def test_common_cells_that_differ_are_named_with_their_marts():
    spec = {
        "marts": {
            "first": {"cells": ["a"], "population": "p", "rows": "all"},
            "second": {"cells": ["a", "b"], "population": "p", "rows": "all"},
        }
    }
    first = pd.DataFrame({"a": ["1", "2"], "n_persons": [5, 6]})
    second = pd.DataFrame({"a": ["1", "2"], "b": ["Totalt", "Totalt"], "n_persons": [5, 7]})
    with pytest.raises(StructureError) as error:
        build_structure(spec, {"first": first, "second": second})
    assert "1 common cells" in str(error.value)
    assert "{'a': '2', 'b': 'Totalt'}: 7 in mart 'second', 6 in an earlier mart" in str(error.value)


def test_variables_are_numbered_by_their_first_cell():
    """A cell seen again in a later mart shares the variable of its first cell;
    new keys get the next numbers in the order of the marts and their cells."""
    spec = {
        "marts": {
            "first": {"cells": ["a"], "population": "p", "rows": "all"},
            "second": {"cells": ["a", "b"], "population": "p", "rows": "present_only"},
        }
    }
    first = pd.DataFrame({"a": ["2", "1"], "n_persons": [6, 5]})
    second = pd.DataFrame(
        {"a": ["1", "1", "2"], "b": ["Totalt", "x", "Totalt"], "n_persons": [5, 5, 6]}
    )
    structure = build_structure(spec, {"first": first, "second": second})
    assert structure.cells["var"].tolist() == [0, 1, 0, 2, 1]
    assert structure.values == [5, 6, 5]
    assert structure.present_only == [True, True, True]
    assert np.asarray(structure.sort_keys).tolist() == [0, 1, (1 << 32) + 1]
