"""What a GX run reports: one row per expectation, one report per suite, and the
checkpoint result turned into those rows."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class CheckRow:
    suite: str
    expectation: str
    column: str
    success: bool
    unexpected: int | None
    detail: str = ""
    rule: str = ""


@dataclasses.dataclass
class SuiteReport:
    suite: str
    success: bool
    rows: list[CheckRow]
    note: str = ""


def _detail(item: Any, res: dict) -> str:
    """Why an expectation failed, shortly: its error, a few unexpected values, or what GX saw."""
    if item.exception_info and item.exception_info.get("raised_exception"):
        return "error: " + str(item.exception_info.get("exception_message"))[:160]
    if not item.success:
        if res.get("partial_unexpected_list"):
            sample = res["partial_unexpected_list"][:5]
            return "e.g. " + ", ".join(map(str, sample))
        if "observed_value" in res:
            return f"observed {res['observed_value']}"
    return ""


def check_rows(suite_name: str, result: Any) -> list[CheckRow]:
    """The rows of a checkpoint result, one per expectation."""
    rows: list[CheckRow] = []
    for validation_result in result.run_results.values():
        for item in validation_result.results:
            config = item.expectation_config
            kwargs = config.kwargs
            column = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or "(table)"
            res = item.result or {}
            rows.append(
                CheckRow(
                    suite=suite_name,
                    expectation=config.type,
                    column=column,
                    success=bool(item.success),
                    unexpected=res.get("unexpected_count"),
                    detail=_detail(item, res),
                    rule=describe(kwargs, config.meta or {}),
                )
            )
    return rows


def describe(kwargs: dict, meta: dict) -> str:
    """What an expectation checks, in a few words, for the summary table."""
    parts = []
    if meta.get("rule") or meta.get("check"):
        parts.append(str(meta.get("rule") or meta.get("check")))
    if meta.get("code_list"):
        parts.append(f"code list {meta['code_list']}")
    for key in ("min_value", "max_value"):
        if kwargs.get(key) is not None:
            parts.append(f"{key.split('_')[0]} {kwargs[key]}")
    if kwargs.get("regex"):
        parts.append(f"regex {kwargs['regex']}")
    if kwargs.get("value_set") is not None and len(kwargs["value_set"]) <= 6:
        parts.append("set " + ",".join(map(str, kwargs["value_set"])))
    if kwargs.get("mostly") not in (None, 1, 1.0):
        parts.append(f"mostly {kwargs['mostly']}")
    condition = kwargs.get("row_condition")
    if condition:
        parts.append(f"where {_condition_text(condition)}")
    return "; ".join(parts)


def _condition_text(condition: Any) -> str:
    """A GX row condition (object or its dict form) as short text: 'n is null or n < 10'."""
    if hasattr(condition, "dict") and not isinstance(condition, dict):
        condition = condition.dict()
    if not isinstance(condition, dict):
        return str(condition)
    kind = condition.get("type")
    if kind == "nullity":
        return f"{condition['column']['name']} is {'' if condition['is_null'] else 'not '}null"
    if kind == "comparison":
        return f"{condition['column']['name']} {condition['operator']} {condition['parameter']!r}"
    if kind in ("and", "or"):
        return f" {kind} ".join(_condition_text(c) for c in condition.get("conditions", []))
    return str(condition)


def failed_input(suite: str, message: str) -> SuiteReport:
    return SuiteReport(
        suite=suite,
        success=False,
        rows=[CheckRow(suite, "input_is_readable", "(input)", False, None, message)],
        note=message,
    )
