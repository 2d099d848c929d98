"""Scales: population size, institutions and cohort sizes of each --scale."""

from __future__ import annotations

#: National reference: högskolenybörjare per year (excl. incoming exchange students).
NATIONAL_ENTRANTS_PER_YEAR = 75_000
#: The nominal period over which a scale's ``students`` are spread. Cohort sizes are a
#: fixed function of the calendar year (never of --end-year), so extending the end
#: year appends cohorts of the same size.
NOMINAL_LAST_COHORT = 2024

SCALES: dict[str, dict] = {
    "demo": {
        "students": 45_000,  # högskolenybörjare over the nominal period
        "first_cohort": 2008,
        # cohorts 2003-2007 are simulated too, cut to what a delivery starting in
        # VT2008 holds of them (delivery_start.py). Without them 2008 had a third of
        # 2013's registered persons and liu 50 doctoral degrees in window 2013-2018
        # (now 149); the demo's dbt build takes about 6 s more.
        "history_cohorts": 5,
        "institutions": ["liu", "uu", "lu", "gu", "umu", "kth", "bth", "hkr"],
        # target share of entrants per institution (calibrated with IPF on the gravity model);
        # liu holds 60 % so that one institution's tables are mostly published figures
        "institution_shares": {
            "liu": 0.60,
            "uu": 0.08,
            "lu": 0.08,
            "gu": 0.08,
            "umu": 0.05,
            "kth": 0.05,
            "bth": 0.03,
            "hkr": 0.03,
        },
        "max_programmes_per_institution": 10,
        "with_parents": True,
    },
    # issue 13's adversarial world: few students spread evenly over five institutions,
    # so nearly every cell (rare programme x small municipality x sex) is tiny; the
    # disclosure audit must still find nothing on it
    "adversarial": {
        "students": 5_000,
        "first_cohort": 2008,
        "institutions": ["liu", "uu", "kth", "bth", "hkr"],
        "institution_shares": {"liu": 0.2, "uu": 0.2, "kth": 0.2, "bth": 0.2, "hkr": 0.2},
        "max_programmes_per_institution": 10,
        "with_parents": True,
    },
    "region": {
        "students": 250_000,
        "first_cohort": 1993,
        "institutions": None,  # None = every institution in seeds/larosaten.csv
        "institution_shares": None,  # None = INSTITUTIONS[..]['share']
        "max_programmes_per_institution": None,
        "with_parents": True,
    },
    "national": {
        "students": 2_500_000,
        "first_cohort": 1993,
        "institutions": None,
        "institution_shares": None,
        "max_programmes_per_institution": None,
        "with_parents": True,
    },
}


#: Relative cohort size by entry year (multiplied by a scale constant). Roughly the
#: growth of Swedish higher education since 1993, flat from 2010.
def cohort_trend(year: int) -> float:
    if year >= 2010:
        return 1.0
    if year <= 1993:
        return 0.80
    return 0.80 + 0.20 * (year - 1993) / (2010 - 1993)
