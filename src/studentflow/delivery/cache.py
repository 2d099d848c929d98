"""A delivery that passed the check is not read again while nothing changed.

`make check` and then `dbt build` (whose on-run-start runs the same check), or a
second build on the same delivery, would otherwise read every extract twice: about
a minute at national scale.  The key is a hash of everything the verdict depends
on - the bytes of every extract file, the code lists (seeds), the contract, the
settings and the checker's own source - so any change means a fresh check.  Only
passing reports are kept; a failing delivery is always checked again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from .contract import Extract
from .discovery import find_file
from .report import Report

CHUNK = 1 << 23
DEFAULT_PATH = "target/delivery_check_cache.json"


def default_path() -> Path | None:
    """Where passing reports are kept; env STUDENTFLOW_CHECK_CACHE=off turns it off."""
    setting = os.environ.get("STUDENTFLOW_CHECK_CACHE", DEFAULT_PATH)
    return None if setting.lower() in ("off", "0", "no", "") else Path(setting)


def _hash_file(digest, path: Path) -> None:
    digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)


def fingerprint(raw_dir: Path, extracts: list[Extract], settings) -> str | None:
    """Hash of the delivery, code lists, contract, settings and checker; None when an
    extract file is missing (that report fails and is never cached)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(str(Path(raw_dir).resolve()).encode())
    digest.update(json.dumps([asdict(e) for e in extracts], sort_keys=True, default=str).encode())
    digest.update(json.dumps(asdict(settings), sort_keys=True, default=str).encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        _hash_file(digest, source)
    if settings.seeds_dir:
        for seed in sorted(Path(settings.seeds_dir).glob("*.csv")):
            _hash_file(digest, seed)
    for extract in extracts:
        path, fmt = find_file(Path(raw_dir), extract.name, settings.fmt)
        if fmt is None:
            return None
        _hash_file(digest, Path(path))
    return digest.hexdigest()


def load(path: Path, key: str | None) -> Report | None:
    """The stored passing report for this key, or None."""
    if key is None or not path.exists():
        return None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged cache is a miss, never an error
    if stored.get("key") != key:
        return None
    return Report.from_dict(stored["report"])


def store(path: Path, key: str | None, report: Report) -> None:
    """Keep a passing report (atomically: parallel builds may share the file)."""
    if key is None or not report.ok:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as handle:
            json.dump({"key": key, "report": report.to_dict()}, handle, default=str)
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only project directory only costs the next check its time
