"""How much each disclosure-control method costs, per published mart.

Reads a built warehouse (read-only) and prints, per published mart and count:

* suppression (from the published schema, as built): cells, suppressed
  cells split into primary and secondary by the internal model
  aggregates.agg_sdc_suppression_reasons, and the share of cells lost;
* cell key method (from the exact aggregate behind the mart, in the
  aggregates schema, and the perturbation table the build made): the
  perturbation every cell would get - exactly what sdc_publish does with
  sdc_method cell_key: n + pvalue(pcv(n), cell key) - so no cell is lost;
  shown as the share of cells changed, the mean absolute deviation and the
  largest deviation.

    python -m studentflow.sdc_report --duckdb data/warehouse/studentflow.duckdb

A mart is matched to its aggregate through target/manifest.json when given
(--manifest), otherwise by name (agg_<x> feeds the mart whose name starts
with <x>). See docs/disclosure-control.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb
import pandas as pd

PUBLISHED = "published"
AGGREGATES = "aggregates"
PTABLE = ("intermediate", "int_sdc_perturbation_table")
REASONS = "agg_sdc_suppression_reasons"  # internal: why each suppressed cell is suppressed
PCV_SQL = "case when {n} <= 750 then {n} else ({n} - 1) % 250 + 501 end"  # = macro sdc_ckm_pcv


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by 1",
        [schema],
    ).fetchall()
    return [row[0] for row in rows]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [row[0] for row in rows]


def _aggregate_for(mart: str, aggregates: list[str], manifest: dict | None) -> str | None:
    if manifest:
        for node in manifest.get("nodes", {}).values():
            if node.get("resource_type") == "model" and node.get("name") == mart:
                parents = [
                    parent.split(".")[-1] for parent in node.get("depends_on", {}).get("nodes", [])
                ]
                found = [parent for parent in parents if parent in aggregates]
                if found:
                    return found[0]
    matches = [a for a in aggregates if mart.startswith(a.removeprefix("agg_"))]
    return max(matches, key=len) if matches else None


def count_columns(columns: list[str]) -> list[str]:
    """The published counts of a mart: `n`, or `n_<what>` in marts with two counts in a row."""
    return [
        c
        for c in columns
        if (c == "n" or c.startswith("n_"))
        and f"{c}_is_suppressed" in columns
        and f"{c}_display" in columns
    ]


def suppression_stats(con: duckdb.DuckDBPyConnection, mart: str) -> list[dict]:
    """One row per count column of the mart (n, n_living, ...).

    Published marts say only that a cell is suppressed; primary and secondary
    come from the internal model aggregates.agg_sdc_suppression_reasons (0
    when the warehouse has none).
    """
    columns = _columns(con, PUBLISHED, mart)
    has_reasons = REASONS in _tables(con, AGGREGATES)
    rows = []
    for count in count_columns(columns):
        cells, suppressed, zero = con.execute(
            f"""
            select
                count(*),
                count(*) filter (where "{count}_is_suppressed"),
                count(*) filter (where "{count}" = 0)
            from "{PUBLISHED}"."{mart}"
            """
        ).fetchone()
        primary = secondary = None  # unknown: the mart is not in the reasons model
        if has_reasons:
            covered, primary = con.execute(
                f"""
                select count(*), count(*) filter (where suppression_reason = 'primär')
                from "{AGGREGATES}"."{REASONS}"
                where mart_name = ? and count_column = ?
                """,
                [mart, count],
            ).fetchone()
            if covered == suppressed:
                secondary = suppressed - primary
            else:
                primary = None
        rows.append(
            {
                "mart": mart,
                "count": count,
                "cells": cells,
                "zero_cells": zero,
                "suppressed": suppressed,
                "primary": primary,
                "secondary": secondary,
                "lost_share": suppressed / cells if cells else 0.0,
            }
        )
    return rows


def cell_key_stats(con: duckdb.DuckDBPyConnection, aggregate: str) -> dict:
    """Perturbation of every cell of the exact aggregate under the cell key method."""
    pcv = PCV_SQL.format(n="cells.n_persons")
    cells, changed, mad, mad_nonzero, max_dev = con.execute(
        f"""
        with perturbed as (
            select cells.n_persons, coalesce(ptable.pvalue, 0) as pvalue
            from "{AGGREGATES}"."{aggregate}" as cells
            left join "{PTABLE[0]}"."{PTABLE[1]}" as ptable
                on ptable.pcv = {pcv} and ptable.ckey = cells.cell_key
        )
        select
            count(*),
            count(*) filter (where pvalue <> 0),
            avg(abs(pvalue)),
            avg(abs(pvalue)) filter (where n_persons > 0),
            max(abs(pvalue))
        from perturbed
        """
    ).fetchone()
    return {
        "aggregate": aggregate,
        "ckm_cells": cells,
        "ckm_changed_share": changed / cells if cells else 0.0,
        "ckm_mean_abs_deviation": mad or 0.0,
        "ckm_mad_nonzero_cells": mad_nonzero or 0.0,
        "ckm_max_abs_deviation": max_dev or 0,
    }


def sdc_report(duckdb_path: str | Path, manifest_path: str | Path | None = None) -> pd.DataFrame:
    """Per published mart and count: suppression cost, and cell key cost."""
    manifest = json.loads(Path(manifest_path).read_text()) if manifest_path else None
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        marts = _tables(con, PUBLISHED)
        aggregates = [
            a for a in _tables(con, AGGREGATES) if "cell_key" in _columns(con, AGGREGATES, a)
        ]
        has_ptable = PTABLE[1] in _tables(con, PTABLE[0])
        rows = []
        for mart in marts:
            aggregate = _aggregate_for(mart, aggregates, manifest)
            ckm = cell_key_stats(con, aggregate) if aggregate and has_ptable else {}
            for row in suppression_stats(con, mart):
                rows.append({**row, **ckm})
    return pd.DataFrame(rows)


def format_report(report: pd.DataFrame) -> str:
    if report.empty:
        return "No published marts with protected counts found."
    shown = report.copy()
    shown["lost_share"] = (100 * shown["lost_share"]).map("{:.1f} %".format)
    if "ckm_changed_share" in shown:
        shown["ckm_changed_share"] = (100 * shown["ckm_changed_share"]).map("{:.1f} %".format)
        for column in ["ckm_mean_abs_deviation", "ckm_mad_nonzero_cells"]:
            shown[column] = shown[column].map("{:.3f}".format)
    columns = {
        "mart": "mart",
        "count": "count",
        "cells": "cells",
        "suppressed": "suppressed",
        "primary": "primär",
        "secondary": "sekundär",
        "lost_share": "lost (suppr.)",
        "ckm_cells": "agg cells",
        "ckm_changed_share": "changed (ckm)",
        "ckm_mean_abs_deviation": "MAD (ckm)",
        "ckm_mad_nonzero_cells": "MAD n>0",
        "ckm_max_abs_deviation": "max |d|",
    }
    shown = shown[[c for c in columns if c in shown]].rename(columns=columns)
    totals = report[["cells", "suppressed", "primary", "secondary"]].fillna(0).sum()
    footer = (
        f"\nAll marts: {int(totals['cells'])} cells, {int(totals['suppressed'])} suppressed "
        f"({int(totals['primary'])} primär, {int(totals['secondary'])} sekundär where the "
        f"internal reasons cover the mart), "
        f"{100 * totals['suppressed'] / max(totals['cells'], 1):.1f} % lost "
        "with suppression; 0 lost with the cell key method."
    )
    return shown.to_string(index=False) + footer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m studentflow.sdc_report",
        description="Cells lost to suppression vs deviation under the cell key method, per mart.",
    )
    parser.add_argument("--duckdb", required=True, help="the built warehouse (opened read-only)")
    parser.add_argument("--manifest", help="target/manifest.json to match marts to aggregates")
    parser.add_argument("--csv", help="also write the table to this CSV file")
    args = parser.parse_args(argv)
    report = sdc_report(args.duckdb, args.manifest)
    print(format_report(report))
    if args.csv:
        report.to_csv(args.csv, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
