"""Parse the dbt project into a private target directory and load its manifest.

`dbt parse` needs no warehouse (it runs against the in-memory `lint` target, so it
never takes the lock on data/warehouse/studentflow.duckdb) and no build: it works
in a clean checkout in 10-20 s. `load_manifest` reuses target/manifest.json only
when it is newer than every file dbt parses (in `make test` the dbt build has just
written it); otherwise, and always in a clean checkout, it parses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# what dbt parses: a manifest older than any of these is stale
PARSED_PATHS = ("models", "macros", "tests", "seeds", "analyses", "snapshots", "dbt_project.yml")


def newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in PARSED_PATHS:
        path = project_dir / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for child in path.rglob("*"):
                if child.is_file():
                    newest = max(newest, child.stat().st_mtime)
    return newest


def load_manifest(project_dir: Path, scratch_dir: Path) -> dict:
    """target/manifest.json when it is fresh, else a `dbt parse` into scratch_dir."""
    project_dir = Path(project_dir).resolve()
    built = project_dir / "target" / "manifest.json"
    if built.exists() and built.stat().st_mtime > newest_source_mtime(project_dir):
        manifest = json.loads(built.read_text())
        # a build with the planted fixtures enabled (var sdc_planted_fixtures) breaks
        # rules on purpose: parse the normal project instead. Every manifest lists the
        # fixtures' data tests among its nodes, disabled: they do not count (they
        # made every `make test` parse again, 13 s under load)
        if not any(
            node["original_file_path"].startswith("models/sdc_fixtures/")
            and node["config"].get("enabled", True)
            for node in manifest["nodes"].values()
        ):
            return manifest
    return parse_manifest(project_dir, scratch_dir)


def parse_manifest(project_dir: Path, target_dir: Path | None = None) -> dict:
    """Run `dbt parse` for `project_dir` into `target_dir` (a temp dir if None)
    and return manifest.json as a dict. Raises RuntimeError with dbt's output
    when parsing fails."""
    project_dir = Path(project_dir).resolve()
    if target_dir is None:
        target_dir = Path(tempfile.mkdtemp(prefix="studentflow_parse_"))
    dbt = Path(sys.executable).parent / "dbt"
    env = dict(os.environ)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # the profile's delivery-check plugin must import this checkout's code
    env["PYTHONPATH"] = os.pathsep.join(
        [str(project_dir / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    profiles_dir = project_dir
    if not (project_dir / "profiles.yml").exists():
        # a clean checkout before `make setup`: the example is the same profile
        profiles_dir = Path(target_dir) / "profiles"
        profiles_dir.mkdir(parents=True, exist_ok=True)
        (profiles_dir / "profiles.yml").write_text(
            (project_dir / "profiles.yml.example").read_text()
        )
    cmd = [
        str(dbt),
        "parse",
        "--target",
        "lint",
        "--target-path",
        str(target_dir),
        "--log-path",
        str(Path(target_dir) / "logs"),
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles_dir),
        "--no-partial-parse",
    ]
    completed = subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True)
    manifest_path = Path(target_dir) / "manifest.json"
    if completed.returncode != 0 or not manifest_path.exists():
        raise RuntimeError(f"dbt parse failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(manifest_path.read_text())
