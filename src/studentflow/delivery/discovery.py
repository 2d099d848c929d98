"""Which file holds an extract, and for text files how it is encoded and delimited.

The encoding is found by scanning the bytes once (chunked, so national files do not
need to fit in memory): pure ASCII, valid UTF-8 (with or without a byte-order mark),
Latin-1/Windows-1252 (bytes that are not UTF-8 and no valid multi-byte UTF-8 sequence
anywhere in the file), or UTF-8 with invalid bytes (a damaged file: the line is reported).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

BOM = codecs.BOM_UTF8
CHUNK = 16 * 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")
#: a well-formed multi-byte UTF-8 letter; Latin-1 text (å = E5 then ASCII) never has one
UTF8_LETTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass
class TextSniff:
    encoding: str  # ascii | utf-8 | latin-1 | invalid-utf-8
    bom: bool
    header: list[str]
    delimiter: str | None
    invalid_line: int | None = None  # first line with bytes that are not UTF-8
    invalid_byte: str | None = None
    ends_with_newline: bool = True
    n_lines: int = 0


def find_file(raw_dir: Path, extract: str, fmt: str | None) -> tuple[Path, str | None]:
    """(path, format) of the extract; format None when no file exists.  With fmt None
    the format is whichever of <extract>.parquet / <extract>.csv is there."""
    formats = [fmt] if fmt else ["parquet", "csv"]
    for f in formats:
        path = raw_dir / f"{extract}.{f}"
        if path.exists():
            return path, f
    return raw_dir / f"{extract}.{formats[0]}", None


def _line_of(data: bytes, pos: int, lines_before: int) -> int:
    return lines_before + data.count(b"\n", 0, pos) + 1


def sniff_text(path: Path) -> TextSniff:
    """Encoding, BOM, delimiter and header of a delimited text file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    non_ascii = multibyte_ok = False
    invalid_line = invalid_byte = None
    last = b""
    with path.open("rb") as fh:
        first = fh.read(CHUNK)
        bom = first.startswith(BOM)
        chunk = first[len(BOM) :] if bom else first
        while chunk:
            ascii_only = chunk.isascii()
            non_ascii = non_ascii or not ascii_only
            if not ascii_only and not multibyte_ok:
                multibyte_ok = UTF8_LETTER.search(chunk) is not None
            if invalid_line is None and (not ascii_only or decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    invalid_line = _line_of(chunk, exc.start, lines_before)
                    invalid_byte = chunk[exc.start : exc.start + 1].hex().upper()
            lines_before += chunk.count(b"\n")
            last = chunk[-1:] or last
            chunk = fh.read(CHUNK)
    if invalid_line is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a multi-byte letter
            invalid_line, invalid_byte = lines_before + 1, "end of file"
    if invalid_line is not None:
        encoding = "invalid-utf-8" if (multibyte_ok or bom) else "latin-1"
    else:
        encoding = "utf-8" if (non_ascii or bom) else "ascii"
    head = first[len(BOM) :] if bom else first
    header_line = head.split(b"\n", 1)[0].rstrip(b"\r")
    header_text = header_line.decode("utf-8" if encoding != "latin-1" else "latin-1", "replace")
    counts = {d: header_text.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.get) if max(counts.values()) > 0 else None
    header = (
        [h.strip().strip('"') for h in header_text.split(delimiter)]
        if delimiter
        else [header_text.strip()]
    )
    return TextSniff(
        encoding=encoding,
        bom=bom,
        header=header,
        delimiter=delimiter,
        invalid_line=invalid_line,
        invalid_byte=invalid_byte,
        ends_with_newline=last in (b"\n", b""),
        n_lines=lines_before + (0 if last in (b"\n", b"") else 1),
    )
