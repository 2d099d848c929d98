"""The expectations of suite ``raw_extracts.<extract>``: columns and types, key
uniqueness, code lists, plausible ranges (docs/raw-extracts.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from studentflow.gx.contract import (
    CODE_LIST_MOSTLY,
    DATE,
    INTEGER,
    NUMBER,
    RAW_CONTRACT,
    TEXT,
    YEAR_MAX,
    YEAR_MIN,
)
from studentflow.gx.reading import TEXT_PATTERNS

#: pandas dtypes accepted per logical type (ExpectColumnValuesToBeInTypeList names)
_INT_TYPES = [
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "Int8Dtype",
    "Int16Dtype",
    "Int32Dtype",
    "Int64Dtype",
    "UInt8Dtype",
    "UInt16Dtype",
    "UInt32Dtype",
    "UInt64Dtype",
]
PANDAS_TYPES = {
    INTEGER: _INT_TYPES,
    NUMBER: _INT_TYPES + ["float32", "float64", "Float32Dtype", "Float64Dtype"],
    DATE: ["datetime64[s]", "datetime64[ms]", "datetime64[us]", "datetime64[ns]"],
    TEXT: ["str"],
}


def _type_expectations(contract: dict[str, str], text_delivery: bool) -> list:
    """The table's columns and rows, and each column's type (or its text's pattern)."""
    import great_expectations.expectations as gxe

    found: list = [
        gxe.ExpectTableColumnsToMatchSet(column_set=list(contract), exact_match=False),
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
    ]
    for column, logical in contract.items():
        if text_delivery and logical != TEXT:
            found.append(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=f"{column}__text",
                    regex=TEXT_PATTERNS[logical],
                    meta={"check": f"text converts to {logical}"},
                )
            )
        elif not text_delivery:
            found.append(
                gxe.ExpectColumnValuesToBeInTypeList(
                    column=column,
                    type_list=PANDAS_TYPES[logical],
                    meta={"check": f"type {logical}"},
                )
            )
    return found


class RawSuite:
    """Collects one raw suite's expectations, in order, in the words of the contract."""

    def __init__(self, codes: dict[str, list[str]], found: list):
        import great_expectations.expectations as gxe

        self.gxe = gxe
        self.codes = codes
        self.found = found

    def in_code_list(self, column: str, code_list: str, mostly: float = CODE_LIST_MOSTLY) -> None:
        if code_list in self.codes:
            self.found.append(
                self.gxe.ExpectColumnValuesToBeInSet(
                    column=column,
                    value_set=self.codes[code_list],
                    mostly=mostly,
                    meta={"code_list": code_list},
                )
            )

    def between(self, column: str, low: Any, high: Any = None, mostly: float = 1.0) -> None:
        self.found.append(
            self.gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high, mostly=mostly
            )
        )

    def not_null(self, *columns: str) -> None:
        self.found.extend(self.gxe.ExpectColumnValuesToNotBeNull(column=c) for c in columns)

    def unique(self, *columns: str) -> None:
        if len(columns) == 1:
            self.found.append(self.gxe.ExpectColumnValuesToBeUnique(column=columns[0]))
        else:
            self.found.append(self.gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns)))

    def in_set(self, column: str, values: Sequence[Any], mostly: float = 1.0) -> None:
        self.found.append(
            self.gxe.ExpectColumnValuesToBeInSet(
                column=column, value_set=list(values), mostly=mostly
            )
        )

    def matches(self, column: str, regex: str, mostly: float = 1.0) -> None:
        self.found.append(
            self.gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex, mostly=mostly)
        )

    def dates(self, column: str, first_year: int) -> None:
        self.between(column, dt.datetime(first_year, 1, 1), dt.datetime(YEAR_MAX, 12, 31))


# --- the rules of each extract --------------------------------------------------------


def _personer(s: RawSuite) -> None:
    s.not_null("LopNr", "Kon", "FodelseAr")
    s.unique("LopNr")
    s.in_set("Kon", [1, 2])
    s.between("FodelseAr", 1900, 2010)
    s.matches("FodLand", r"^[A-Z]{2}$", mostly=CODE_LIST_MOSTLY)


def _folkbokforing(s: RawSuite) -> None:
    s.not_null("LopNr", "Ar", "Kommun")
    s.unique("LopNr", "Ar")
    s.between("Ar", YEAR_MIN, YEAR_MAX)
    s.in_code_list("Kommun", "kommuner")


def _utvandringar(s: RawSuite) -> None:
    s.not_null("LopNr", "UtvandringDatum")
    s.dates("UtvandringDatum", 1950)


def _utbildningsniva(s: RawSuite) -> None:
    s.not_null("LopNr", "Ar")
    s.unique("LopNr", "Ar")
    # a level may hold from long before the study period (parents' education)
    s.between("Ar", 1900, YEAR_MAX)
    s.in_code_list("SUN2020Niva", "sun2020_niva")


def _gymnasieexamina(s: RawSuite) -> None:
    s.not_null("LopNr", "ExamensAr")
    s.between("ExamensAr", 1920, YEAR_MAX)
    s.in_code_list("SkolKommun", "kommuner")


def _program(s: RawSuite) -> None:
    s.not_null("Larosate", "Programkod", "Niva")
    s.unique("Larosate", "Programkod")
    s.in_set("Niva", ["G", "A"])
    s.in_code_list("Larosate", "larosaten")
    s.in_code_list("Examenskod", "examenskoder")


def _registreringar(s: RawSuite) -> None:
    s.not_null("LopNr", "Termin", "Larosate", "Niva")
    s.matches("Termin", r"^(?:HT|VT)\d{4}$")
    s.in_set("Niva", ["G", "A"])
    s.in_code_list("Larosate", "larosaten")
    s.in_code_list("Huvudomrade", "huvudomraden")
    s.between("HpReg", 0, 90)
    s.between("HpPrest", 0, 90)


def _examina(s: RawSuite) -> None:
    s.not_null("LopNr", "Larosate", "ExamensDatum", "Examenskod")
    s.dates("ExamensDatum", 1950)
    s.in_code_list("Larosate", "larosaten")
    s.in_code_list("Examenskod", "examenskoder")
    s.in_code_list("Huvudomrade", "huvudomraden")


def _forskarexamina(s: RawSuite) -> None:
    s.not_null("LopNr", "Larosate", "ExamensDatum", "Examen")
    s.dates("ExamensDatum", 1950)
    s.in_set("Examen", ["DOK", "LIC"])
    s.in_code_list("Larosate", "larosaten")
    s.in_code_list("Forskningsamne", "forskningsamnen")


def _sysselsattning(s: RawSuite) -> None:
    s.not_null("LopNr", "Ar")
    s.unique("LopNr", "Ar")
    s.between("Ar", YEAR_MIN, YEAR_MAX)
    s.in_set("SyssStat", ["1", "5"], mostly=CODE_LIST_MOSTLY)
    s.between("ArbInk", 0)
    s.in_set("ArbLos", ["J", "N"], mostly=CODE_LIST_MOSTLY)
    s.in_set("Studerande", ["J", "N"], mostly=CODE_LIST_MOSTLY)
    s.matches("AstSNI2007", r"^\d{5}$", mostly=CODE_LIST_MOSTLY)
    s.matches("SSYK2012", r"^\d{4}$", mostly=CODE_LIST_MOSTLY)
    s.in_code_list("AstSektor", "sektorer")
    s.in_code_list("Matchning", "matchning")
    s.in_code_list("AstKommun", "kommuner")


def _befolkning_kommun(s: RawSuite) -> None:
    s.not_null("Ar", "Kommun", "Kon", "Alder", "Antal")
    s.unique("Ar", "Kommun", "Kon", "Alder", "UtrikesFodd")
    s.between("Ar", YEAR_MIN, YEAR_MAX)
    s.in_code_list("Kommun", "kommuner")
    s.in_set("Kon", [1, 2])
    s.between("Alder", 0, 120)
    s.in_set("UtrikesFodd", ["J", "N"])
    s.between("Antal", 0)


#: extract -> its rules beyond columns and types
EXTRACT_RULES: dict[str, Callable[[RawSuite], None]] = {
    "personer": _personer,
    "folkbokforing": _folkbokforing,
    "utvandringar": _utvandringar,
    "utbildningsniva": _utbildningsniva,
    "gymnasieexamina": _gymnasieexamina,
    "program": _program,
    "registreringar": _registreringar,
    "examina": _examina,
    "forskarexamina": _forskarexamina,
    "sysselsattning": _sysselsattning,
    "befolkning_kommun": _befolkning_kommun,
}


def raw_expectations(name: str, codes: dict[str, list[str]], text_delivery: bool) -> list:
    """The expectations of suite ``raw_extracts.<name>``."""
    suite = RawSuite(codes, _type_expectations(RAW_CONTRACT[name], text_delivery))
    rules = EXTRACT_RULES.get(name)
    if rules is not None:
        rules(suite)
    return suite.found
