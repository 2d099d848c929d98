"""Shared helpers for the Python test-suite: run dbt in isolation, and run the
delivery check the way dbt's on-run-start hook does, without dbt.

Every test that runs dbt gets its own DuckDB file and target directory, so
tests never take the lock on the developer's warehouse and can run while it is
open read-only elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class DbtResult:
    returncode: int
    output: str
    target: Path

    def statuses(self) -> dict[str, str]:
        """unique_id -> status from run_results.json."""
        path = self.target / "run_results.json"
        if not path.exists():
            return {}
        return {r["unique_id"]: r["status"] for r in json.loads(path.read_text())["results"]}


# Commands that take --vars; the tests that build marts for another purpose
# (incremental = full refresh, delivery checks, reports, slim CI) use the fast
# per-mart suppression: the linked engine is proven by the main `dbt build`,
# `make audit` and its own tests (test_sdc_engine, test_sdc_protection).
VARS_COMMANDS = {"build", "run", "compile", "test", "seed", "parse", "ls", "show"}
TEST_VARS = {"sdc_secondary": "per_mart"}


def with_test_vars(args: list[str], project_dir: Path = PROJECT) -> list[str]:
    """``args`` with TEST_VARS and the project's file vars (absolute: dbt runs in the
    test's own directory) added to its --vars; the caller's values win."""
    if not args or args[0] not in VARS_COMMANDS:
        return list(args)
    usual = {"sdc_linked_tables": str(project_dir / "sdc" / "linked_tables.yml"), **TEST_VARS}
    args = list(args)
    if "--vars" in args:
        at = args.index("--vars") + 1
        args[at] = json.dumps({**usual, **yaml.safe_load(args[at])})
        return args
    return [*args, "--vars", json.dumps(usual)]


def run_dbt(
    args: list[str],
    *,
    workdir: Path,
    raw_dir: Path | None = None,
    raw_format: str = "parquet",
    extra_env: dict | None = None,
    project_dir: Path = PROJECT,
) -> DbtResult:
    """Run dbt with a private DuckDB file and target dir under `workdir`.

    dbt runs in `workdir` with the warehouse and the extracts at the same relative
    paths in every test, so the profile and the rendered sources (and with them
    dbt's parse state) are the same, and a test's first call starts from the
    parse an earlier call left (`_PartialParse`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "target"
    env = dict(os.environ)
    raw_dir = raw_dir or project_dir / env.get("STUDENTFLOW_RAW_DIR", "data/raw")
    env.update(
        STUDENTFLOW_DUCKDB="warehouse.duckdb",
        STUDENTFLOW_RAW_FORMAT=raw_format,
        STUDENTFLOW_RAW_DIR=_linked_raw_dir(workdir, raw_dir),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    if os.environ.get(PARSE_CACHE_ENV):  # the delivery check's passing reports, shared too
        env.setdefault(
            "STUDENTFLOW_CHECK_CACHE",
            str(Path(os.environ[PARSE_CACHE_ENV]) / "delivery_check_cache.json"),
        )
    env.update(extra_env or {})
    cmd = [
        str(BIN / "dbt"),
        *with_test_vars(args, project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(workdir / "logs"),
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
    ]
    parse = _PartialParse(project_dir, target)
    parse.seed()
    completed = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    if "--vars" not in args:  # the parse most calls can start from
        parse.keep()
    return DbtResult(completed.returncode, completed.stdout + completed.stderr, target)


def _linked_raw_dir(workdir: Path, raw_dir: Path) -> str:
    """The extracts under one relative name in every test (a link in `workdir`):
    the sources' yml renders the raw dir, and a different path per test made dbt
    parse the sources and everything reading them again (40 s instead of 5)."""
    link = workdir / RAW_LINK
    if link.is_symlink():
        link.unlink()
    link.symlink_to(Path(raw_dir).resolve(), target_is_directory=True)
    return RAW_LINK


RAW_LINK = "raw_extracts"


class _PartialParse:
    """dbt's parse of the project, shared by the tests of one worker.

    A full parse takes about 17 s, a partial parse from an earlier manifest about
    5 s, but every test has its own target dir and so no earlier manifest. The
    first call with the usual vars (TEST_VARS) leaves its partial_parse.msgpack in
    the worker's cache (the session's temporary directory); a target without one
    starts from a copy.
    dbt itself decides whether it may use it: with other vars, profile or
    project files it parses in full, as before."""

    NAME = "partial_parse.msgpack"

    def __init__(self, project_dir: Path, target: Path):
        cache = os.environ.get(PARSE_CACHE_ENV)
        self.cache = Path(cache) / self.NAME if cache and project_dir == PROJECT else None
        self.target = target / self.NAME

    def seed(self) -> None:
        if self.cache and self.cache.exists() and not self.target.exists():
            self.target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.cache, self.target)

    def keep(self) -> None:
        if self.cache and not self.cache.exists() and self.target.exists():
            partial = self.cache.with_suffix(".tmp")
            shutil.copyfile(self.target, partial)
            partial.replace(self.cache)


PARSE_CACHE_ENV = "STUDENTFLOW_TEST_PARSE_CACHE"


@pytest.fixture(scope="session", autouse=True)
def _dbt_parse_cache(tmp_path_factory):
    """A directory for the worker's shared dbt parse (``_PartialParse``) and the
    delivery check's cache (dbt runs in each test's own directory)."""
    os.environ[PARSE_CACHE_ENV] = str(tmp_path_factory.mktemp("dbt_parse"))
    yield
    os.environ.pop(PARSE_CACHE_ENV, None)


def generate(
    out_dir: Path,
    *,
    fmt: str = "parquet",
    seed: int = 42,
    scale: str = "demo",
    extra: list[str] | None = None,
) -> Path:
    """Generate synthetic extracts with the project's CLI into out_dir."""
    cmd = [
        sys.executable,
        "-m",
        "studentflow.cli",
        "generate",
        "--scale",
        scale,
        "--seed",
        str(seed),
        "--format",
        fmt,
        "--out",
        str(out_dir),
        "--quiet",
        *(extra or []),
    ]
    env = dict(os.environ, PYTHONPATH=str(PROJECT / "src"))
    subprocess.run(cmd, check=True, cwd=PROJECT, env=env, capture_output=True)
    return out_dir


def hook_settings(fmt: str = "parquet", dbt_vars: dict | None = None):
    """The settings macro check_raw_delivery passes to the checker: the raw_* vars of
    dbt_project.yml, overridden by `dbt_vars` as `--vars` would override them."""
    from studentflow.delivery import Settings

    project = yaml.safe_load((PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    var = {**project["vars"], **(dbt_vars or {})}
    return Settings.from_dict(
        {
            "fmt": fmt,
            "encoding": var["raw_csv_encoding"],
            "delimiter": var["raw_csv_delimiter"],
            "decimal": var["raw_csv_decimal_separator"],
            "allow_empty": var.get("raw_allow_empty_extracts", []),
            "duplicates": var.get("raw_duplicate_keys", "error"),
            "orphans_tolerated": var.get("raw_orphan_persons_tolerated", 0),
            "pnr_sample_rows": var.get("personnummer_sample_rows", 20000),
        }
    )


def hook_check(raw: Path, fmt: str = "parquet", *, extracts: list[str] | None = None, **dbt_vars):
    """The report dbt's on-run-start hook gets for the delivery in `raw` (the same
    checks, contract and settings), in seconds instead of a dbt parse and run.
    `report.message()` is what dbt stops the build with.

    extracts: the extracts the dbt selection reads (None: all, as a full build); like
    the hook, personer is added when one of them has a person key."""
    from studentflow.delivery import check_delivery
    from studentflow.delivery.contract import load_sources_yaml

    contract = load_sources_yaml(PROJECT)
    if extracts is not None:
        wanted = set(extracts)
        if any(e.person_key for e in contract if e.name in wanted):
            wanted.add("personer")
        assert wanted <= {e.name for e in contract}, wanted
        contract = [e for e in contract if e.name in wanted]
    return check_delivery(raw, contract, hook_settings(fmt, dbt_vars))


def assert_refused(report, *phrases: str) -> str:
    """The delivery is refused and the message dbt would stop with has every phrase."""
    message = report.message()
    assert not report.ok, report.to_text()
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in the check's message:\n{message}"
    return message


@pytest.fixture(scope="session")
def demo_parquet(tmp_path_factory) -> Path:
    """The demo extracts as Parquet (generated once per test session)."""
    return generate(tmp_path_factory.mktemp("demo_parquet"))


@pytest.fixture(scope="session")
def small_parquet(tmp_path_factory) -> Path:
    """The adversarial world's extracts as Parquet: every extract and column of a
    delivery on 5 000 students, a tenth of the demo's rows (generated once per session)."""
    return generate(tmp_path_factory.mktemp("small_parquet"), seed=7, scale="adversarial")


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory) -> Path:
    """The same small delivery as SCB-style text (';', Windows-1252, decimal comma);
    the checks read every line, so a small delivery keeps them quick."""
    return generate(tmp_path_factory.mktemp("small_csv"), fmt="csv", seed=7, scale="adversarial")


# Modules in the order `make pytest` should start them, the longest first (summed
# --durations on the demo, on a heavily loaded 2-core machine). With `--dist loadfile
# --no-loadscope-reorder` each worker starts with two modules and takes the next one
# when it runs dry, so the long modules start at once and the short ones fill the gaps;
# xdist's default order (most tests first) started the few-test, long modules (slim
# CI, incremental) last and left one worker alone with them at the end. Modules not
# listed keep their place after these.
LONGEST_FIRST = [
    "test_slim_ci.py",  # ~1060 s under load 10-15 (the demo build and four slim builds)
    "test_incremental.py",  # ~750 s
    "test_delivery_checks.py",  # ~530 s
    "test_disclosure_control.py",  # ~430 s
    "test_raw_contract.py",  # ~400 s
    "test_sdc_engine.py",
    "test_gx_checks.py",
    "test_generator.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    # sorted() is stable: tests keep their order within a module
    items[:] = sorted(items, key=lambda item: rank.get(item.path.name, len(rank)))
