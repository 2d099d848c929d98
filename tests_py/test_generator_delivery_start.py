"""What a delivery starting in VT2008 holds of a cohort that entered before it
(studentflow.generator.delivery_start), on a few hand-built persons."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from studentflow.generator.delivery_start import within_delivery  # noqa: E402

# 1: still studying in 2008; 2: done in 2006 with a degree in 2007;
# 3: last registered in 2006, doctorate in 2010; 11-13 and 21-23: their parents
PERSONS = [1, 2, 3]
MOTHERS = [11, 12, None]  # person 3's mother unknown
FATHERS = [21, 22, 23]


def _cohort() -> dict[str, pa.Table]:
    day = datetime.date
    return {
        "personer": pa.table(
            {
                "LopNr": PERSONS + [11, 12, 21, 22, 23],
                "LopNrMor": MOTHERS + [None] * 5,
                "LopNrFar": FATHERS + [None] * 5,
            },
            schema=pa.schema(
                [("LopNr", pa.int64()), ("LopNrMor", pa.int64()), ("LopNrFar", pa.int64())]
            ),
        ),
        "registreringar": pa.table(
            {
                "LopNr": pa.array([1, 1, 1, 2, 2, 3], pa.int64()),
                "Termin": ["HT2006", "VT2007", "VT2008", "HT2005", "VT2006", "VT2006"],
            }
        ),
        "examina": pa.table(
            {"LopNr": pa.array([2], pa.int64()), "ExamensDatum": pa.array([day(2007, 6, 12)])}
        ),
        "forskarexamina": pa.table(
            {"LopNr": pa.array([3], pa.int64()), "ExamensDatum": pa.array([day(2010, 3, 1)])}
        ),
        "folkbokforing": pa.table(
            {
                "LopNr": pa.array([1, 2, 3, 11, 12, 21, 22, 23], pa.int64()),
                "Ar": pa.array([2007] * 8, pa.int16()),
            }
        ),
    }


def test_later_terms_and_degrees_bring_a_person_and_their_parents():
    cut = within_delivery(_cohort(), 2008)
    assert cut["registreringar"].to_pylist() == [{"LopNr": 1, "Termin": "VT2008"}]
    assert cut["examina"].num_rows == 0
    assert cut["forskarexamina"]["LopNr"].to_pylist() == [3]
    # person 2 left the delivery with their parents; person 3 is in it by the doctorate alone
    assert sorted(cut["personer"]["LopNr"].to_pylist()) == [1, 3, 11, 21, 23]
    assert sorted(cut["folkbokforing"]["LopNr"].to_pylist()) == [1, 3, 11, 21, 23]


def test_a_cohort_with_nothing_after_the_start_leaves_nothing():
    cut = within_delivery(_cohort(), 2011)
    assert all(table.num_rows == 0 for table in cut.values())
