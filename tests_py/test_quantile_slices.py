"""The quartiles of a cell's rows together (sdc/quantile_slices.py,
audit/quantile_slices.py): the facts hold on the values they come from; the
audit reads what the `Totalt` and the women's quartiles say about the men's
bands, which no row's quartiles say alone; the engine protects against it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parent))
import audit_fixtures as fx  # noqa: E402

from studentflow.sdc import computed, quantile_slices
from studentflow.sdc.protect import protect
from studentflow.sdc.quantile_bounds import QUANTILES
from studentflow.sdc.quantile_slices import facts, slices
from studentflow.sdc.run import suppress
from studentflow.sdc.structure import Structure, StructureError

K, K_MAGNITUDE = 5, 13  # the men (12) show no quartiles
LOWEST = {"a": None, "b": 100, "c": 200}
QUARTILES = [f"income_sek_{q}" for q in QUANTILES]
ENTRY = {
    "mart": "alm",
    "measure": "income_sek",
    "split": "sex",
    "of": {"variable": "inkomst", "category_code": "förvärvsarbetande"},
    "bands": {"where": {"variable": "inkomstklass"}, "column": "category_code", "lowest": LOWEST},
}
# 27 employed with a median of 150: at most 13 earn more. The women's first
# quartile, 207.5, puts 11 of them above that, so at most 2 employed men earn
# more than 150. The men's bands count their 4 not employed too, but those have
# no income (etablering `utanför`), so the men's band c (from 200: 2) is
# provably 1..2. No row's quartiles say it alone: the `Totalt` median's floor
# (14 in bands a and b) leaves the men's c up to 31 - 14 - 11 = 6
INCOMES = {
    "Män": [10, 20, 30, 40, 50, 110, 120, 130, 140, 150, 250, 260],
    "Kvinnor": [100, 105, 110, 115, *range(300, 410, 10)],
}
NOT_EMPLOYED = {"Män": 4, "Kvinnor": 0}  # without an income: band a
THRESHOLD = "etablering_threshold_sek"
FIRST = {"incomes": INCOMES, "without": NOT_EMPLOYED, "lowest": LOWEST}
ENTRY["not_employed"] = {"without_income": [{"variable": "etablering", "category_code": "utanför"}]}


def _without(entry: dict, key: str) -> dict:
    return {name: value for name, value in entry.items() if name != key}


def _spec(entry: dict) -> dict:
    return {
        "total_label": "Totalt",
        "populations": {"alumni": {"quantile_bounds": [entry]}},
        "marts": {
            "alm": {
                "population": "alumni",
                "aggregate": "agg_alm",
                "count": "n",
                "cells": ["grp", "sex", "variable", "category_code"],
                "additive": ["sex", "category_code"],
                "rows": "present_only",
            }
        },
    }


def _aggregate(world: dict | None = None) -> pd.DataFrame:
    """The exact rows of a ``world`` (default :data:`FIRST`; zero rows left out,
    as the marts do), with the quartiles of ``quantile_cont`` on the employed's
    row; with a ``threshold``, etablerad (the employed from it up) and the
    threshold column on every row."""
    world = world or FIRST
    edges = [value for value in world["lowest"].values() if value is not None]
    rows = []
    for sex in [*world["incomes"], "Totalt"]:
        employed, with_income, without = _persons(world, sex)
        quartiles = np.quantile(employed, list(QUANTILES.values()), method="linear").tolist()
        rows.append((sex, "inkomst", "förvärvsarbetande", len(employed), len(employed), *quartiles))
        everyone = np.r_[employed, with_income, np.zeros(without)]
        counts = np.bincount(
            np.searchsorted(edges, everyone, side="right"), minlength=len(world["lowest"])
        )
        told = [*zip(world["lowest"], counts.tolist(), strict=True), ("Totalt", len(everyone))]
        rows += [(sex, "inkomstklass", code, count) for code, count in told]
        rows += [(sex, "etablering", "utanför", without), (sex, "etablering", "svag position",
                 len(with_income))]  # fmt: skip
        if world.get("threshold"):
            count = int((employed >= world["threshold"]).sum())
            rows.append((sex, "etablering", "etablerad", count))
    columns = ["sex", "variable", "category_code", "n_persons", "income_sek_n", *QUARTILES]
    rows = [row + (0, None, None, None)[len(row) - 4 :] for row in rows]
    frame = pd.DataFrame(rows, columns=columns).assign(grp="g")
    frame = frame[frame["n_persons"] > 0]
    if world.get("threshold"):
        frame = frame.assign(**{THRESHOLD: world["threshold"]})
    return frame.reset_index(drop=True)


def _persons(world: dict, sex: str) -> tuple[np.ndarray, np.ndarray, int]:
    """(the employed's incomes, the incomes of the not employed with one, how
    many have none) of a sex, or of all (``Totalt``)."""
    sexes = list(world["incomes"]) if sex == "Totalt" else [sex]
    employed = np.concatenate([np.asarray(world["incomes"][s], dtype=float) for s in sexes])
    with_income = [float(v) for s in sexes for v in world.get("with_income", {}).get(s, [])]
    return employed, np.asarray(with_income), sum(world["without"][s] for s in sexes)


def _published(aggregate: pd.DataFrame, hidden) -> pd.DataFrame:
    """As sdc_publish: the quartiles only beside a published count of at least
    K_MAGNITUDE."""
    frame = aggregate.rename(columns={"n_persons": "n"}).drop(columns="income_sek_n")
    shown = ~np.asarray(hidden, dtype=bool) & (frame["n"] >= K_MAGNITUDE).to_numpy()
    for column in QUARTILES:
        frame[column] = frame[column].where(shown)
    return fx.as_published(frame, hidden)


def _audited(tmp: Path, hidden, entry: dict = ENTRY, world: dict | None = None):
    """The audit of the publication of ``world`` (default :data:`FIRST`) with
    ``hidden`` suppressed, under ``entry``."""
    world = world or FIRST
    aggregate = _aggregate(world)
    published = _published(aggregate, hidden).drop(columns=THRESHOLD, errors="ignore")
    tables = {
        "published": {"alm": published},
        "aggregates": {"agg_alm": aggregate.drop(columns=QUARTILES)},
    }
    db = fx.write_warehouse(tmp / "slices.duckdb", tables)
    spec = _threshold_spec(entry) if world.get("threshold") else _spec(entry)
    return fx.audited_and_scored(db, {"version": 1, **spec})[0]


def _engine_hidden(spec: dict, aggregate: pd.DataFrame) -> np.ndarray:
    """The engine's decisions on ``aggregate``'s rows."""
    cells, _ = suppress(spec, {"agg_alm": aggregate}, K, k_magnitude=K_MAGNITUDE)
    ids = aggregate.apply(
        lambda r: f"category_code={r.category_code}|grp=g|sex={r.sex}|variable={r.variable}", axis=1
    )
    return ids.map(cells.set_index("cell_id")["is_suppressed"]).to_numpy(dtype=bool)


def _men_bands_and_totals_hidden() -> np.ndarray:
    frame = _aggregate()
    band = (frame["variable"] == "inkomstklass") & (frame["category_code"] != "Totalt")
    return (band & frame["sex"].isin(["Män", "Totalt"])).to_numpy()


def test_every_fact_holds_on_the_values_it_comes_from():
    """Random whole-kronor samples: every fact of every quartile holds on the
    counts per slice, and some are met exactly (the bounds are the tightest)."""
    rng = np.random.default_rng(11)
    edges = np.array([-np.inf, 1, 100_000, 200_000, 300_000], dtype=float)
    exact = 0
    for _ in range(200):
        n = int(rng.integers(1, 40))
        values = np.round(rng.lognormal(12, 0.7, n) * rng.integers(0, 2, n))
        quartiles = np.quantile(values, list(QUANTILES.values()), method="linear")
        inside, _ = slices(edges, quartiles)
        cuts = np.unique(np.r_[edges[1:], quartiles])
        number = 2 * np.searchsorted(cuts, values, side="left") + np.isin(values, cuts)
        counted = np.bincount(number, minlength=len(inside))
        for fact in facts(n, quartiles, inside):
            total = int(counted[fact.mask].sum())
            assert total >= fact.bound if fact.sense == "ge" else total <= fact.bound
            exact += total == fact.bound
    assert exact > 200


def test_the_audit_reads_the_sexes_quartiles_together(tmp_path):
    result = _audited(tmp_path, _men_bands_and_totals_hidden())
    leaks = result.leaks
    assert leaks[["sex", "category_code"]].values.tolist() == [["Män", "c"]]
    assert leaks[["low", "high"]].values.tolist() == [[1.0, 2.0]]
    assert leaks["relations"].str.contains("quantile slices").all()


def test_each_rows_quartiles_alone_leave_the_mens_band_safe(tmp_path):
    """The same publication read row by row (quantile_bounds without ``split``)."""
    alone = _without(ENTRY, "split")
    result = _audited(tmp_path, _men_bands_and_totals_hidden(), alone)
    assert not result.failed, result.leaks


@pytest.mark.parametrize("aware", [True, False])
def test_the_engine_protects_against_the_slices(tmp_path, aware):
    """The engine's decisions, published and audited with the slices: aware of
    them it passes; unaware (no ``split``) the audit finds the men's band c."""
    entry = ENTRY if aware else _without(ENTRY, "split")
    result = _audited(tmp_path, _engine_hidden(_spec(entry), _aggregate()))
    assert result.failed is not aware, result.leaks


def test_quartiles_that_do_not_fit_the_bands_stop_the_build():
    """A women's first quartile above the band the aggregate counts them in: no
    whole-number slice counts fit, a delivery or model error."""
    wrong = _aggregate()
    women = (wrong["sex"] == "Kvinnor") & (wrong["variable"] == "inkomst")
    wrong.loc[women, "income_sek_p25"] = 500
    with pytest.raises(StructureError, match="do not fit together"):
        suppress(_spec(ENTRY), {"agg_alm": wrong}, K, k_magnitude=K_MAGNITUDE)


def test_the_exact_slice_counts_fit_and_a_broken_one_is_found():
    """The slice counts the engine starts from fit every relation; moved by one,
    the LP's rounding check names their cell, which is then solved alone."""
    aggregate = _aggregate()
    out = _written(aggregate)
    values = aggregate["n_persons"].to_numpy()
    found = quantile_slices.exact_counts(out, values)
    system = quantile_slices._System(out, values)
    assert len(found) == len(out.owner) > 0
    assert system.broken_cells(found.astype(float)) == []
    moved = found.astype(float)
    moved[0] += 1
    assert system.broken_cells(moved) == [0]


def _written(aggregate: pd.DataFrame) -> quantile_slices.Written:
    """The slices' relations of the hand-built cell, over its rows' numbers."""
    cells = aggregate[["grp", "sex", "variable", "category_code"]].assign(
        __var=np.arange(len(aggregate))
    )
    rows = computed._quartile_rows(_spec(ENTRY), ENTRY, {"agg_alm": aggregate}, K_MAGNITUDE)
    out = quantile_slices.Written(len(aggregate))
    keys = quantile_slices.cell_keys(_spec(ENTRY)["marts"]["alm"], ENTRY)
    quantile_slices.relations(ENTRY, "Totalt", keys, cells, rows, out)
    return out


def _intervals(out: quantile_slices.Written, values: np.ndarray, hidden: np.ndarray):
    """Each hidden row's least and greatest value under the relations, the others
    at their ``values``: what the attacker proves."""
    n = out.first + len(out.owner)

    def matrix(relations):
        dense = np.zeros((len(relations), n))
        for i, relation in enumerate(relations):
            dense[i, list(relation)] = list(relation.values())
        return dense

    known = np.r_[values.astype(float), np.full(len(out.owner), np.nan)]
    known[: out.first][hidden] = np.nan
    bounds = [(0, None) if np.isnan(v) else (v, v) for v in known]
    eq, le = matrix(out.equations), matrix(out.inequalities)
    found = []
    for row in np.flatnonzero(hidden):
        ends = []
        for sign in (1, -1):
            objective = np.zeros(n)
            objective[row] = sign
            result = linprog(objective, le, np.zeros(len(le)), eq, np.zeros(len(eq)), bounds)
            ends.append(sign * result.fun if result.status == 0 else np.inf)
        found.append(ends)
    return found


def test_slices_no_relation_tells_apart_share_one_variable(monkeypatch):
    """A band edge no quartile falls on, and a quartile of a row without facts,
    cut nothing: their slices merge with a neighbour, and the attacker proves
    exactly what one variable per slice lets him prove."""
    aggregate = _aggregate()
    values, hidden = aggregate["n_persons"].to_numpy(), _men_bands_and_totals_hidden()
    merged = _written(aggregate)
    with monkeypatch.context() as patch:
        patch.setattr(
            quantile_slices, "distinct", lambda band, masks: np.arange(len(band)), raising=False
        )
        every = _written(aggregate)
    assert len(merged.owner) < len(every.owner)
    proved = _intervals(merged, values, hidden)
    np.testing.assert_allclose(proved, _intervals(every, values, hidden))
    assert any(0 < low for low, _ in proved)  # the slices do tell something


# A cell of the kind the demo's audit found with ``employed_from_threshold``
# (umu 1MELT MAST, window 2013, 3 years; here scaled to K_MAGNITUDE). All 13
# employed men are etablerad, so all earn at least 236 100, and no man is in
# 200-299: the men's first quartile, 340 550, puts at least 4 of them in
# 300-399, so the women's 300-399 is at most 8 - 4. The men's median, 420 000,
# leaves at most 6 employed men below it, and one man not employed has an
# income: at most 7 men there, so the women's is at least 1. The bands from
# 200-299 up (threshold_bands) hold the 13 too, but count the not employed as
# well and allow employed men under 100 000: the women's could be 8.
INCOME_LOWEST = {"0": None, "1-99": 1, "100-199": 100_000, "200-299": 200_000,
                 "300-399": 300_000, "400-499": 400_000, "500-": 500_000}  # fmt: skip
THRESHOLD_WORLD = {
    "incomes": {
        "Män": [
            310_000,
            320_000,
            330_000,
            340_550,
            350_000,
            410_000,
            420_000,
            430_000,
            440_000,
            510_000,
            520_000,
            530_000,
            540_000,
        ],
        "Kvinnor": [305_000, 315_000, 325_000, 450_000, 550_000],
    },  # fmt: skip
    "with_income": {"Män": [50_000], "Kvinnor": [60_000]},
    "without": {"Män": 1, "Kvinnor": 1},
    "lowest": INCOME_LOWEST,
    "threshold": 236_100,
}
THRESHOLD_ENTRY = {
    **ENTRY,
    "bands": {**ENTRY["bands"], "lowest": INCOME_LOWEST},
    "not_employed": {
        "with_income": [{"variable": "etablering", "category_code": "svag position"}],
        "without_income": [{"variable": "etablering", "category_code": "utanför"}],
    },
    "employed_from_threshold": {
        "where": {"variable": "etablering", "category_code": "etablerad"},
        "threshold": THRESHOLD,
    },
}
SHOWN = [("Män", "inkomst", "förvärvsarbetande"), ("Män", "etablering", "etablerad"),
         ("Män", "etablering", "svag position"), ("Totalt", "inkomstklass", "300-399")]  # fmt: skip


def _threshold_spec(entry: dict) -> dict:
    """The threshold world's declaration: ``entry``'s quartiles and the
    etablerad within the bands from the threshold up (threshold_bands)."""
    spec = _spec(entry)
    spec["populations"]["alumni"]["threshold_bands"] = [
        {"mart": "alm", "cell": THRESHOLD_ENTRY["employed_from_threshold"]["where"],
         "threshold": THRESHOLD, "bands": THRESHOLD_ENTRY["bands"]}
    ]  # fmt: skip
    return spec


def _all_but_shown_hidden() -> np.ndarray:
    frame = _aggregate(THRESHOLD_WORLD)
    keys = list(zip(frame["sex"], frame["variable"], frame["category_code"], strict=True))
    return ~np.isin(np.arange(len(frame)), [keys.index(shown) for shown in SHOWN])


def test_the_audit_reads_the_employed_from_the_threshold_up(tmp_path):
    result = _audited(tmp_path, _all_but_shown_hidden(), THRESHOLD_ENTRY, THRESHOLD_WORLD)
    leaks = result.leaks
    assert leaks[["sex", "category_code"]].values.tolist() == [["Kvinnor", "300-399"]]
    assert leaks[["low", "high"]].values.tolist() == [[1.0, 4.0]]
    assert leaks["relations"].str.contains("quantile slices").all()


def test_the_bands_from_the_threshold_up_leave_the_womens_band_safe(tmp_path):
    """The same publication without ``employed_from_threshold``: only
    threshold_bands' whole bands, which count the not employed too."""
    entry = _without(THRESHOLD_ENTRY, "employed_from_threshold")
    result = _audited(tmp_path, _all_but_shown_hidden(), entry, THRESHOLD_WORLD)
    assert not result.failed, result.leaks


def test_the_engine_protects_against_the_employed_from_the_threshold(tmp_path):
    """The engine's decisions on the threshold world, audited with
    ``employed_from_threshold``, pass. (Unaware of it, only threshold_bands,
    the engine once failed here: it suppressed the etablerad of both sexes,
    which the audit then determined exactly. It suppressed them only because
    it took positive income slices as known to be at least 1 (tasks.py,
    BOUNDED_LOW); without that it publishes them and passes here too.)"""
    hidden = _engine_hidden(_threshold_spec(THRESHOLD_ENTRY), _aggregate(THRESHOLD_WORLD))
    result = _audited(tmp_path, hidden, THRESHOLD_ENTRY, THRESHOLD_WORLD)
    assert not result.failed, result.leaks


def _employed_by_slice(first: int, second: int) -> Structure:
    """a (2) + b (4) = t (6), the three published cells; b's employed in two
    income slices, hidden (bounded): ``first`` and ``second``, one whole-number
    solution of b = first + second."""
    cells = pd.DataFrame({"mart": "m", "cell_id": ["g=a", "g=b", "g=t"], "var": [0, 1, 2]})
    return Structure(
        cells, [2, 4, 6, first, second], [False] * 5, [0, 1, 2, 3, 4], [0, 0, 1, 0, 0],
        equations=[{0: 1.0, 1: 1.0, 2: -1.0}, {1: 1.0, 3: -1.0, 4: -1.0}],
        bounded=np.array([3, 4]),
    )  # fmt: skip


def test_the_decision_does_not_depend_on_which_slice_counts_are_taken():
    """The engine's slice counts are any whole-number solution (exact_counts), not
    the truth. Taken as known to be at least 1 where that solution is positive,
    the slices (3, 1) put b at 2 or more and a below k, and t was suppressed;
    the slices (4, 0) left t published. Only the slices' public floor binds them
    (tasks.py, BOUNDED_LOW), so a is protected by b alone either way, as the
    audit, which takes slices as at least 0, finds."""
    decisions = [
        protect(_employed_by_slice(*counts), K).is_suppressed[:3] for counts in ((3, 1), (4, 0))
    ]
    assert decisions == [[True, True, False], [True, True, False]]
