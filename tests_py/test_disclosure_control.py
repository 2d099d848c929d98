"""Disclosure control, proven end to end through dbt.

Every test here builds the planted fixtures (models/sdc_fixtures, enabled by
var sdc_planted_fixtures) with dbt in its own temporary DuckDB file and target
directory, from a small generated `personer` extract, then reads the result:

* planted violations (a 3, a lone suppressed category beside a published
  total, a median from 4 persons, a share with a suppressed numerator, a
  person_id column) make the sdc_* tests FAIL; clean marts built with
  sdc_count_cells + sdc_publish PASS them; a mart in the published schema
  that declares no sdc test makes assert_published_marts_declare_sdc_tests
  fail and is named by it;
* secondary suppression leaves no relation with exactly one suppressed cell,
  equals an independent fixed-point re-implementation, and picks the
  smallest non-zero part with ties by code;
* the cell key method: same cell same value across marts, |perturbation| <= D,
  zeros stay zero, shares from perturbed counts, and the perturbed counts
  equal ONS's own cell-key-perturbation package (3.x, threshold 0; adapter in
  tests_py/ons_cell_key.py) on the same record keys and perturbation table,
  counts above 750 included - with the project's hashed keys and 256 cell keys,
  and with delivered record keys (personer.RecordKey) and ONS's current 4096.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ons_cell_key as ons  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = "sdc-pytest-record-key-seed"
TOTAL = "Totalt"
K = 5
D = 3
V = 1.5
N_PERSONS = 3000
WIDE_KEY_RANGE = 4096  # ONS's current perturbation tables: cell keys 0..4095

REGION_DIMS = ["sex_label", "county_code", "municipality_code"]
REGION_HIERARCHIES = [["sex_label"], ["county_code", "municipality_code"]]
AGE_DIMS = ["county_code", "age_group"]
AGE_HIERARCHIES = [["county_code"], ["age_group"]]

CLEAN_MARTS = ["sdc_fixture_region", "sdc_fixture_age"]
ALL_SDC_TESTS = {
    "sdc_no_small_counts",
    "sdc_no_single_suppressed_part",
    "sdc_no_identifier_columns",
    "sdc_derived_follows_inputs",
    "sdc_magnitude_min_persons",
}


# --------------------------------------------------------------------------- helpers


def _dbt_executable() -> str:
    local = Path(sys.executable).with_name("dbt")
    if local.exists():
        return str(local)
    found = shutil.which("dbt")
    if not found:
        pytest.skip("dbt is not installed")
    return found


class DbtRun:
    """One dbt invocation in its own DuckDB file and target directory.

    Started at once (`start`), waited for on first use (`wait`), so the
    independent builds of this module run in parallel.
    """

    def __init__(
        self,
        workdir: Path,
        name: str,
        command: str,
        select: list[str],
        dbt_vars: dict,
        extra: list[str] | None = None,
    ):
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.database = self.dir / "warehouse.duckdb"
        self.target = self.dir / "target"
        self.env = {
            **os.environ,
            "STUDENTFLOW_DUCKDB": str(self.database),
            "STUDENTFLOW_RAW_DIR": str(workdir / "raw"),
            "STUDENTFLOW_RAW_FORMAT": "parquet",
            "STUDENTFLOW_RECORD_KEY_SEED": SEED,
            "STUDENTFLOW_TARGET": "dev",
            "STUDENTFLOW_THREADS": "2",
            "STUDENTFLOW_MEMORY_LIMIT": "1GB",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        self.args = [
            _dbt_executable(),
            command,
            "--project-dir",
            str(ROOT),
            "--profiles-dir",
            str(workdir / "profiles"),
            "--target-path",
            str(self.target),
            "--log-path",
            str(self.dir / "logs"),
            *(["--select", *select] if select else []),
            "--vars",
            json.dumps({"sdc_planted_fixtures": True, **dbt_vars}),
            *(extra or []),
        ]
        self._process: subprocess.Popen | None = None
        self.returncode: int | None = None
        self.output = ""

    def start(self) -> DbtRun:
        self._process = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        return self

    def wait(self) -> DbtRun:
        if self._process is None:
            self.start()
        if self.returncode is None:
            self.output, _ = self._process.communicate(timeout=600)
            self.returncode = self._process.returncode
        return self

    # results ------------------------------------------------------------------
    def results(self) -> dict[str, dict]:
        """unique_id -> run result (status, failures, compiled_code)."""
        path = self.target / "run_results.json"
        assert path.exists(), f"dbt did not run:\n{self.output[-4000:]}"
        return {r["unique_id"]: r for r in json.loads(path.read_text())["results"]}

    def manifest(self) -> dict:
        return json.loads((self.target / "manifest.json").read_text())

    def tests_on(self, model_name: str) -> dict[str, str]:
        """Generic test name -> status for the tests attached to one model."""
        manifest = self.manifest()
        model_id = f"model.studentflow.{model_name}"
        statuses: dict[str, str] = {}
        for unique_id, result in self.results().items():
            node = manifest["nodes"].get(unique_id, {})
            if node.get("resource_type") != "test" or not node.get("test_metadata"):
                continue
            if model_id in node["depends_on"]["nodes"]:
                statuses[node["test_metadata"]["name"]] = result["status"]
        return statuses

    def query(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).df()


def _write_personer(path: Path) -> None:
    with duckdb.connect() as con:
        con.execute(
            f"""
            copy (
                select
                    cast(range as bigint) as LopNr,
                    cast(1 + range % 2 as smallint) as Kon,
                    cast(1970 + range % 30 as smallint) as FodelseAr,
                    'SE' as FodLand,
                    cast(null as bigint) as LopNrMor,
                    cast(null as bigint) as LopNrFar,
                    -- a stored record key per person (used only with sdc_record_keys:
                    -- delivered): a fixed permutation-like spread over 0..4095
                    cast((range * 2654435761) % {WIDE_KEY_RANGE} as bigint) as RecordKey
                from range(1, {N_PERSONS + 1})
            ) to '{path}' (format parquet)
            """
        )


def _make_user_ptable(path: Path, key_range: int) -> pd.DataFrame:
    """A random ptable in ONS layout whose rows all differ, so the pcv rule matters."""
    rng = np.random.default_rng(20250601)
    pcvs, ckeys = np.meshgrid(np.arange(1, 751), np.arange(key_range), indexing="ij")
    grid = pd.DataFrame({"pcv": pcvs.ravel(), "ckey": ckeys.ravel()})
    low = -np.minimum(grid["pcv"].to_numpy(), D)
    grid["pvalue"] = rng.integers(low, D + 1)
    with duckdb.connect() as con:
        con.register("grid", grid)
        con.execute(f"copy grid to '{path}' (format parquet)")
    return grid


BAD_PTABLES = {
    "too_few_rows": (
        pd.DataFrame({"pcv": [1, 2], "ckey": [0, 0], "pvalue": [0, 0]}),
        "expected exactly 750 x 256",
    ),
    "missing_column": (
        pd.DataFrame({"pcv": [1], "ckey": [0], "perturbation": [0]}),
        "required column(s) missing: pvalue",
    ),
    # a table for ONS's current 4096 cell keys under the default 256 record keys
    "other_key_range": (
        pd.DataFrame({"pcv": 1, "ckey": range(4096), "pvalue": 0}),
        "set --vars '{sdc_ckey_range: 4096}'",
    ),
}


@pytest.fixture(scope="session")
def runs(tmp_path_factory) -> dict[str, DbtRun]:
    """Every dbt invocation of this module, started in parallel:

    suppression  the fixtures with sdc_method suppression (planted tests fail by
                 design, so dbt exits 1), the CI gate test, and the perturbation
                 table with non-default parameters D = 5, V = 3;
    cell_key     the clean fixture marts with sdc_method cell_key (default table);
    user_ptable  the same with a user-supplied random ptable for 4096 cell keys
                 (var sdc_ptable_path, sdc_ckey_range 4096) and the delivered
                 record keys (sdc_record_keys: delivered, personer.RecordKey);
    The malformed user ptables (``bad_ptable_run``) run later, one after another.
    """
    workdir = tmp_path_factory.mktemp("sdc")
    (workdir / "raw").mkdir()
    _write_personer(workdir / "raw" / "personer.parquet")
    (workdir / "profiles").mkdir()
    shutil.copy(ROOT / "profiles.yml.example", workdir / "profiles" / "profiles.yml")
    user_ptable_path = workdir / "user_ptable.parquet"
    started = {
        "suppression": DbtRun(
            workdir,
            "suppression",
            "build",
            [
                "+tag:sdc_fixtures",
                "assert_published_marts_declare_sdc_tests",
                "int_sdc_perturbation_table",
            ],
            {"sdc_method": "suppression", "sdc_ckm_max_deviation": 5, "sdc_ckm_variance": 3.0},
        ),
        "cell_key": DbtRun(
            workdir,
            "cell_key",
            "build",
            ["+sdc_fixture_region", "+sdc_fixture_age"],
            {"sdc_method": "cell_key"},
        ),
        "user_ptable": DbtRun(
            workdir,
            "user_ptable",
            "build",
            ["+sdc_fixture_region", "+sdc_fixture_age"],
            {
                "sdc_method": "cell_key",
                "sdc_ptable_path": str(user_ptable_path),
                "sdc_ckey_range": WIDE_KEY_RANGE,
                "sdc_record_keys": "delivered",
            },
        ),
    }
    started["user_ptable"].user_ptable = _make_user_ptable(user_ptable_path, WIDE_KEY_RANGE)
    for run in started.values():
        run.start()
    return started


@pytest.fixture(scope="session")
def bad_ptable_run(runs):
    """A function: dbt run of int_sdc_perturbation_table on a malformed user ptable.

    Every table is written to the same path, so every run has the same vars and
    target: the first parses the project, the next ones start from its parse
    (a different path per table made each run a full parse, beside the builds)."""
    workdir = runs["suppression"].dir.parent
    path = workdir / "bad_ptable.csv"

    def run(frame: pd.DataFrame) -> DbtRun:
        frame.to_csv(path, index=False)
        return DbtRun(
            workdir,
            "bad_ptable",
            "run",
            ["int_sdc_perturbation_table"],
            {"sdc_method": "cell_key", "sdc_ptable_path": str(path)},
        ).wait()

    return run


@pytest.fixture(scope="session")
def suppression_build(runs) -> DbtRun:
    run = runs["suppression"].wait()
    assert "sdc_fixture_region" in run.output, run.output[-4000:]
    return run


@pytest.fixture(scope="session")
def cell_key_build(runs) -> DbtRun:
    run = runs["cell_key"].wait()
    assert run.returncode == 0, run.output[-4000:]
    return run


@pytest.fixture(scope="session")
def user_ptable_build(runs) -> DbtRun:
    run = runs["user_ptable"].wait()
    assert run.returncode == 0, run.output[-4000:]
    return run


@pytest.fixture(scope="session")
def user_ptable(user_ptable_build) -> pd.DataFrame:
    return user_ptable_build.user_ptable


def _published(run: DbtRun, mart: str) -> pd.DataFrame:
    return run.query(f"select * from published.{mart}")


def _exact(run: DbtRun, mart: str) -> pd.DataFrame:
    aggregate = {
        "sdc_fixture_region": "sdc_fixture_agg_region",
        "sdc_fixture_age": "sdc_fixture_agg_age",
    }
    return run.query(f"select * from sdc_fixtures.{aggregate[mart]}")


def _reasons(run: DbtRun, mart: str) -> pd.DataFrame:
    """The published mart with the internal reason of each suppressed cell: 'primär'
    when the exact count is 1..k-1 (as agg_sdc_suppression_reasons derives it)."""
    dims = _dims(mart)
    published = _published(run, mart)
    assert "n_suppression_reason" not in published.columns  # reasons stay inside
    merged = published.merge(_exact(run, mart)[dims + ["n_persons"]], on=dims, how="left")
    primary = merged["n_persons"].between(1, 4)
    merged["reason"] = np.where(
        merged["n_is_suppressed"], np.where(primary, "primär", "sekundär"), None
    )
    return merged


def _dims(mart: str) -> list[str]:
    return REGION_DIMS if mart == "sdc_fixture_region" else AGE_DIMS


# --------------------------------------------------------------- a. planted violations

PLANTED = [
    ("sdc_planted_small_count", "sdc_no_small_counts"),
    ("sdc_planted_single_suppressed", "sdc_no_single_suppressed_part"),
    ("sdc_planted_small_median", "sdc_magnitude_min_persons"),
    ("sdc_planted_share_suppressed_numerator", "sdc_derived_follows_inputs"),
    ("sdc_planted_identifier", "sdc_no_identifier_columns"),
    # the one-test-per-mart forms: a violation in the second count column only
    ("sdc_planted_second_count", "sdc_no_small_counts"),
    ("sdc_planted_second_count", "sdc_no_single_suppressed_part"),
    # primary_key (unique + not null in one query) on a unique key with a NULL
    ("sdc_planted_null_key", "primary_key"),
]


@pytest.mark.parametrize(("model", "test_name"), PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_violation_fails_its_sdc_test(suppression_build, model, test_name):
    """A mart with a 3 / a lone suppressed category / a median from 4 persons /
    a share of a suppressed count / a person_id column is caught by its test."""
    statuses = suppression_build.tests_on(model)
    assert statuses.get(test_name) == "fail", statuses


@pytest.mark.parametrize("mart", CLEAN_MARTS)
def test_clean_fixture_mart_passes_every_sdc_test(suppression_build, mart):
    """A mart made by sdc_count_cells + sdc_publish passes all its sdc tests."""
    statuses = suppression_build.tests_on(mart)
    declared = {name for name in statuses if name.startswith("sdc_")}
    expected = (
        ALL_SDC_TESTS
        if mart == "sdc_fixture_region"
        else ALL_SDC_TESTS - {"sdc_magnitude_min_persons"}
    )
    assert declared == expected
    assert all(statuses[name] == "pass" for name in declared), statuses


def test_unique_combination_alone_misses_a_null_key(suppression_build):
    """What primary_key adds over unique_combination on the same key."""
    statuses = suppression_build.tests_on("sdc_planted_null_key")
    assert statuses == {"primary_key": "fail", "unique_combination": "pass"}


def test_total_without_parts_is_not_a_relation(suppression_build):
    """Regression: in a county > municipality hierarchy the national row is
    alone in the partition 'county = Totalt' of the municipality dimension.
    Suppressed together with the counties it is safe, and the test passes."""
    statuses = suppression_build.tests_on("sdc_fixture_hierarchy_total_only")
    assert statuses == {"sdc_no_single_suppressed_part": "pass"}


def test_ci_refuses_published_mart_without_sdc_tests(suppression_build):
    """assert_published_marts_declare_sdc_tests fails and names the mart that
    skips the tests - and does not name the clean marts that declare them."""
    results = suppression_build.results()
    singular = next(
        r for uid, r in results.items() if uid.endswith("assert_published_marts_declare_sdc_tests")
    )
    assert singular["status"] == "fail"
    missing = suppression_build.query(singular["compiled_code"])
    named = missing.groupby("model_name")["missing_test"].apply(set).to_dict()
    assert named.get("sdc_fixture_mart_without_tests") == {
        "sdc_no_small_counts",
        "sdc_no_single_suppressed_part",
        "sdc_no_identifier_columns",
    }
    assert not set(CLEAN_MARTS) & set(named)


# ------------------------------------------------------------ b. secondary suppression


def _relations(frame: pd.DataFrame, dims: list[str]):
    """(additive dim, relation frame) for every relation that has a total row."""
    for dim in dims:
        others = [d for d in dims if d != dim]
        for _, relation in frame.groupby(others):
            # a relation is a total row with at least one part (an equation)
            if (relation[dim] == TOTAL).any() and (relation[dim] != TOTAL).any():
                yield dim, relation


def _secondary_fixed_point(
    exact: pd.DataFrame, dims: list[str], max_passes: int | None = None
) -> pd.Series:
    """Independent re-implementation of the documented algorithm: primary
    0 < n < k, then for each additive dim in turn, in every relation with
    exactly one suppressed cell suppress the smallest open non-zero part (ties
    by code; zeros last); with no open part, the total. Repeat to a fixed point."""
    frame = exact.reset_index(drop=True)
    suppressed = (frame["n_persons"] > 0) & (frame["n_persons"] < K)
    passes = 0
    while max_passes is None or passes < max_passes:
        before = suppressed.copy()
        for dim in dims:
            others = [d for d in dims if d != dim]
            state = suppressed.copy()
            for _, index in frame.groupby(others).groups.items():
                relation = frame.loc[index]
                if int(state[index].sum()) != 1:
                    continue
                is_part = relation[dim] != TOTAL
                open_parts = relation[is_part & ~state[index]]
                if is_part.all():
                    continue  # no total row: not a published relation
                if len(open_parts):
                    order = open_parts.assign(zero=open_parts["n_persons"] == 0).sort_values(
                        ["zero", "n_persons", dim]
                    )
                    suppressed[order.index[0]] = True
                else:
                    total_index = relation.index[~is_part]
                    suppressed[total_index[~state[total_index]]] = True
        passes += 1
        if suppressed.equals(before):
            break
    return suppressed


def test_no_relation_has_exactly_one_suppressed_cell(suppression_build):
    """In every additive relation (sex within a municipality, municipalities
    within a county, counties within the nation) the number of suppressed
    cells - parts or total - is never exactly one."""
    published = _published(suppression_build, "sdc_fixture_region")
    lone = [
        (dim, relation[REGION_DIMS].to_dict("records"))
        for dim, relation in _relations(published, REGION_DIMS)
        if relation["n_is_suppressed"].sum() == 1
    ]
    assert not lone
    # both reasons occur (internal), and suppressed cells carry no value
    assert set(_reasons(suppression_build, "sdc_fixture_region")["reason"].dropna()) == {
        "primär",
        "sekundär",
    }
    assert published.loc[published["n_is_suppressed"], "n"].isna().all()
    assert (published.loc[published["n_is_suppressed"], "n_display"] == "..").all()


def test_secondary_suppression_equals_fixed_point_and_needs_iteration(suppression_build):
    """The SQL result is the fixed point of the algorithm; one pass is not
    enough on this fixture (protecting one relation breaks another)."""
    exact = (
        _exact(suppression_build, "sdc_fixture_region")
        .sort_values(REGION_DIMS)
        .reset_index(drop=True)
    )
    published = (
        _published(suppression_build, "sdc_fixture_region")
        .sort_values(REGION_DIMS)
        .reset_index(drop=True)
    )
    assert (exact[REGION_DIMS].to_numpy() == published[REGION_DIMS].to_numpy()).all()
    fixed_point = _secondary_fixed_point(exact, REGION_DIMS)
    assert published["n_is_suppressed"].tolist() == fixed_point.tolist()
    one_pass = _secondary_fixed_point(exact, REGION_DIMS, max_passes=1)
    assert not one_pass.equals(fixed_point)


def test_secondary_choice_is_smallest_nonzero_part_ties_by_code(suppression_build):
    """Hand-checked result on the designed fixture.

    Kvinnor 0114 = 3 (primary) -> sex relation of 0114: Män 0114 (its only open
    part) -> municipalities of Män in 01: 0115 and 0117 both 12, tie -> 0115
    by code; likewise Kvinnor 0115 (9) before 0117 (9). In county 03, 0305 is
    primary for Män, Kvinnor and Totalt; Kvinnor in 03 takes 0319 (8), not
    the zero cell 0330; Män and Totalt take 0330 (6); then the sex relation
    of 0319 has a lone suppressed Kvinnor and takes Män 0319 (second pass).
    """
    published = _reasons(suppression_build, "sdc_fixture_region")
    flagged = published[published["n_is_suppressed"]]
    got = {(row.sex_label, row.municipality_code): row.reason for row in flagged.itertuples()}
    assert got == {
        ("Kvinnor", "0114"): "primär",
        ("Män", "0305"): "primär",
        ("Kvinnor", "0305"): "primär",
        ("Totalt", "0305"): "primär",
        ("Män", "0114"): "sekundär",
        ("Män", "0115"): "sekundär",
        ("Kvinnor", "0115"): "sekundär",
        ("Kvinnor", "0319"): "sekundär",
        ("Män", "0319"): "sekundär",
        ("Män", "0330"): "sekundär",
        ("Totalt", "0330"): "sekundär",
    }
    # the zero stays published as 0, and shares/medians follow suppression
    zero = published[
        (published["sex_label"] == "Kvinnor") & (published["municipality_code"] == "0330")
    ]
    assert zero["n"].tolist() == [0] and not zero["n_is_suppressed"].any()
    assert published.loc[published["n_is_suppressed"], "share"].isna().all()
    assert published.loc[published["n"].fillna(0) < 10, "income_sek_median"].isna().all()


# --------------------------------------------------------------------- c. cell key


def test_record_keys_match_python_reference(cell_key_build):
    """Record keys are a keyed MD5, reproducible outside the database."""
    keys = cell_key_build.query(
        "select person_id, record_key from intermediate.int_person_record_keys"
    )
    assert len(keys) == N_PERSONS
    expected = keys["person_id"].map(lambda person: ons.record_key(person, SEED))
    assert (keys["record_key"] == expected).all()
    assert keys["record_key"].between(0, 255).all()


def test_perturbation_table_default_parameters(cell_key_build):
    """192 000 rows; per count mean exactly 0, |pvalue| <= D, never negative;
    realised variance V within the 1/256 resolution (count 1: at most 2/3)."""
    table = cell_key_build.query("select * from intermediate.int_sdc_perturbation_table")
    assert len(table) == 750 * 256
    assert not table.duplicated(["pcv", "ckey"]).any()
    assert set(table["pcv"]) == set(range(1, 751)) and set(table["ckey"]) == set(range(256))
    assert table["pvalue"].abs().max() == D
    assert (table["pcv"] + table["pvalue"] >= 0).all()
    stats = table.groupby("pcv")["pvalue"].agg(["mean", lambda s: (s**2).mean()])
    stats.columns = ["mean", "variance"]
    assert (stats["mean"].abs() < 1e-12).all()
    assert (stats.loc[2:, "variance"] - V).abs().max() < 0.02
    assert stats.loc[1, "variance"] <= 2 / 3


def test_perturbation_table_other_parameters(suppression_build):
    """D and V are parameters: D = 5, V = 3 gives |pvalue| <= 5 and variance 3
    (the suppression run builds the table with these vars)."""
    table = suppression_build.query("select * from intermediate.int_sdc_perturbation_table")
    assert len(table) == 750 * 256
    assert table["pvalue"].abs().max() == 5
    assert (table["pcv"] + table["pvalue"] >= 0).all()
    large = table[table["pcv"] >= 5].groupby("pcv")["pvalue"]
    assert (large.mean().abs() < 1e-12).all()
    assert ((large.apply(lambda s: (s**2).mean()) - 3.0).abs() < 0.03).all()


def test_cell_key_same_cell_same_value_across_marts(cell_key_build):
    """County totals and the national total hold the same persons in both
    marts, so they get the same published value."""
    region = _published(cell_key_build, "sdc_fixture_region")
    age = _published(cell_key_build, "sdc_fixture_age")
    region_totals = region[(region["sex_label"] == TOTAL) & (region["municipality_code"] == TOTAL)]
    age_totals = age[age["age_group"] == TOTAL]
    merged = region_totals.merge(age_totals, on="county_code", suffixes=("_region", "_age"))
    assert len(merged) == 4  # 01, 03, 25, Totalt
    assert (merged["n_region"] == merged["n_age"]).all()
    exact = _exact(cell_key_build, "sdc_fixture_region")
    exact_totals = exact[(exact["sex_label"] == TOTAL) & (exact["municipality_code"] == TOTAL)]
    assert (merged.merge(exact_totals, on="county_code").eval("n_region != n_persons")).any(), (
        "no total was perturbed: the comparison would be vacuous"
    )


@pytest.mark.parametrize("mart", CLEAN_MARTS)
def test_cell_key_deviation_at_most_d_zeros_stay_zero(cell_key_build, mart):
    published = _published(cell_key_build, mart)
    exact = _exact(cell_key_build, mart)
    merged = exact.merge(published, on=_dims(mart), validate="one_to_one")
    assert len(merged) == len(exact) == len(published)
    deviation = merged["n"] - merged["n_persons"]
    assert deviation.abs().max() <= D
    assert (deviation != 0).any()
    assert (merged.loc[merged["n_persons"] == 0, "n"] == 0).all()
    assert (merged["n"] >= 0).all()
    assert not merged["n_is_suppressed"].any()
    if mart == "sdc_fixture_region":
        assert (merged["n_persons"] == 0).any(), "fixture must contain a zero cell"


@pytest.mark.parametrize("mart", CLEAN_MARTS)
def test_cell_key_shares_from_perturbed_counts(cell_key_build, mart):
    published = _published(cell_key_build, mart)
    share_dim = "sex_label" if mart == "sdc_fixture_region" else "age_group"
    others = [d for d in _dims(mart) if d != share_dim]
    totals = published[published[share_dim] == TOTAL][others + ["n"]].rename(
        columns={"n": "n_total"}
    )
    merged = published.merge(totals, on=others)
    assert (merged["share_denominator"] == merged["n_total"]).all()
    shown = merged[merged["share_denominator"] >= K]
    assert len(shown) and np.allclose(shown["share"], shown["n"] / shown["n_total"])
    assert merged.loc[merged["share_denominator"] < K, "share"].isna().all()


@pytest.mark.parametrize("mart", CLEAN_MARTS)
def test_cell_key_sdc_tests_pass(cell_key_build, mart):
    statuses = cell_key_build.tests_on(mart)
    assert statuses and all(status == "pass" for status in statuses.values()), statuses


def _compare_with_ons(run: DbtRun, ptable: pd.DataFrame) -> pd.DataFrame:
    facts = run.query("select * from sdc_fixtures.sdc_fixture_person_facts")
    keys = run.query("select person_id, record_key from intermediate.int_person_record_keys")
    facts = facts.merge(keys, on="person_id", validate="one_to_one")
    compared = []
    for mart, hierarchies in [
        ("sdc_fixture_region", REGION_HIERARCHIES),
        ("sdc_fixture_age", AGE_HIERARCHIES),
    ]:
        dims = _dims(mart)
        reference = ons.perturbed_with_totals(facts, hierarchies, "record_key", ptable)
        published = _published(run, mart)
        merged = published.merge(reference, on=dims, how="left", validate="one_to_one")
        empty = merged["rs_cv"].isna()
        # cells without persons: ONS gives 0 (no ptable row for pcv 0), and so must we
        assert (merged.loc[empty, "n"] == 0).all()
        both = merged[~empty]
        assert len(both) == len(reference)
        assert (both["n"] == both["count"]).all(), both[both["n"] != both["count"]][
            dims + ["n", "count", "rs_cv", "pcv", "ckey"]
        ]
        compared.append(both)
    return pd.concat(compared)


def test_cell_key_equals_ons_reference_default_ptable(cell_key_build):
    ptable = cell_key_build.query(
        "select pcv, ckey, pvalue from intermediate.int_sdc_perturbation_table"
    )
    compared = _compare_with_ons(cell_key_build, ptable)
    assert (compared["rs_cv"] > 750).sum() >= 4


def test_cell_key_equals_ons_reference_user_ptable(user_ptable_build, user_ptable):
    """With the user's own ptable for ONS's current 4096 cell keys (var
    sdc_ptable_path, sdc_ckey_range) and the register's stored record keys (var
    sdc_record_keys: delivered) the project's perturbed counts equal ONS's -
    including counts above 750, whose pcv cycles in 501..750: every row of this
    table differs, so a wrong pcv would show."""
    keys = user_ptable_build.query(
        "select person_id, record_key from intermediate.int_person_record_keys order by 1"
    )
    delivered = (keys["person_id"] * 2654435761) % WIDE_KEY_RANGE
    assert (keys["record_key"] == delivered).all()
    assert keys["record_key"].max() > 255  # the wide range is used, not folded to 256
    used = user_ptable_build.query(
        "select pcv, ckey, pvalue from intermediate.int_sdc_perturbation_table"
    )
    pd.testing.assert_frame_equal(
        used.sort_values(["pcv", "ckey"]).reset_index(drop=True),
        user_ptable.sort_values(["pcv", "ckey"]).reset_index(drop=True),
        check_dtype=False,
    )
    compared = _compare_with_ons(user_ptable_build, user_ptable)
    assert compared["ckey"].max() > 255
    large = compared[compared["rs_cv"] > 750]
    assert len(large) >= 4
    assert (large["pcv"] != large["rs_cv"]).all() and large["pcv"].between(501, 750).all()


def test_sdc_ckm_pcv_matches_ons_rule(suppression_build):
    """Macro sdc_ckm_pcv (fixture sdc_fixture_pcv_check) equals the pcv ONS's package
    looks counts up under: every count to 800 and the cycle's edges above."""
    sql_pcv = suppression_build.query("select n, pcv from sdc_fixtures.sdc_fixture_pcv_check")
    assert len(sql_pcv) == 5001
    counts = [*range(1, 801), 999, 1000, 1001, 1002, 1250, 1251, 2500, 4999, 5000]
    ons_pcv = ons.pcv(counts)
    checked = sql_pcv[sql_pcv["n"].isin(counts)]
    assert len(checked) == len(counts)
    assert (checked["pcv"] == checked["n"].map(ons_pcv)).all()
    assert ons_pcv[750] == 750 and ons_pcv[751] == ons_pcv[1001] == 501 and ons_pcv[1000] == 750


@pytest.mark.parametrize("name", list(BAD_PTABLES))
def test_user_ptable_is_validated(bad_ptable_run, name):
    """A malformed user ptable stops dbt with a message that says what is wrong."""
    frame, message = BAD_PTABLES[name]
    run = bad_ptable_run(frame)
    assert run.returncode != 0
    assert message in run.output, run.output[-3000:]


def test_sdc_report_counts_suppressed_cells(suppression_build):
    """studentflow.sdc_report counts primary and secondary cells per mart."""
    sys.path.insert(0, str(ROOT / "src"))
    from studentflow.sdc_report import format_report, sdc_report

    report = sdc_report(suppression_build.database)
    region = report[report["mart"] == "sdc_fixture_region"].iloc[0]
    # the fixture mart is not in agg_sdc_suppression_reasons (published marts carry no
    # reason): suppressed cells are counted, the split is unknown, never guessed
    assert region["suppressed"] == 11
    assert pd.isna(region["primary"]) and pd.isna(region["secondary"])
    assert region["lost_share"] == pytest.approx(11 / region["cells"])
    assert "sdc_fixture_region" in format_report(report)
