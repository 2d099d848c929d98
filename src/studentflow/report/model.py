"""What the sections work on: a section of the page, the run's context, and the
exception for a section with nothing to show."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import charts
from .warehouse import Warehouse

TOTAL = "Totalt"
UNKNOWN = "Okänt"
MAX_GROUPS = 18  # bars per chart; the rest are in the exports


@dataclass
class Section:
    key: str
    title: str
    title_en: str
    intro: str  # Swedish, HTML allowed
    intro_en: str
    marts: list[str] = field(default_factory=list)
    status: str = "ok"  # ok | missing | empty | error
    message: str = ""
    blocks: list[str] = field(default_factory=list)  # HTML: figures and tables, in order
    notes: list[str] = field(default_factory=list)
    n_figures: int = 0


@dataclass
class Context:
    wh: Warehouse
    institution: str
    institution_name: str
    institution_county: str | None
    county_name: str | None
    window: int
    window_length: int
    years_after: int
    figure_seq: list[int] = field(default_factory=lambda: [0])

    @property
    def window_years(self) -> tuple[int, int]:
        return self.window, self.window + self.window_length - 1

    @property
    def window_label(self) -> str:
        a, b = self.window_years
        return f"{a}–{b}"

    def figure(self, section: Section, fig) -> None:
        self.figure_seq[0] += 1
        section.blocks.append(
            '<figure class="chart">'
            + charts.to_html(fig, f"fig-{section.key}-{self.figure_seq[0]}")
            + "</figure>"
        )
        section.n_figures += 1


class SectionEmpty(Exception):
    """The mart exists but has nothing for this institution and window."""
