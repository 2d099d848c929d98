"""Export the published marts for BI tools: Parquet, Excel-friendly CSV and a data dictionary.

    studentflow export [--duckdb data/warehouse/studentflow.duckdb] [--out output/export]
                       [--models a,b] [--decimal comma|point] [--manifest target/manifest.json]

Only models in the DuckDB schema ``published`` (protected figures, docs/disclosure-control.md)
can be exported. Asking for anything else -- an aggregate with exact counts, an intermediate or
staging model, a seed, or a name nobody knows -- is refused with a message naming it and why.

The warehouse is opened read-only, so the export can run while other readers have it open (but
not while ``dbt build`` writes it: DuckDB allows one writer).

Files written under ``--out`` (default ``output/export``, git-ignored):

    <mart>.parquet            typed, for Power BI / Qlik / pandas / R
    <mart>.csv                UTF-8 with BOM, ';' separated, decimal comma by default
    data_dictionary.csv       table, column, position, type, role, description (same CSV dialect)
    data_dictionary.md        the same for people, plus how to read the suppression columns
    export_manifest.json      what was exported, when, from which warehouse, rows and sizes
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from studentflow.sql import quote_ident, sql_text

PUBLISHED_SCHEMA = "published"
DEFAULT_DUCKDB = "data/warehouse/studentflow.duckdb"
DEFAULT_OUT = "output/export"
DEFAULT_MANIFEST = "target/manifest.json"
BOM = "\ufeff"

# Why a schema other than `published` is never exported (shown in refusals).
LAYER_REASONS = {
    "aggregates": "it holds exact, unprotected counts per cell (internal, never exported)",
    "intermediate": "it holds person-level register data (internal)",
    "staging": "it holds row-level register extracts (internal)",
    "data_quality": "it is an internal data-quality table, not a protected statistic",
    "code_lists": "it is a code list (seed); the marts already carry the names",
    "sdc_fixtures": "it is a test fixture of the disclosure-control layer",
}

# The standard columns of every published mart (docs/disclosure-control.md), for the dictionary.
SUPPRESSION_COLUMNS: list[tuple[str, str]] = [
    (
        "`n`",
        "the count; **empty (NULL) when suppressed** -- never read an empty cell as zero. "
        "Zero itself is published as 0.",
    ),
    (
        "`n_display`",
        "the text to show: the number, or `..` when suppressed (SCB/UKÄ style; with the "
        "midpoint display option primary-suppressed cells show `2,5`)",
    ),
    ("`n_is_suppressed`", "true when the count is suppressed"),
    (
        "`share`, `rate`",
        "a derived figure in 0..1 (multiply by 100 for per cent); empty when suppressed: its "
        "numerator was suppressed or its denominator below k",
    ),
    (
        "`share_display`, `rate_display`",
        "the per cent with one decimal and a decimal comma (`45,3`), or `..`",
    ),
    ("`share_is_suppressed`, `rate_is_suppressed`", "true when the derived figure is suppressed"),
    (
        "`share_denominator`, `rate_denominator`",
        "the published denominator (the total row's count, or the public population figure)",
    ),
    ("`<measure>_n`", "number of persons behind the magnitude statistics of the cell"),
    (
        "`<measure>_median`, `_p25`, `_p75`, `_mean`",
        "magnitude statistics (e.g. income in SEK); empty when fewer than k_mag persons "
        "(10 by default)",
    ),
    ("`<measure>_is_suppressed`", "true when the magnitude statistics are suppressed"),
    (
        "`n_<basis>`, `n_<basis>_display`, ...",
        "marts with two counts per row (e.g. net migration) carry the same four columns for "
        "each count",
    ),
]

SUPPRESSION_EXPLAINED = (
    "Every count in a published mart went through disclosure control "
    "(docs/disclosure-control.md):\n\n| column | meaning |\n|---|---|\n"
    + "".join(f"| {c} | {m} |\n" for c, m in SUPPRESSION_COLUMNS)
    + """
Totals: every dimension with a `Totalt` member (sex, categories, geography, programme) has a
total row that is the sum of its parts. A part of a published total is never suppressed alone:
there are always two or more suppressed parts, so the total minus the published parts gives only
their sum. In BI tools filter to one value of every dimension you do not chart (often `Totalt`),
or the totals are counted twice.
"""
)


class ExportRefused(Exception):
    """A requested model may not be exported (not a published mart, or unknown)."""


@dataclass
class ManifestModel:
    name: str
    resource_type: str
    schema: str | None
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    path: str = ""


def load_manifest(path: Path | None) -> dict[str, ManifestModel]:
    """Models, seeds, snapshots and sources of a dbt manifest, keyed by (unqualified) name."""
    if path is None or not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, ManifestModel] = {}
    nodes = list(raw.get("nodes", {}).values()) + list(raw.get("sources", {}).values())
    for node in nodes:
        rtype = node.get("resource_type")
        if rtype not in {"model", "seed", "snapshot", "source"}:
            continue
        if rtype == "source":
            name = node.get("identifier") or node.get("name")
        else:
            name = node.get("alias") or node.get("name")
        entry = ManifestModel(
            name=name,
            resource_type=rtype,
            schema=node.get("schema"),
            description=(node.get("description") or "").strip(),
            columns={
                c: (meta.get("description") or "").strip()
                for c, meta in (node.get("columns") or {}).items()
            },
            path=node.get("original_file_path") or "",
        )
        # a published model wins over a same-named source or seed
        if name not in found or entry.schema == PUBLISHED_SCHEMA:
            found[name] = entry
    return found


def connect(duckdb_path: Path):
    import duckdb

    if not duckdb_path.exists():
        raise FileNotFoundError(
            f"warehouse {duckdb_path} does not exist: run `make build` (or dbt build) first"
        )
    return duckdb.connect(str(duckdb_path), read_only=True)


def warehouse_tables(con) -> dict[str, str]:
    """{table name: schema} of every table and view in the warehouse (any schema)."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "order by table_schema = ? desc, table_schema, table_name",
        [PUBLISHED_SCHEMA],
    ).fetchall()
    out: dict[str, str] = {}
    for schema, name in rows:
        out.setdefault(name, schema)
    return out


def published_marts(con) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "order by table_name",
        [PUBLISHED_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def resolve_models(
    requested: list[str] | None,
    available: list[str],
    all_tables: dict[str, str],
    manifest: dict[str, ManifestModel],
) -> list[str]:
    """The marts to export; raises ExportRefused naming every refused model and why."""
    if not requested:
        return list(available)
    problems: list[str] = []
    chosen: list[str] = []
    for item in requested:
        name = item.strip()
        if not name:
            continue
        schema_given = None
        if "." in name:
            schema_given, name = name.rsplit(".", 1)
            schema_given = schema_given.split(".")[-1]
        if name in available and schema_given in (None, PUBLISHED_SCHEMA):
            if name not in chosen:
                chosen.append(name)
            continue
        schema = schema_given or all_tables.get(name)
        node = manifest.get(name)
        if schema is None and node is not None:
            schema = node.schema
        if node is not None and node.schema == PUBLISHED_SCHEMA and schema == PUBLISHED_SCHEMA:
            problems.append(
                f"'{item}' is a published mart in the dbt manifest but is not in the warehouse: "
                "run dbt build first"
            )
        elif schema is not None and schema != PUBLISHED_SCHEMA:
            kind = node.resource_type if node is not None else "relation"
            reason = LAYER_REASONS.get(schema, "only protected figures may leave the warehouse")
            problems.append(
                f"'{item}' is not a published mart: it is a {kind} in schema '{schema}', "
                f"and {reason}"
            )
        else:
            problems.append(
                f"'{item}' is not a published mart: no model of that name in schema "
                f"'{PUBLISHED_SCHEMA}' (nor anywhere in the warehouse or the dbt manifest)"
            )
    if problems:
        listing = ", ".join(available) if available else "(none: is the warehouse built?)"
        raise ExportRefused(
            "refused to export:\n  - "
            + "\n  - ".join(problems)
            + f"\nOnly models in schema '{PUBLISHED_SCHEMA}' can be exported. Published marts: "
            + listing
        )
    return chosen


def table_columns(con, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [PUBLISHED_SCHEMA, table],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


_DECIMAL_TYPES = re.compile(r"^(DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)", re.IGNORECASE)


def _csv_select(table: str, columns: list[tuple[str, str]], decimal: str) -> str:
    parts = []
    for name, dtype in columns:
        ident = quote_ident(name)
        if decimal == "comma" and _DECIMAL_TYPES.match(dtype):
            parts.append(f"replace(cast({ident} as varchar), '.', ',') as {ident}")
        else:
            parts.append(ident)
    source = f"(select * from {PUBLISHED_SCHEMA}.{quote_ident(table)} order by all) as t"
    return f"select {', '.join(parts)} from {source}"


def write_parquet(con, table: str, path: Path) -> None:
    tmp = path.with_suffix(".parquet.part")
    con.execute(
        f"copy (select * from {PUBLISHED_SCHEMA}.{quote_ident(table)} order by all) "
        f"to {sql_text(str(tmp))} (format parquet, compression zstd)"
    )
    tmp.replace(path)


def write_csv(con, table: str, columns: list[tuple[str, str]], path: Path, decimal: str) -> None:
    """UTF-8 with BOM, ';' separator, header, NULL as empty, decimal comma optional."""
    body = path.with_suffix(".csv.part")
    con.execute(
        f"copy ({_csv_select(table, columns, decimal)}) to {sql_text(str(body))} "
        "(format csv, header true, delimiter ';', quote '\"', nullstr '')"
    )
    with open(path, "wb") as out, open(body, "rb") as src:
        out.write(BOM.encode("utf-8"))
        shutil.copyfileobj(src, out, length=1 << 20)
    body.unlink()


# --- the data dictionary ------------------------------------------------------------------------

_MEASURE_STATS = {
    "median": "median",
    "p25": "first quartile (25th percentile)",
    "p75": "third quartile (75th percentile)",
    "mean": "mean",
}


def column_role(column: str) -> str:
    if (
        column == "n"
        or re.fullmatch(r"n_[a-z0-9]+", column)
        and not column.endswith(("_display", "_suppressed", "_reason"))
    ):
        return "count (protected)"
    if column.endswith("_display"):
        return "display text"
    if column.endswith("_suppression_reason"):
        return "suppression reason"
    if column.endswith("_is_suppressed"):
        return "suppression flag"
    if column.endswith("_denominator"):
        return "denominator"
    if column in {"share", "rate"} or column.endswith(("_share", "_rate", "_ratio")):
        return "derived figure (protected)"
    if re.search(r"_(median|p25|p75|mean)$", column):
        return "magnitude (protected)"
    if column.endswith("_n") and not column.startswith("n_"):
        return "magnitude: persons"
    if column.endswith(("_code", "_year", "_label")) or column in {"sex", "variable"}:
        return "dimension"
    if column.endswith("_name"):
        return "label"
    return "attribute"


def generated_description(column: str) -> str:
    """A description for the standard disclosure-control columns (used when dbt has none)."""
    if column == "n":
        return "Count of persons in the cell; NULL when suppressed (see n_is_suppressed)."
    m = re.fullmatch(r"(.+)_display", column)
    if m:
        return (
            f"Display text of {m.group(1)}: the figure, or '..' when suppressed "
            "(shares and rates as per cent with decimal comma)."
        )
    m = re.fullmatch(r"(.+)_suppression_reason", column)
    if m:
        return f"Why {m.group(1)} is suppressed: 'primär', 'sekundär'; NULL when published."
    m = re.fullmatch(r"(.+)_is_suppressed", column)
    if m:
        return f"True when {m.group(1)} is suppressed by disclosure control."
    m = re.fullmatch(r"(.+)_denominator", column)
    if m:
        return f"Published denominator of {m.group(1)}."
    if column == "share":
        return "Share of the total row (0..1); NULL when suppressed."
    if column == "rate":
        return "Rate against a public denominator (0..1); NULL when suppressed."
    m = re.fullmatch(r"(.+)_(median|p25|p75|mean)", column)
    if m:
        return (
            f"{_MEASURE_STATS[m.group(2)].capitalize()} of {m.group(1)}; NULL when fewer than "
            "k_mag persons (magnitude rule)."
        )
    m = re.fullmatch(r"n_(.+)", column)
    if m:
        return f"Count of persons ({m.group(1)}); NULL when suppressed."
    m = re.fullmatch(r"(.+)_n", column)
    if m:
        return f"Number of persons behind the {m.group(1)} statistics of the cell."
    return ""


@dataclass
class DictionaryRow:
    table: str
    column: str
    position: int
    type: str
    role: str
    description: str
    description_source: str


def build_dictionary(
    tables: dict[str, list[tuple[str, str]]], manifest: dict[str, ManifestModel]
) -> list[DictionaryRow]:
    rows: list[DictionaryRow] = []
    for table, columns in tables.items():
        node = manifest.get(table)
        for position, (column, dtype) in enumerate(columns, start=1):
            described = node.columns.get(column, "") if node else ""
            source = "dbt"
            if not described:
                described = generated_description(column)
                source = "generated" if described else "missing"
            rows.append(
                DictionaryRow(
                    table, column, position, dtype, column_role(column), described, source
                )
            )
    return rows


def write_dictionary_csv(rows: list[DictionaryRow], path: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["table", "column", "position", "type", "role", "description", "description_source"]
    )
    for r in rows:
        writer.writerow(
            [r.table, r.column, r.position, r.type, r.role, r.description, r.description_source]
        )
    path.write_text(BOM + buf.getvalue(), encoding="utf-8", newline="")


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def write_dictionary_md(
    rows: list[DictionaryRow],
    manifest: dict[str, ManifestModel],
    stats: dict[str, dict],
    path: Path,
    decimal: str,
) -> None:
    lines = [
        "# studentflow -- data dictionary of the exported marts",
        "",
        f"Exported {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}. Every file is one published "
        "mart (DuckDB schema `published`) as Parquet and as CSV (UTF-8 with BOM, `;` separated, "
        f"decimal {'comma' if decimal == 'comma' else 'point'}, empty cell = NULL).",
        "",
        "## Reading the suppression columns",
        "",
        SUPPRESSION_EXPLAINED,
        "## Tables",
        "",
        "| table | rows | description |",
        "|---|---:|---|",
    ]
    for table, info in stats.items():
        node = manifest.get(table)
        described = _md_cell(node.description if node else "")
        lines.append(f"| [`{table}`](#{table}) | {info['rows']} | {described} |")
    lines.append("")
    for table in stats:
        node = manifest.get(table)
        lines += [f"### {table}", ""]
        if node and node.description:
            lines += [node.description.strip(), ""]
        lines += ["| # | column | type | role | description |", "|---:|---|---|---|---|"]
        for r in rows:
            if r.table == table:
                lines.append(
                    f"| {r.position} | `{r.column}` | {r.type} | {r.role} | "
                    f"{_md_cell(r.description) or '*(no description)*'} |"
                )
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


# --- the command --------------------------------------------------------------------------------


def _export_table(con, table: str, columns: list, out_dir: Path, decimal: str, log) -> dict:
    """One mart to Parquet and CSV; returns its rows, columns and file sizes."""
    parquet = out_dir / f"{table}.parquet"
    csv_path = out_dir / f"{table}.csv"
    write_parquet(con, table, parquet)
    write_csv(con, table, columns, csv_path, decimal)
    n_rows = con.execute(
        f"select count(*) from {PUBLISHED_SCHEMA}.{quote_ident(table)}"
    ).fetchone()[0]
    log(
        f"  {table}: {n_rows} rows -> {parquet.name} ({parquet.stat().st_size} B), "
        f"{csv_path.name} ({csv_path.stat().st_size} B)"
    )
    return {
        "rows": n_rows,
        "columns": len(columns),
        "files": {
            parquet.name: parquet.stat().st_size,
            csv_path.name: csv_path.stat().st_size,
        },
    }


def _export_marts(duckdb_path: Path, out_dir: Path, models, decimal: str, manifest, log):
    """Every chosen mart's files; returns (columns per mart, stats per mart)."""
    con = connect(duckdb_path)
    try:
        available = published_marts(con)
        chosen = resolve_models(models, available, warehouse_tables(con), manifest)
        if not chosen:
            raise ExportRefused(
                f"nothing to export: schema '{PUBLISHED_SCHEMA}' of {duckdb_path} has no marts "
                "(run dbt build first)"
            )
        out_dir.mkdir(parents=True, exist_ok=True)
        columns = {t: table_columns(con, t) for t in chosen}
        stats = {t: _export_table(con, t, columns[t], out_dir, decimal, log) for t in chosen}
    finally:
        con.close()
    return columns, stats


def export(
    duckdb_path: Path,
    out_dir: Path,
    models: list[str] | None = None,
    decimal: str = "comma",
    manifest_path: Path | None = None,
    log=print,
) -> dict:
    """Export published marts; returns the export manifest (also written as JSON)."""
    if decimal not in {"comma", "point"}:
        raise ValueError("decimal must be 'comma' or 'point'")
    manifest = load_manifest(manifest_path)
    if manifest_path is not None and not manifest:
        log(f"note: no dbt manifest at {manifest_path}: descriptions from column names only")
    columns, stats = _export_marts(duckdb_path, out_dir, models, decimal, manifest, log)
    rows = build_dictionary(columns, manifest)
    write_dictionary_csv(rows, out_dir / "data_dictionary.csv")
    write_dictionary_md(rows, manifest, stats, out_dir / "data_dictionary.md", decimal)
    missing = [f"{r.table}.{r.column}" for r in rows if r.description_source == "missing"]
    result = {
        "exported_at": dt.datetime.now().isoformat(timespec="seconds"),
        "warehouse": str(duckdb_path),
        "manifest": str(manifest_path) if manifest else None,
        "schema": PUBLISHED_SCHEMA,
        "csv": {"encoding": "utf-8-sig", "delimiter": ";", "decimal": decimal, "null": ""},
        "tables": stats,
        "dictionary": ["data_dictionary.csv", "data_dictionary.md"],
        "columns_without_description": missing,
    }
    (out_dir / "export_manifest.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return result


HELP = (
    "export the published marts (only those) to Parquet and Excel-friendly CSV, "
    "with a data dictionary"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `studentflow export` (also used by studentflow.cli)."""
    p.add_argument(
        "--duckdb",
        type=Path,
        default=Path(os.environ.get("STUDENTFLOW_DUCKDB", DEFAULT_DUCKDB)),
        help=f"warehouse file, opened read-only (default $STUDENTFLOW_DUCKDB or {DEFAULT_DUCKDB})",
    )
    p.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), help=f"default {DEFAULT_OUT}")
    p.add_argument(
        "--models",
        default=None,
        help="comma-separated mart names (default: every model in schema 'published')",
    )
    p.add_argument(
        "--decimal",
        choices=["comma", "point"],
        default="comma",
        help="decimal separator in the CSV files (default comma, as Swedish Excel expects)",
    )
    p.add_argument(
        "--manifest",
        type=Path,
        default=Path(DEFAULT_MANIFEST),
        help=f"dbt manifest with the descriptions (default {DEFAULT_MANIFEST})",
    )


def run(args: argparse.Namespace) -> int:
    """Run `studentflow export` from parsed arguments; returns the exit code."""
    models = [m for m in args.models.split(",") if m.strip()] if args.models else None
    try:
        result = export(args.duckdb, args.out, models, args.decimal, args.manifest)
    except ExportRefused as exc:
        print(f"studentflow export: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"studentflow export: {exc}", file=sys.stderr)
        return 1
    n = len(result["tables"])
    print(f"exported {n} published mart(s) to {args.out} (+ data_dictionary.csv/.md)")
    if result["columns_without_description"]:
        print(
            f"note: {len(result['columns_without_description'])} column(s) have no description "
            "in dbt: " + ", ".join(result["columns_without_description"][:10])
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="studentflow export", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
