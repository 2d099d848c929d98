"""Golden fingerprint of a small generated world (adversarial scale, seed 7).

The generator's data is decided by its random streams: moving one draw changes
every later value.  This test pins, per extract, the row count and an
order-independent sum of row hashes, so a refactor of src/studentflow/generator
that changes the data fails here.  A deliberate change of the data (a new knob
value, a new column ...) updates FINGERPRINT: the failure message prints the new one.
Takes about 3 s."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from studentflow.generator import EXTRACTS, generate  # noqa: E402

SEEDS = Path(os.environ.get("STUDENTFLOW_SEEDS_DIR", ROOT / "seeds"))
pytestmark = pytest.mark.skipif(
    not (SEEDS / "kommuner.csv").exists(), reason=f"code-list seeds missing in {SEEDS}"
)

# computed from the files the pre-refactor generator (commit a105b06) wrote
FINGERPRINT = {
    "personer": (15288, "e867e8f5b67b32fe"),
    "folkbokforing": (76524, "9c8dfa9d37cf5cf5"),
    "utvandringar": (230, "78895da3ef061755"),
    "utbildningsniva": (23440, "7d75e55051e1a2b5"),
    "gymnasieexamina": (4496, "9b0ae189e1b6b602"),
    "program": (47, "17b8b049b4909e25"),
    "registreringar": (28845, "7870383cf5bec766"),
    "examina": (3015, "3581b9e4741a9321"),
    "forskarexamina": (85, "69737047aeaec155"),
    "sysselsattning": (48427, "b33083d7d9bb5b28"),
    "befolkning_kommun": (96035, "04100226517d3461"),
}


def row_fingerprint(table: pa.Table) -> tuple[int, str]:
    """(rows, sum mod 2^64 of a 64-bit hash of each row's text); independent of
    row order and of the file writer (compression, metadata)."""
    cols = []
    for name in table.column_names:
        text = pc.cast(table[name], pa.string())
        cols.append(pc.fill_null(text, "\\N").to_pylist())
    total = 0
    for row in zip(*cols, strict=True):
        digest = hashlib.blake2b("\x1f".join(row).encode(), digest_size=8).digest()
        total = (total + int.from_bytes(digest, "big")) % (1 << 64)
    return table.num_rows, f"{total:016x}"


def fingerprint(out_dir: Path) -> dict[str, tuple[int, str]]:
    return {e: row_fingerprint(pq.read_table(out_dir / f"{e}.parquet")) for e in EXTRACTS}


def test_adversarial_world_is_unchanged(tmp_path):
    generate(scale="adversarial", seed=7, out_dir=tmp_path, seeds_dir=SEEDS, quiet=True)
    got = fingerprint(tmp_path)
    changed = sorted(e for e in EXTRACTS if got.get(e) != FINGERPRINT.get(e))
    assert not changed, (
        f"generated data changed in {changed}; if intended, set FINGERPRINT = {got!r}"
    )
