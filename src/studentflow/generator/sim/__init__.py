"""Vectorised simulation of one entry cohort (all högskolenybörjare whose first term
falls in calendar year c) and their parents.  No per-person Python loops: loops run
only over small categorical groups (families, years).

One module per step, in the order simulate_cohort() (cohort.py) runs them:
demography, parents, studies (spells 1 and 2: spell.py, degrees.py), third_cycle,
migration, jobs, panel (folkbokföring), labour (sysselsättning), education (UREG)
and extracts (the rows of each extract)."""

from .cohort import simulate_cohort
from .degrees import degree_dates
from .extracts import EPOCH_TERM0, TERM_VOCAB
from .sizes import cohort_size, sampling_fraction
from .spell import run_spell

__all__ = [
    "EPOCH_TERM0",
    "TERM_VOCAB",
    "cohort_size",
    "degree_dates",
    "run_spell",
    "sampling_fraction",
    "simulate_cohort",
]
