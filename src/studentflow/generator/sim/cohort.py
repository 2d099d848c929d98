"""simulate_cohort(): one entry cohort from demography to the extracts' rows.

Each step draws from its own random stream (rng.stream(seed, cohort, purpose)), so
the steps' order here does not change the data; the order of the draws inside a
step does."""

from __future__ import annotations

from ..exchange import exchange_students
from ..world import World
from . import extracts as X
from .demography import ability, demography
from .education import education
from .jobs import jobs
from .labour import labour_market
from .migration import migration
from .panel import residence_panel
from .parents import parents
from .sizes import cohort_size
from .studies import first_spell, second_spell
from .third_cycle import third_cycle


def simulate_cohort(w: World, c: int, end_year: int) -> dict:
    """All högskolenybörjare whose first term is in calendar year c, their parents
    and the year's incoming exchange students, as {extract: columns} up to end_year."""
    n = cohort_size(w, c)
    d = demography(w, c, n)
    par = parents(w, c, d)
    ab = ability(d, par)
    st = first_spell(w, c, d, ab)
    second_spell(w, c, d, ab, st)
    ph = third_cycle(w, c, d, st)
    mg = migration(w, c, d, st, ph)
    jb = jobs(w, c, d, st)
    pn = residence_panel(w, c, end_year, d, st, ph, mg)
    sys_out = labour_market(w, c, end_year, d, st, ph, mg, jb, pn)
    ed = education(w, c, end_year, d, st, ph)

    ex = exchange_students(w, c, n)
    lop = X.lopnrs(w, c, n, ex["n"])
    return {
        "personer": X.personer(d, par, lop, ex),
        "utbildningsniva": X.utbildningsniva(w, end_year, par, ed, lop),
        "folkbokforing": X.folkbokforing(w, pn, lop),
        "utvandringar": X.utvandringar(end_year, mg, lop),
        "gymnasieexamina": X.gymnasieexamina(w, end_year, ed, lop),
        "registreringar": X.registreringar(w, end_year, ed, ex, lop),
        "examina": X.examina(w, end_year, ed, lop),
        "forskarexamina": X.forskarexamina(w, end_year, ph, lop),
        "sysselsattning": X.sysselsattning(w, sys_out, jb.vocab.codes, lop),
    }
