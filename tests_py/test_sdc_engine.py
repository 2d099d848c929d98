"""The linked-table secondary suppression engine (src/studentflow/sdc).

Every result is checked by an independent attacker written here with numpy
(rank test: is a suppressed cell a linear combination of published cells and
the relations?) and scipy's linprog (interval: can a small cell be proven
small, or any cell exact?), on the issue 13 shapes.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import null_space
from scipy.optimize import linprog
from sdc_linked_fixtures import (
    TOTAL,
    cube,
    linked_frames,
    linked_spec,
    thirteen_municipalities,
)

from studentflow.sdc.cells import cell_id
from studentflow.sdc.gauss import free_parametrisation, gauss_suppress, is_recoverable
from studentflow.sdc.protect import protect
from studentflow.sdc.structure import StructureError, build_structure
from studentflow.sdc.tasks import components

K = 5


def attack(structure, suppressed: list[bool], insiders: bool = True, floors=None, bounds=()):
    """(exactly recovered cells, small cells proven small), by an independent attacker
    (``floors``: per variable a public lower bound it knows besides; ``bounds``:
    relations it knows besides the structure's, each {variable: coef} with sum <= 0, or
    ({variable: coef}, c) with sum <= c)."""
    n = structure.n_vars
    a = np.zeros((len(structure.equations), n))
    for row, equation in enumerate(structure.equations):
        for var, coef in equation.items():
            a[row, var] = coef
    values = np.asarray(structure.values, dtype=float)
    hidden = [v for v in range(n) if suppressed[v]]
    shown = [v for v in range(n) if not suppressed[v]]
    known = np.vstack([a, np.eye(n)[shown]]) if shown else a
    # e_v lies in the row space of what is known exactly when every solution of
    # known @ x = 0 has x_v = 0: one null space instead of a rank per cell
    free = null_space(known) if len(known) else np.eye(n)
    recovered = [v for v in hidden if np.abs(free[v]).max(initial=0.0) < 1e-9]
    a_hidden = a[:, hidden]
    rhs = -a[:, shown] @ values[shown]
    floors = np.zeros(n) if floors is None else floors
    a_ub, constants = np.zeros((len(bounds), n)), np.zeros(len(bounds))
    for row, bound in enumerate(bounds):
        relation, constants[row] = bound if isinstance(bound, tuple) else (bound, 0.0)
        for var, coef in relation.items():
            a_ub[row, var] = coef
    b_ub = constants - a_ub[:, shown] @ values[shown]
    box = [
        (
            max(1 if values[v] > 0 and (insiders or structure.present_only[v]) else 0, floors[v]),
            None,
        )
        for v in hidden
    ]
    proven_small = []
    for i, v in enumerate(hidden):
        if not 0 < values[v] < K:
            continue
        cost = np.zeros(len(hidden))
        cost[i] = -1
        ub = {"A_ub": a_ub[:, hidden], "b_ub": b_ub} if len(bounds) else {}
        result = linprog(cost, A_eq=a_hidden, b_eq=rhs, bounds=box, method="highs", **ub)
        if result.status == 0 and -result.fun < K - 1e-6:
            proven_small.append(v)
    return recovered, proven_small


@pytest.fixture(scope="module")
def linked():
    return build_structure(linked_spec(), linked_frames(thirteen_municipalities()))


def _var(structure, mart, **cell):
    ids = structure.cells.query("mart == @mart")
    for dim, value in cell.items():
        ids = ids[ids["cell_id"].str.contains(f"{dim}={value}(?:\\||$)", regex=True)]
    assert len(ids) == 1, ids
    return int(ids["var"].iloc[0])


def test_common_cells_are_one_variable(linked):
    """transition 'born abroad' = foreign background '1', and the municipality
    totals of both marts, are the same persons: one variable each."""
    born_abroad = _var(linked, "transition", sex="1", born_abroad="Ja", municipality="0100")
    background = _var(linked, "foreign", sex="1", foreign_background="1", municipality="0100")
    assert born_abroad == background
    total_t = _var(linked, "transition", sex=TOTAL, born_abroad=TOTAL, municipality="0100")
    total_f = _var(linked, "foreign", sex=TOTAL, foreign_background=TOTAL, municipality="0100")
    assert total_t == total_f
    assert len(components(linked.n_vars, linked.equations)) == 1


def test_common_cell_with_different_counts_is_an_error():
    frames = linked_frames(thirteen_municipalities())
    frames["foreign"].loc[0, "n_persons"] += 1
    with pytest.raises(StructureError, match="common cells"):
        build_structure(linked_spec(), frames)


def test_gauss_on_a_two_by_two_table_suppresses_a_rectangle():
    # cells: a b | a+b ; c d | c+d ; a+c b+d | total  (inner cells a, b, c, d)
    rows = [(r, c) for r in ("1", "2", TOTAL) for c in ("x", "y", TOTAL)]
    inner = {("1", "x"): 2, ("1", "y"): 30, ("2", "x"): 40, ("2", "y"): 50}
    frame = pd.DataFrame(rows, columns=["r", "c"])
    frame["n_persons"] = [
        sum(v for (ri, ci), v in inner.items() if r in (ri, TOTAL) and c in (ci, TOTAL))
        for r, c in rows
    ]
    spec = {"marts": {"t": {"cells": ["r", "c"], "additive": ["r", "c"], "rows": "all"}}}
    structure = build_structure(spec, {"t": frame})
    columns = free_parametrisation(
        structure.n_vars, structure.equations, lambda i: (structure.values[i],)
    )
    assert sorted(len(c) for c in columns) == [1, 1, 1, 1, 2, 2, 2, 2, 4]
    result = protect(structure, K, intervals=False)
    assert sum(result.is_suppressed) == 4  # the 2, and the rectangle through it
    suppressed = [v for v in range(structure.n_vars) if result.is_suppressed[v]]
    published = [v for v in range(structure.n_vars) if not result.is_suppressed[v]]
    assert not any(is_recoverable(columns, published, v) for v in suppressed)
    assert structure.values[max(suppressed, key=lambda v: structure.values[v])] == 50


def test_gauss_suppress_withholds_what_would_reveal_a_protected_cell():
    # x = a + b + c, a primary: x and b published, then c would give a = x - b - c
    columns = [{0: 1.0}, {1: 1.0}, {2: 1.0}, {0: 1.0, 1: 1.0, 2: 1.0}]
    secondary = gauss_suppress(columns, candidates=[3, 1, 2], protected=[0])
    assert secondary == {2}
    published = [1, 3]
    assert not is_recoverable(columns, published, 0)
    assert not is_recoverable(columns, published, 2)  # the secondary cell too
    # a protected non-primary cell (a forced or secondary one) is guarded the same way
    columns = [{0: 1.0}, {1: 1.0}, {1: 1.0, 2: 1.0}, {2: 1.0}]
    assert gauss_suppress(columns, candidates=[2, 3], protected=[0, 1]) == {3}


def test_linked_marts_leave_nothing_recoverable_or_provably_small(linked):
    """The 13-municipality shape: cross-mart subtraction (83 - 73 - 6 = 4) and
    row existence give nothing away once both marts are protected together."""
    result = protect(linked, K)
    recovered, proven_small = attack(linked, result.is_suppressed)
    assert recovered == []
    assert proven_small == []
    # consistent: a common cell has one state, whichever mart shows it
    cells = result.cells(linked.cells).merge(linked.cells, on=["mart", "cell_id"])
    assert cells.groupby("var")["is_suppressed"].nunique().max() == 1
    assert sum(result.is_primary) == sum(1 for v in linked.values if 0 < v < K)


def test_per_mart_protection_leaks_across_marts():
    """What the issue found: each mart protected on its own (every mart its
    own population, as the per-mart SQL passes did) is recoverable across marts."""
    persons = thirteen_municipalities()
    frames = linked_frames(persons)
    spec = linked_spec()
    separate = {"marts": {}}
    for name, mart in spec["marts"].items():
        separate["marts"][name] = {**mart, "population": f"only_{name}"}
    state = {}
    for name in spec["marts"]:
        single = build_structure({"marts": {name: separate["marts"][name]}}, {name: frames[name]})
        result = protect(single, K, intervals=False).cells(single.cells)
        state.update(
            {(name, c): s for c, s in zip(result["cell_id"], result["is_suppressed"], strict=True)}
        )
    linked = build_structure(spec, frames)
    per_var = [False] * linked.n_vars
    for mart, cell, var in linked.cells.itertuples(index=False):
        per_var[var] = per_var[var] or state[(mart, cell)]
    recovered, _ = attack(linked, per_var)
    assert recovered, "per-mart protection should be breakable across marts"


def _one_relation(counts: dict[str, int], rows: str = "present_only"):
    frame = pd.DataFrame(
        {"g": list(counts) + [TOTAL], "n_persons": list(counts.values()) + [sum(counts.values())]}
    )
    frame = frame[frame["n_persons"] > 0] if rows == "present_only" else frame
    spec = {"marts": {"m": {"cells": ["g"], "additive": ["g"], "rows": rows}}}
    return build_structure(spec, {"m": frame})


NAMED_AT_LEAST_20 = [{"where": {}, "except": {"g": ["Övriga", TOTAL]}, "value": 20}]


def _choice(at_least: list[dict], named: int = 24):
    counts = {"X": named, "Y": 21, "Övriga": 3}
    frame = pd.DataFrame(
        {"g": [*counts, TOTAL], "n_persons": [*counts.values(), sum(counts.values())]}
    )
    mart = {"cells": ["g"], "additive": ["g"], "rows": "present_only", "at_least": at_least}
    return build_structure({"marts": {"m": mart}}, {"m": frame})


def test_a_public_lower_bound_is_protected_against():
    """Institution choice names an institution only where 20 persons chose it. The
    engine that did not know it hid Övriga (3) with Y (21) beside the published
    total (48) and X (24): Övriga = 48 - 24 - Y is at most 4 to whoever knows
    Y >= 20. Declared (`at_least`), the engine hides more."""
    declared = _choice(NAMED_AT_LEAST_20)
    floors = {g: declared.floors[_var(declared, "m", g=g)] for g in ("X", "Y", "Övriga", TOTAL)}
    assert floors == {"X": 20, "Y": 20, "Övriga": 0, TOTAL: 0}
    unaware = _choice([])
    leaked = attack(unaware, protect(unaware, K).is_suppressed, floors=declared.floors)
    assert leaked[1], "the engine without the bound should leave Övriga provably small"
    result = protect(declared, K)
    assert attack(declared, result.is_suppressed, floors=declared.floors) == ([], [])


def test_an_at_least_the_counts_break_stops_the_build():
    with pytest.raises(StructureError, match="1 cells count less than their at_least"):
        _choice(NAMED_AT_LEAST_20, named=19)


def test_total_seven_over_seven_rows_of_one():
    """Total 7 published over 7 rows of 1: row existence makes each 1."""
    structure = _one_relation({f"k{i}": 1 for i in range(7)} | {"big": 40})
    gauss_only = protect(structure, K, intervals=False)
    assert attack(structure, gauss_only.is_suppressed)[1]  # Gauss alone: all proven 1
    result = protect(structure, K)
    assert attack(structure, result.is_suppressed) == ([], [])


def test_two_small_cells_with_a_published_small_sum():
    structure = _one_relation({"a": 1, "b": 2, "c": 30, "d": 31})
    gauss_only = protect(structure, K, intervals=False)
    assert attack(structure, gauss_only.is_suppressed)[1]  # a + b = 3 proves both small
    result = protect(structure, K)
    assert attack(structure, result.is_suppressed) == ([], [])
    # a published sum of 8 over two suppressed cells of 4 proves nothing: no extra cell
    wide = _one_relation({"a": 4, "b": 4, "c": 30, "d": 31})
    assert sum(protect(wide, K).is_suppressed) == 2


def test_result_does_not_depend_on_row_order():
    persons = thirteen_municipalities(seed=7)
    frames = linked_frames(persons)
    first = protect(build_structure(linked_spec(), frames), K)
    shuffled = {name: frame.sample(frac=1, random_state=3) for name, frame in frames.items()}
    second_structure = build_structure(linked_spec(), shuffled)
    second = protect(second_structure, K)
    first_cells = first.cells(build_structure(linked_spec(), frames).cells).sort_values(
        ["mart", "cell_id"]
    )
    second_cells = second.cells(second_structure.cells).sort_values(["mart", "cell_id"])
    assert first_cells["is_suppressed"].tolist() == second_cells["is_suppressed"].tolist()


def test_scaled_input_benchmark():
    """Three times the 13-municipality shape in one component, three years as
    separate components; prints the time (demo figures: docs/disclosure-control.md)."""
    rng = np.random.default_rng(1)
    frames_list = []
    for year in range(3):
        persons = pd.concat(
            [
                thirteen_municipalities(seed=int(rng.integers(1e6))).assign(
                    municipality=lambda f, b=block: f["municipality"] + f"_{b}"
                )
                for block in range(3)
            ],
            ignore_index=True,
        ).assign(year=str(2010 + year))
        frames_list.append(linked_frames(persons))
    frames = {
        name: pd.concat([f[name] for f in frames_list], ignore_index=True)
        for name in frames_list[0]
    }
    frames["transition"] = frames["transition"].drop_duplicates()
    started = time.perf_counter()
    structure = build_structure(linked_spec(), frames)
    result = protect(structure, K)
    seconds = time.perf_counter() - started
    print(
        f"scaled: {structure.n_vars} variables, {len(structure.equations)} relations, "
        f"{seconds:.1f} s"
    )
    assert seconds < 120
    assert sum(result.is_suppressed) >= sum(result.is_primary)


def test_cube_fixture_counts_totals_from_persons():
    persons = pd.DataFrame({"a": ["x", "y", "y"], "b": ["1", "1", "2"]})
    counted = cube(persons, [], [["a"], ["b"]])
    assert counted.query("a == @TOTAL and b == @TOTAL")["n_persons"].item() == 3


def test_old_per_mart_passes_leak_on_the_same_data():
    """The SQL per-mart passes this replaces (re-implemented in
    test_disclosure_control) leave cells recoverable or provably small on the
    13-municipality shape; the linked engine leaves none (test above)."""
    from test_disclosure_control import _secondary_fixed_point

    frames = linked_frames(thirteen_municipalities())
    structure = build_structure(linked_spec(), frames)
    state = {}
    for name, mart in linked_spec()["marts"].items():
        frame = frames[name].reset_index(drop=True)
        suppressed = _secondary_fixed_point(frame, mart["additive"])
        for record, flag in zip(frame.to_dict("records"), suppressed, strict=True):
            state[(name, cell_id(record, mart["cells"]))] = bool(flag)
    per_var = [False] * structure.n_vars
    for mart, cell, var in structure.cells.itertuples(index=False):
        per_var[var] = per_var[var] or state[(mart, cell)]
    recovered, proven_small = attack(structure, per_var)
    assert recovered or proven_small
