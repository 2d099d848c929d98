"""Runs every check on every extract of a delivery and returns the report."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from studentflow.sql import quote_ident

from . import cache as delivery_cache
from . import codes, keys, orphans, periods, personnummer, required, schema
from .contract import Extract
from .discovery import TextSniff, find_file, sniff_text
from .reading import Loaded, load_csv, load_parquet
from .report import ExtractReport, Report

ENCODINGS = {
    "utf-8": "utf-8", "utf8": "utf-8",
    "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1",
    "cp1252": "latin-1", "windows-1252": "latin-1",
}  # fmt: skip


@dataclass
class Settings:
    """How to read the delivery.  None = detect (the CLI); dbt passes its vars, and
    then a delivery that disagrees with a var is an error naming the var."""

    fmt: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    allow_empty: list[str] = field(default_factory=list)
    duplicates: str = "error"  # error | remove
    orphans_tolerated: int = 0
    pnr_sample_rows: int = 20000
    seeds_dir: str | None = None

    @classmethod
    def from_dict(cls, d: dict) -> Settings:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def _connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(
        config={
            "threads": int(os.environ.get("STUDENTFLOW_THREADS", "2")),
            "memory_limit": os.environ.get("STUDENTFLOW_MEMORY_LIMIT", "6GB"),
            "temp_directory": tempfile.mkdtemp(prefix="studentflow_check_"),
        }
    )
    return con


def _detect_decimal(con, extract: Extract, loaded: Loaded, found: dict[str, str]) -> str | None:
    """',' or '.' as used by the text values of the declared DECIMAL columns."""
    seen = set()
    for column in extract.columns:
        name = found.get(column.name)
        if name and column.data_type.startswith("DECIMAL") and loaded.columns[name] == "VARCHAR":
            comma, point = con.execute(
                f"select count(*) filter (contains({quote_ident(name)}, ',')), "
                f"count(*) filter (contains({quote_ident(name)}, '.')) from {loaded.relation}"
            ).fetchone()
            seen |= {","} if comma else set()
            seen |= {"."} if point else set()
    return seen.pop() if len(seen) == 1 else None


def _check_encoding(sniff: TextSniff, settings: Settings, rep: ExtractReport) -> str | None:
    """The encoding to read with, after reporting one that disagrees with the var;
    None when the file is damaged (not valid UTF-8 in one place only)."""
    wanted = ENCODINGS.get((settings.encoding or "").lower()) if settings.encoding else None
    if sniff.encoding == "invalid-utf-8":
        rep.error(
            "encoding",
            f", line {sniff.invalid_line}: byte {sniff.invalid_byte} is not valid UTF-8 although "
            "the file is UTF-8 elsewhere: the file is damaged (cut off or mixed encodings). "
            "Ask the data provider for a new copy.",
            line=sniff.invalid_line,
        )
        return None
    if sniff.encoding == "latin-1" and wanted == "utf-8":
        rep.error(
            "encoding",
            f": the file is Windows-1252/Latin-1 (byte {sniff.invalid_byte} in line "
            f"{sniff.invalid_line} is not UTF-8) but var raw_csv_encoding is "
            f"'{settings.encoding}': set --vars '{{raw_csv_encoding: latin-1}}'.",
            line=sniff.invalid_line,
        )
    if sniff.encoding == "utf-8" and wanted == "latin-1":
        bom = " with a byte-order mark (BOM)" if sniff.bom else ""
        rep.error(
            "encoding",
            f": the file is UTF-8{bom} but var raw_csv_encoding is '{settings.encoding}': "
            "set --vars '{raw_csv_encoding: utf-8}'.",
        )
    return (
        "latin-1" if sniff.encoding == "latin-1" else "utf-8" if sniff.encoding == "utf-8"
        else wanted or "utf-8"
    )  # fmt: skip


def _check_delimiter(
    extract: Extract, sniff: TextSniff, settings: Settings, rep: ExtractReport
) -> bool:
    """Report a header delimiter that disagrees with the var; False when there is none
    although the extract has several columns."""
    if settings.delimiter and sniff.delimiter and settings.delimiter != sniff.delimiter:
        rep.error(
            "file",
            f": the header is separated by {sniff.delimiter!r} but var raw_csv_delimiter is "
            f"{settings.delimiter!r}: set --vars '{{raw_csv_delimiter: \"{sniff.delimiter}\"}}'.",
        )
    if sniff.delimiter is None and len(extract.columns) > 1:
        rep.error("file", f": no delimiter found in the header line {sniff.header[0]!r}.")
        return False
    return True


def _report_rejects(loaded: Loaded, sniff: TextSniff, rep: ExtractReport) -> None:
    """The first line that cannot be read, and how many cannot."""
    for line, error_type, message in loaded.rejects[:1]:
        cut = (
            " The file does not end with a line break: the delivery looks cut off."
            if not sniff.ends_with_newline and line >= sniff.n_lines
            else ""
        )
        rep.error(
            "file",
            f", line {line}: {error_type.lower()} ({message.split('.')[0]}).{cut} "
            f"{len(loaded.rejects)}{'+' if len(loaded.rejects) >= 5 else ''} line(s) cannot be "
            "read; ask the data provider for a complete file.",
            line=line,
        )


def _read_text(
    con, extract: Extract, path: Path, settings: Settings, rep: ExtractReport
) -> Loaded | None:
    """Encoding, BOM and delimiter found vs asked for, then the rows (or None)."""
    sniff = sniff_text(path)
    rep.bom = sniff.bom
    rep.delimiter = sniff.delimiter
    rep.encoding = sniff.encoding
    encoding = _check_encoding(sniff, settings, rep)
    if encoding is None or not _check_delimiter(extract, sniff, settings, rep):
        return None
    loaded = load_csv(con, extract.name, path, sniff.delimiter or ",", encoding)
    _report_rejects(loaded, sniff, rep)
    return loaded


def _file_not_found(extract: Extract, raw_dir: Path, rep: ExtractReport) -> None:
    other = [p.name for p in raw_dir.glob(f"{extract.name}.*")]
    hint = f" (found {', '.join(other)}: set STUDENTFLOW_RAW_FORMAT)" if other else ""
    rep.error(
        "file",
        f": file not found{hint}. Generate demo data with `make data`, or point "
        "STUDENTFLOW_RAW_DIR / var raw_dir at the delivery (format: "
        "STUDENTFLOW_RAW_FORMAT=parquet|csv).",
    )


def _load(
    con, extract: Extract, path: Path, fmt: str, settings: Settings, rep: ExtractReport
) -> Loaded | None:
    """The extract's rows as a relation, or None after reporting why not."""
    try:
        if fmt == "csv":
            return _read_text(con, extract, path, settings, rep)
        return load_parquet(con, extract.name, path)
    except duckdb.Error as exc:
        rep.error("file", f": cannot be read as {fmt}: {str(exc).splitlines()[0]}")
        return None


def _report_empty(extract: Extract, settings: Settings, rep: ExtractReport) -> None:
    if extract.optional and extract.name in settings.allow_empty:
        rep.warning("empty", ": extract is empty (allowed by var raw_allow_empty_extracts).")
    else:
        allow = (
            f" It is optional: allow an empty delivery with --vars "
            f"'{{raw_allow_empty_extracts: [{extract.name}]}}'."
            if extract.optional
            else " It is required: ask the data provider for the rows."
        )
        rep.error("empty", f": extract is empty (a header and no rows).{allow}")


def _decimal(
    con,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    settings: Settings,
    rep: ExtractReport,
    is_text: bool,
) -> str | None:
    """The decimal separator to cast text with: the var, else the one the values use."""
    decimal = settings.decimal
    if is_text or any(loaded.columns[n] == "VARCHAR" for n in found.values()):
        detected = _detect_decimal(con, extract, loaded, found)
        if detected:
            rep.decimal = detected
        decimal = decimal or detected or ","
    return decimal


def _check_rows(
    con,
    extract: Extract,
    loaded: Loaded,
    found: dict[str, str],
    settings: Settings,
    rep: ExtractReport,
) -> None:
    """The checks of a non-empty extract's values: types, keys, codes, required values,
    periods, pnr."""
    is_text = rep.format == "csv"
    decimal = _decimal(con, extract, loaded, found, settings, rep, is_text)
    schema.check_types(con, extract, loaded, found, rep, decimal=decimal, is_text_file=is_text)
    keys.check_duplicates(
        con, extract, loaded, found, rep, mode=settings.duplicates, is_text_file=is_text
    )
    codes.check_codes(
        con, extract, loaded, found, rep,
        seeds_dir=Path(settings.seeds_dir) if settings.seeds_dir else None,
    )  # fmt: skip
    required.check_required(con, extract, loaded, found, rep, is_text_file=is_text)
    periods.check_periods(con, extract, loaded, found, rep)
    personnummer.check_personnummer(
        con, loaded, rep, sample_rows=settings.pnr_sample_rows, is_text_file=is_text
    )


def check_extract(
    con, extract: Extract, raw_dir: Path, settings: Settings
) -> tuple[ExtractReport, Loaded | None, dict[str, str]]:
    path, fmt = find_file(raw_dir, extract.name, settings.fmt)
    rep = ExtractReport(extract=extract.name, path=str(path))
    if fmt is None:
        _file_not_found(extract, raw_dir, rep)
        return rep, None, {}
    rep.found, rep.format = True, fmt
    loaded = _load(con, extract, path, fmt, settings, rep)
    if loaded is None:
        return rep, None, {}
    rep.rows, rep.columns = loaded.rows, list(loaded.columns)
    found = schema.check_columns(extract, loaded, rep)
    if loaded.rows == 0:
        _report_empty(extract, settings, rep)
        return rep, loaded, found
    try:
        _check_rows(con, extract, loaded, found, settings, rep)
    except duckdb.Error as exc:
        # the footer read, but a data page does not decode (a damaged copy):
        # a finding naming the file, not a traceback
        first = str(exc).splitlines()[0]
        rep.error(
            "file", f": cannot be read as {fmt} (damaged inside: {first}). Ask for a new copy."
        )
        return rep, None, {}
    return rep, loaded, found


def check_delivery(
    raw_dir: Path | str, extracts: list[Extract], settings: Settings, cache: Path | None = None
) -> Report:
    """Check every extract (or, with ``cache``, reuse a passing report of the same bytes)."""
    raw_dir = Path(raw_dir)
    key = delivery_cache.fingerprint(raw_dir, extracts, settings) if cache else None
    stored = delivery_cache.load(cache, key) if cache else None
    if stored is not None:
        stored.cached = True
        return stored
    report = _check_all(raw_dir, extracts, settings)
    if cache:
        delivery_cache.store(cache, key, report)
    return report


def _check_all(raw_dir: Path, extracts: list[Extract], settings: Settings) -> Report:
    started = time.perf_counter()
    report = Report(raw_dir=str(raw_dir), settings=asdict(settings))
    persons = None
    checked = []
    con = _connect()
    try:
        for extract in extracts:
            rep, loaded, found = check_extract(con, extract, raw_dir, settings)
            report.extracts.append(rep)
            if loaded is not None:
                checked.append(orphans.Checked(extract, loaded, found, rep, rep.format == "csv"))
            if extract.name == "personer" and loaded is not None and "LopNr" in found:
                persons = (loaded, found["LopNr"])
        orphans.check_orphans(con, checked, persons, tolerated=int(settings.orphans_tolerated))
    finally:
        con.close()
    report.seconds = time.perf_counter() - started
    return report
