"""Slim CI proves itself: after a change, exactly the changed node and its descendants run.

The project (models, macros, seeds, tests, analyses, dbt_project.yml, a profile
made from profiles.yml.example) is copied to a temporary directory and built
there against the adversarial world's extracts (conftest.small_parquet; what is
rebuilt does not depend on the rows, and the demo's took 20 CPU-s more), or
SLIM_CI_TEST_RAW_DIR, with its own DuckDB file, so nothing touches the working tree
or its warehouse. Then, like a pull request:

1. the baseline: scripts/slim_ci.sh with no state falls back to a full build,
   and its manifest is kept as main's (`make state`);
2. one model gets a harmless comment: the slim run must execute that model and
   every descendant in the manifest's child_map (models, tests, unit tests),
   nothing else;
3. the model is restored and a code list (a name in a seed) changes: the seed
   and everything depending on it rebuild, nothing else;
4. a new published mart is added exactly as CONTRIBUTING.md shows, first
   without its disclosure-control tests (slim CI must fail: the check
   assert_published_marts_declare_sdc_tests is always selected), then with
   them (slim CI passes and builds only the mart and its tests).

The expected sets are computed from the manifest, so the test follows the
project as models are added. Set SLIM_CI_TEST_DBT_ARGS (e.g.
"--exclude intermediate aggregates marts") to run it on a part of the project;
SLIM_CI_TEST_MODEL / SLIM_CI_TEST_SEED choose the nodes to change.

Runtime: the full build (its tests are `make audit-adversarial`'s), then four slim
builds: about 70 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest
import yaml
from conftest import TEST_VARS

ROOT = Path(__file__).resolve().parents[1]
# the project to copy (default this checkout)
PROJECT_SOURCE = Path(os.environ.get("SLIM_CI_TEST_PROJECT", ROOT))
# SLIM_CI_TEST_SCRIPT: run the test against another script (proves the test
# catches a slim CI that rebuilds too much or misses descendants)
SCRIPT = Path(os.environ.get("SLIM_CI_TEST_SCRIPT", ROOT / "scripts" / "slim_ci.sh"))
DBT = Path(sys.executable).parent / "dbt"
PROJECT_PARTS = ["models", "macros", "seeds", "tests", "analyses", "snapshots", "docs/dbt"]
# exposures are listed in run_results by `dbt build` (dbt 1.10+) when selected
EXECUTED_TYPES = {"model", "seed", "snapshot", "test", "unit_test", "exposure"}
COMMENT = "\n-- slim CI test: a harmless change\n"
# selected on every slim run (scripts/slim_ci.sh, SLIM_CI_ALWAYS)
ALWAYS = os.environ.get("SLIM_CI_ALWAYS", "assert_published_marts_declare_sdc_tests").split()


def _raw_dir(generated: Path) -> Path:
    raw = Path(os.environ.get("SLIM_CI_TEST_RAW_DIR", generated))
    return raw if raw.is_absolute() else ROOT / raw


def _dbt_args() -> list[str]:
    # per-mart suppression: what is rebuilt is the subject here (conftest.TEST_VARS)
    extra = shlex.split(os.environ.get("SLIM_CI_TEST_DBT_ARGS", ""))
    return ["--threads", "2", "--vars", json.dumps(TEST_VARS), *extra]


class Project:
    """A throw-away copy of the dbt project with its own warehouse and state."""

    def __init__(self, path: Path, raw: Path):
        self.path = path
        self.state = path / "state"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DBT_", "STUDENTFLOW_"))
        }
        self.env.update(
            DBT=str(DBT),
            STATE_DIR=str(self.state),
            DBT_PROFILES_DIR=str(path),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            DO_NOT_TRACK="1",
            STUDENTFLOW_TARGET="dev",
            STUDENTFLOW_THREADS="2",
            STUDENTFLOW_DUCKDB=str(path / "warehouse" / "studentflow.duckdb"),
            STUDENTFLOW_RAW_DIR=str(raw),
        )
        (path / "warehouse" / "tmp").mkdir(parents=True)

    def slim_ci(self, *extra: str) -> tuple[subprocess.CompletedProcess, list[dict], dict, float]:
        """Run the slim-CI script (what `make ci-pr` runs); results and manifest."""
        return self._run(["bash", str(SCRIPT), *_dbt_args(), *extra])

    def dbt(self, *args: str) -> tuple[subprocess.CompletedProcess, list[dict], dict, float]:
        return self._run([str(DBT), *args, *_dbt_args()])

    def _run(
        self, command: list[str]
    ) -> tuple[subprocess.CompletedProcess, list[dict], dict, float]:
        started = time.monotonic()
        proc = subprocess.run(
            command,
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        seconds = time.monotonic() - started
        results_path = self.path / "target" / "run_results.json"
        assert results_path.exists(), f"no run_results.json\n{proc.stdout[-4000:]}{proc.stderr}"
        results = json.loads(results_path.read_text())["results"]
        manifest = json.loads((self.path / "target" / "manifest.json").read_text())
        results_path.unlink()  # never read a stale file in the next case
        return proc, results, manifest, seconds

    def save_state(self) -> None:
        """What `make state` does on main."""
        self.state.mkdir(exist_ok=True)
        shutil.copy(self.path / "target" / "manifest.json", self.state / "manifest.json")


def _descendants(manifest: dict, start: str) -> set[str]:
    """start and everything downstream of it that `dbt build` executes."""
    children = manifest["child_map"]
    seen = {start}
    queue = deque([start])
    while queue:
        for child in children.get(queue.popleft(), []):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    # unit tests are selected with the model they test
    for unit_id, unit in manifest.get("unit_tests", {}).items():
        if set(unit["depends_on"]["nodes"]) & seen:
            seen.add(unit_id)
    return {n for n in seen if n.split(".")[0] in EXECUTED_TYPES}


def _nodes_ran(results: list[dict]) -> set[str]:
    # the delivery check (on-run-start hook) runs on every invocation by design
    return {r["unique_id"] for r in results if not r["unique_id"].startswith("operation.")}


def _always(manifest: dict, universe: set[str]) -> set[str]:
    return {
        node_id
        for node_id, node in manifest["nodes"].items()
        if node["name"] in ALWAYS and node_id in universe
    }


def _report(label: str, ran: set[str], expected: set[str]) -> str:
    extra = sorted(ran - expected)
    missed = sorted(expected - ran)
    return (
        f"{label}: {len(ran)} nodes ran, {len(expected)} expected\n"
        f"  ran but not downstream of the change ({len(extra)}): {extra[:20]}\n"
        f"  downstream but did not run ({len(missed)}): {missed[:20]}"
    )


def _failures(results: list[dict], known: set[str] = frozenset()) -> list[str]:
    return [
        f"{r['unique_id']}: {r['status']} {r.get('message') or ''}"
        for r in results
        if r["status"] not in ("success", "pass", "skipped", "no-op")
        and r["unique_id"] not in known
    ]


@pytest.fixture(scope="module")
def baseline(small_parquet, tmp_path_factory):
    raw = _raw_dir(small_parquet)
    if not any(raw.glob("*.parquet")) and not any(raw.glob("*.csv")):
        pytest.fail(f"no extracts in {raw} (SLIM_CI_TEST_RAW_DIR)")
    if not DBT.exists():
        pytest.fail(f"dbt not found next to the interpreter: {DBT}")

    path = tmp_path_factory.mktemp("slim_ci") / "project"
    path.mkdir()
    for part in PROJECT_PARTS:
        if (PROJECT_SOURCE / part).is_dir():
            shutil.copytree(
                PROJECT_SOURCE / part, path / part, ignore=shutil.ignore_patterns("__pycache__")
            )
    shutil.copy(PROJECT_SOURCE / "dbt_project.yml", path / "dbt_project.yml")
    shutil.copy(PROJECT_SOURCE / "profiles.yml.example", path / "profiles.yml")
    project = Project(path, raw)

    # main: no state yet, so the slim target falls back to a full build. Tests
    # run separately: a failing data test is `make dbt-build`'s to report, and
    # in one `dbt build` it would skip the models below it, leaving slim CI
    # nothing to defer to.
    proc, built, manifest, seconds = project.slim_ci(
        "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"
    )
    assert "running a full dbt build" in proc.stderr, proc.stderr
    assert proc.returncode == 0, (
        f"baseline build failed ({seconds:.0f} s):\n"
        + "\n".join(_failures(built)[:20])
        + proc.stdout[-3000:]
    )
    # The data and unit tests are not run here: `make audit-adversarial` runs them on
    # the same project and extracts (the adversarial world, seed 7; here they took
    # 38 s of the module's 3 minutes on the demo's).
    # Only the always-selected check runs, for its rows on main.
    _, tested, _, _ = project.dbt("test", "--select", *ALWAYS)
    known_failures = {
        r["unique_id"] for r in tested if r["status"] not in ("success", "pass", "no-op")
    }
    if known_failures:
        print(f"\nbaseline: failing tests (not slim CI's business): {sorted(known_failures)}")
    project.save_state()
    project.baseline_results = built + tested
    universe = {r["unique_id"] for r in built} | _tests_of(manifest)
    print(f"\nbaseline: {len(built)} nodes built in {seconds:.1f} s")
    return project, manifest, universe, known_failures


def _tests_of(manifest: dict) -> set[str]:
    """Every data and unit test of the project: what `dbt test` would run."""
    data_tests = {n for n, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    return data_tests | set(manifest.get("unit_tests", {}))


def results_by_id(results: list[dict]) -> dict[str, dict]:
    return {r["unique_id"]: r for r in results}


def _pick_model(manifest: dict, universe: set[str]) -> str:
    """A model with at least one downstream model, the smallest such closure."""
    wanted = os.environ.get("SLIM_CI_TEST_MODEL")
    candidates = []
    for node_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node_id not in universe:
            continue
        if wanted and node["name"] != wanted:
            continue
        closure = _descendants(manifest, node_id) & universe
        if wanted or any(n.startswith("model.") and n != node_id for n in closure):
            candidates.append((len(closure), node["name"], node_id))
    assert candidates, f"no model to change (SLIM_CI_TEST_MODEL={wanted!r})"
    return min(candidates)[2]


def _pick_seed(manifest: dict, universe: set[str]) -> str:
    # a code list with few dependants (9 models): the rule is the same for any seed,
    # and the county list (17 models, 118 nodes) cost this test twice the time
    wanted = os.environ.get("SLIM_CI_TEST_SEED", "ssyk2012_huvudgrupper")
    seeds = {
        node["name"]: node_id
        for node_id, node in manifest["nodes"].items()
        if node["resource_type"] == "seed" and node_id in universe
    }
    assert wanted in seeds, f"seed {wanted!r} not built; seeds: {sorted(seeds)}"
    return seeds[wanted]


def _change_seed(path: Path) -> None:
    """Rename the first member of the code list (the last column of row 1)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head, sep, last = lines[1].rstrip("\r\n").rpartition(",")
    lines[1] = f"{head}{sep}{last} (ändrad)\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_changed_model_rebuilds_exactly_it_and_its_descendants(baseline):
    project, manifest, universe, known_failures = baseline
    model_id = _pick_model(manifest, universe)
    sql = project.path / manifest["nodes"][model_id]["original_file_path"]
    original = sql.read_text(encoding="utf-8")
    sql.write_text(original + COMMENT, encoding="utf-8")
    try:
        proc, results, new_manifest, seconds = project.slim_ci()
    finally:
        sql.write_text(original, encoding="utf-8")

    ran = _nodes_ran(results)
    expected = (_descendants(new_manifest, model_id) & universe) | _always(new_manifest, universe)
    print(f"\nchanged {model_id}: {len(ran)} of {len(universe)} nodes in {seconds:.1f} s")
    print("\n".join(f"  ran {n}" for n in sorted(ran)))
    assert ran == expected, _report(model_id, ran, expected)
    assert "state:modified+" in proc.stderr, proc.stderr
    assert len(ran) < len(universe), "slim CI rebuilt the whole project"
    new_failures = _failures(results, known_failures)
    assert not new_failures, "\n".join(new_failures) + proc.stdout[-3000:]


def test_changed_code_list_rebuilds_the_seed_and_its_dependants(baseline):
    project, manifest, universe, known_failures = baseline
    seed_id = _pick_seed(manifest, universe)
    csv = project.path / manifest["nodes"][seed_id]["original_file_path"]
    original = csv.read_bytes()
    _change_seed(csv)
    try:
        proc, results, new_manifest, seconds = project.slim_ci()
    finally:
        csv.write_bytes(original)

    ran = _nodes_ran(results)
    expected = (_descendants(new_manifest, seed_id) & universe) | _always(new_manifest, universe)
    print(f"\nchanged {seed_id}: {len(ran)} of {len(universe)} nodes in {seconds:.1f} s")
    print("\n".join(f"  ran {n}" for n in sorted(ran)))
    assert ran == expected, _report(seed_id, ran, expected)
    assert seed_id in ran and any(n.startswith("model.") for n in ran), "no dependant ran"
    assert len(ran) < len(universe), "slim CI rebuilt the whole project"
    new_failures = _failures(results, known_failures)
    assert not new_failures, "\n".join(new_failures) + proc.stdout[-3000:]


def _contributing_examples() -> dict[str, str]:
    """The files CONTRIBUTING.md tells a contributor to write: {path: text}."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    examples = {}
    for match in re.finditer(
        r"<!-- contributing-example: (\S+) -->\s*```\w*\n(.*?)```", text, flags=re.S
    ):
        examples[match.group(1)] = match.group(2)
    return examples


def test_ci_refuses_a_mart_without_disclosure_control_tests(baseline):
    project, manifest, universe, known_failures = baseline
    examples = _contributing_examples()
    sql_path = next(p for p in examples if p.endswith(".sql"))
    yml_path = next(p for p in examples if p.endswith(".yml"))
    documented = yaml.safe_load(examples[yml_path])
    mart = documented["models"][0]["name"]
    assert sql_path.startswith("models/marts/") and Path(sql_path).stem == mart
    always = _always(manifest, universe)
    assert always, f"{ALWAYS} not in the project: nothing refuses a mart without sdc tests"
    baseline_rows = {
        r["unique_id"]: r.get("failures") or 0
        for r in project.baseline_results
        if r["unique_id"] in always
    }

    (project.path / sql_path).write_text(examples[sql_path], encoding="utf-8")
    try:
        # 1. the mart as a careless contributor writes it: documented, no sdc tests
        careless = yaml.safe_load(examples[yml_path])
        careless["models"][0].pop("data_tests")
        (project.path / yml_path).write_text(
            yaml.safe_dump({"version": 2, **careless}, allow_unicode=True), encoding="utf-8"
        )
        proc, results, _, seconds = project.slim_ci()
        by_id = results_by_id(results)
        print(f"\nmart without sdc tests: {len(results)} nodes in {seconds:.1f} s")
        assert proc.returncode != 0, "slim CI accepted a mart without disclosure-control tests"
        for node_id in always:
            assert by_id[node_id]["status"] == "fail", by_id[node_id]
            # one row per missing test: the three always required + the share test
            assert by_id[node_id]["failures"] >= baseline_rows[node_id] + 4, by_id[node_id]

        # 2. as CONTRIBUTING.md shows it
        (project.path / yml_path).write_text(
            "version: 2\n\n" + examples[yml_path], encoding="utf-8"
        )
        proc, results, new_manifest, seconds = project.slim_ci()
        ran = _nodes_ran(results)
        mart_id = f"model.studentflow.{mart}"
        expected = _descendants(new_manifest, mart_id) | always
        print(f"mart as documented: {len(ran)} nodes in {seconds:.1f} s")
        print("\n".join(f"  ran {n}" for n in sorted(ran)))
        assert ran == expected, _report(mart_id, ran, expected)
        assert any(n.startswith("test.") and "sdc_no_small_counts" in n for n in ran)
        new_failures = _failures(results, known_failures)
        assert not new_failures, "\n".join(new_failures) + proc.stdout[-3000:]
    finally:
        (project.path / sql_path).unlink(missing_ok=True)
        (project.path / yml_path).unlink(missing_ok=True)
