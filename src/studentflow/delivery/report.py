"""Findings and the per-extract report, rendered as text (people) and JSON (CI, dbt)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass
class Finding:
    level: str  # error | warning
    #: file | encoding | schema | type | empty | key | orphans | codes | periods | personnummer
    check: str
    message: str
    column: str | None = None
    row: int | None = None  # data row (1 = first row after the header)
    line: int | None = None  # line in a text file (1 = header)


@dataclass
class ExtractReport:
    extract: str
    path: str
    found: bool = False
    format: str | None = None
    encoding: str | None = None
    bom: bool = False
    delimiter: str | None = None
    decimal: str | None = None
    rows: int | None = None
    columns: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def what(self) -> str:
        return f"Raw extract '{self.extract}' ({self.path})"

    def add(self, level: str, check: str, message: str, **where) -> Finding:
        finding = Finding(level, check, f"{self.what}{message}", **where)
        self.findings.append(finding)
        return finding

    def error(self, check: str, message: str, **where) -> Finding:
        return self.add(ERROR, check, message, **where)

    def warning(self, check: str, message: str, **where) -> Finding:
        return self.add(WARNING, check, message, **where)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]


@dataclass
class Report:
    raw_dir: str
    settings: dict
    extracts: list[ExtractReport] = field(default_factory=list)
    seconds: float = 0.0
    #: set when the verdict is a stored passing report of the same bytes (cache.py)
    cached: bool = False

    @property
    def errors(self) -> list[Finding]:
        return [f for e in self.extracts for f in e.errors]

    @property
    def warnings(self) -> list[Finding]:
        return [f for e in self.extracts for f in e.findings if f.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def message(self) -> str:
        """The first error, then how many more: what dbt stops the build with."""
        errors = self.errors
        if not errors:
            return ""
        more = len(errors) - 1
        tail = (
            f"\n({more} more error(s): run `studentflow check {self.raw_dir}` for all)"
            if more
            else ""
        )
        return errors[0].message + tail

    def to_dict(self) -> dict:
        return {
            "raw_dir": self.raw_dir,
            "ok": self.ok,
            "n_errors": len(self.errors),
            "n_warnings": len(self.warnings),
            "seconds": round(self.seconds, 2),
            "cached": self.cached,
            "settings": self.settings,
            "message": self.message(),
            "extracts": [asdict(e) for e in self.extracts],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The report again from ``to_dict`` (the cache of passing checks)."""
        extracts = []
        for e in data["extracts"]:
            findings = [Finding(**f) for f in e["findings"]]
            extracts.append(ExtractReport(**{**e, "findings": findings}))
        return cls(data["raw_dir"], data["settings"], extracts, data["seconds"])

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)

    def to_text(self) -> str:
        out = [f"Delivery check of {self.raw_dir}"]
        for e in self.extracts:
            out.append("")
            head = f"{e.extract}: {e.path}"
            if not e.found:
                out.append(f"{head}  NOT FOUND")
            else:
                fmt = e.format or "?"
                if e.format == "csv":
                    fmt += (
                        f", {e.encoding}{' with BOM' if e.bom else ''}, "
                        f"delimiter {e.delimiter!r}, decimal {e.decimal or '-'!r}"
                    )
                out.append(f"{head}  ({fmt})")
                rows = "?" if e.rows is None else f"{e.rows:,}".replace(",", " ")
                out.append(f"  rows {rows}, columns {', '.join(e.columns)}")
            for key, value in e.facts.items():
                out.append(f"  {key}: {value}")
            for f in e.findings:
                text = f.message.removeprefix(e.what).lstrip(":, ")
                out.append(f"  {f.level.upper()}: {text}")
        out.append("")
        if self.cached:
            out.append(
                f"Unchanged since a passing check ({self.seconds:.1f} s then): every file, "
                "code list, the contract and the settings hash the same, so nothing was re-read."
            )
        verdict = "OK" if self.ok else "FAILED"
        out.append(
            f"{verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s) "
            f"in {self.seconds:.1f} s"
        )
        return "\n".join(out)
