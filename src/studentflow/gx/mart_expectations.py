"""The expectations of suite ``published_marts.<mart>``: the disclosure-control
guarantees (docs/disclosure-control.md), found from a mart's columns."""

from __future__ import annotations

from collections.abc import Sequence

from studentflow.gx.contract import MAGNITUDE_STATS
from studentflow.gx.identifier_check import identifier_expectation_class
from studentflow.gx.settings import Settings


def _count_expectations(count: str, cols: set[str], settings: Settings) -> list:
    """Rule 1 and the four columns of one published count (`n` or `n_<what>`) agreeing."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    k = settings.sdc_k
    display, flag = f"{count}_display", f"{count}_is_suppressed"
    value_null = Column(count).is_null()
    flagged = Column(flag) == True  # noqa: E712 - a GX condition, not a test
    found: list = []

    # rule 1: no count in 1..k-1 (the cell key method publishes perturbed small counts)
    if settings.sdc_method != "cell_key":
        found.append(
            gxe.ExpectColumnValuesToNotBeInSet(
                column=count, value_set=list(range(1, k)), meta={"rule": "1 primary suppression"}
            )
        )
        if count == "n" and "share_denominator" in cols:
            found.append(
                gxe.ExpectColumnValuesToNotBeInSet(
                    column="share_denominator",
                    value_set=list(range(1, k)),
                    meta={"rule": "1 primary suppression (share denominator = published total)"},
                )
            )
    found.append(gxe.ExpectColumnValuesToBeBetween(column=count, min_value=0))

    # the four columns agree: value NULL <=> suppressed <=> display '..'
    if {flag, display} <= cols:
        suppressed_display = [".."] + (["2,5"] if settings.sdc_display == "midpoint" else [])
        found += [
            gxe.ExpectColumnValuesToNotBeNull(column=flag),
            gxe.ExpectColumnValuesToBeInSet(
                column=flag,
                value_set=[True],
                row_condition=value_null,
                meta={"rule": f"{count} is NULL only when flagged suppressed"},
            ),
            gxe.ExpectColumnValuesToBeNull(
                column=count, row_condition=flagged, meta={"rule": "a suppressed cell has no value"}
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column=display,
                value_set=suppressed_display,
                row_condition=value_null,
                meta={"rule": "display of a suppressed cell"},
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column=display,
                regex=r"^\d+$",
                row_condition=Column(count).is_not_null(),
                meta={"rule": "display of a published cell is its number"},
            ),
        ]
    return found


def published_counts(cols: set[str]) -> list[str]:
    """The published counts: `n`, or several (`n_living`, `n_recruited` ...) in marts that
    pivot two counts into one row; a count is `n`/`n_<what>` with a display and a flag."""
    return sorted(
        c
        for c in cols
        if (c == "n" or c.startswith("n_")) and {f"{c}_display", f"{c}_is_suppressed"} <= cols
    ) or ["n"]


def _pivoted_derived_expectations(cols: set[str], counts: list[str]) -> list:
    """Pivoted marts: a figure derived from the row's counts (net migration, relationstal)
    is NULL whenever one of them is suppressed."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    found: list = []
    # one expectation per count: GX row conditions cannot nest ORs (3+ counts)
    for derived in sorted(c for c in cols if f"{c}_is_suppressed" in cols):
        if derived in counts:
            continue
        found += [
            gxe.ExpectColumnValuesToBeNull(
                column=derived,
                row_condition=Column(count).is_null(),
                meta={"rule": f"2 {derived} NULL when its count {count} is suppressed"},
            )
            for count in counts
        ]
    return found


def _derived_expectations(cols: set[str], k: int) -> list:
    """Rule 2: a share or rate follows its inputs (NULL with n or a denominator below k)."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    found: list = []
    for derived in ("share", "rate"):
        if derived not in cols:
            continue
        found.append(
            gxe.ExpectColumnValuesToBeNull(
                column=derived,
                row_condition=Column("n").is_null(),
                meta={"rule": f"2 {derived} NULL when n is suppressed"},
            )
        )
        denominator = f"{derived}_denominator"
        if denominator in cols:
            found.append(
                gxe.ExpectColumnValuesToBeNull(
                    column=derived,
                    row_condition=Column(denominator).is_null() | (Column(denominator) < k),
                    meta={"rule": f"2 {derived} NULL when its denominator is below k"},
                )
            )
        if derived == "share":
            found.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column="share", min_value=0, max_value=1, meta={"rule": "share in [0, 1]"}
                )
            )
        else:
            found.append(gxe.ExpectColumnValuesToBeBetween(column="rate", min_value=0))
    return found


def _magnitude_expectations(cols: set[str], k_mag: int) -> list:
    """Rule 3: magnitudes only from at least k_mag persons."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    too_few = Column("n").is_null() | (Column("n") < k_mag)
    found: list = []
    for column in sorted(cols):
        stat = column.rsplit("_", 1)[-1]
        if "_" in column and stat in MAGNITUDE_STATS:
            found.append(
                gxe.ExpectColumnValuesToBeNull(
                    column=column,
                    row_condition=too_few,
                    meta={"rule": f"3 magnitude NULL unless n >= {k_mag}"},
                )
            )
    return found


def mart_expectations(columns: Sequence[str], settings: Settings) -> list:
    """The expectations of suite ``published_marts.<mart>`` for a mart's columns."""
    import great_expectations.expectations as gxe

    cols = set(columns)
    counts = published_counts(cols)
    found: list = [identifier_expectation_class()()]
    found += [
        gxe.ExpectColumnToExist(column=f"{count}{suffix}")
        for count in counts
        for suffix in ("", "_display", "_is_suppressed")
    ]
    if not set(counts) <= cols:
        return found
    for count in counts:
        found += _count_expectations(count, cols, settings)
    if counts != ["n"]:
        return found + _pivoted_derived_expectations(cols, counts)
    found += _derived_expectations(cols, settings.sdc_k)
    return found + _magnitude_expectations(cols, settings.sdc_k_magnitude)
