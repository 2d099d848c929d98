"""Column names a published table must never carry (disclosure rule 5): person
identifiers, dates that single a person out, the record and cell keys of the cell
key method, and suppression reasons.  One home for the Python checks (Great
Expectations on the built marts, the structure rules on the manifest); the dbt test
``sdc_no_identifier_columns`` holds the same list in SQL, as an independent line of
defence inside the build."""

from __future__ import annotations

IDENTIFIER_NAMES = (
    "lopnr",
    "person_id",
    "personnummer",
    "pnr",
    "mother_id",
    "father_id",
    "lopnrmor",
    "lopnrfar",
    "birth_date",
    "fodelsedatum",
    "degree_date",
    "examensdatum",
    "emigration_date",
    "utvandringdatum",
    "record_key",
    "cell_key",
)

# a suppression reason is not an identifier, but it must not be published either:
# primary cells beside a published total give each other away (disclosure spec)
IDENTIFIER_SUFFIXES = ("_date", "_datum", "_suppression_reason")


def is_identifier(column: str) -> bool:
    lowered = column.lower()
    return lowered in IDENTIFIER_NAMES or lowered.endswith(IDENTIFIER_SUFFIXES)
