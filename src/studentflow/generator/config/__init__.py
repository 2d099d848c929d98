"""Knobs and public-knowledge constants for the synthetic register generator.

Everything that shapes the synthetic population lives in this package, one module
per topic (scales, knobs, geography, institutions, programmes, labour_market), so
docs/generator.md can point at one place; the generator reads it as ``config.NAME``.
Code values (kommun codes, degree codes, SSYK, SNI ...) are NOT defined here: they
are read at run time from the dbt seeds (single source of truth); this package only
holds *preferences* that are matched against the seeds.
"""

from .geography import (
    BIG_CITIES,
    BIRTH_COUNTRIES,
    BIRTHS,
    COUNTY_CENTROIDS,
    EDU_INDEX_BONUS,
    EXCHANGE_COUNTRIES,
    FOREIGN_INDEX,
    FREEMOVER_COUNTRIES,
    GRAVITY_HOME_COUNTY_BONUS,
    GRAVITY_LAMBDA_KM,
    KOMMUN_SPLITS,
)
from .institutions import (
    DEFAULT_INSTITUTION,
    INSTITUTIONS,
    RESEARCH_INSTITUTIONS,
)
from .knobs import (
    KNOBS,
)
from .labour_market import (
    MATCHNING_PROFILES,
    SECTOR_PROFILES,
    SNI_PROFILES,
    SSYK_PROFILES,
)
from .programmes import (
    A_LEVEL_INTEGRATED,
    FAMILY_RESEARCH_AREA,
    FIELD_FAMILY,
    PROGRAMME_TEMPLATES,
    SMALL_PROGRAMME_SHARE,
    SUBJECT_AREA_FAMILY,
)
from .scales import (
    NATIONAL_ENTRANTS_PER_YEAR,
    NOMINAL_LAST_COHORT,
    SCALES,
    cohort_trend,
)

__all__ = [
    "A_LEVEL_INTEGRATED",
    "BIG_CITIES",
    "BIRTHS",
    "BIRTH_COUNTRIES",
    "COUNTY_CENTROIDS",
    "DEFAULT_INSTITUTION",
    "EDU_INDEX_BONUS",
    "EXCHANGE_COUNTRIES",
    "FAMILY_RESEARCH_AREA",
    "FIELD_FAMILY",
    "FOREIGN_INDEX",
    "FREEMOVER_COUNTRIES",
    "GRAVITY_HOME_COUNTY_BONUS",
    "GRAVITY_LAMBDA_KM",
    "INSTITUTIONS",
    "KNOBS",
    "KOMMUN_SPLITS",
    "MATCHNING_PROFILES",
    "NATIONAL_ENTRANTS_PER_YEAR",
    "NOMINAL_LAST_COHORT",
    "PROGRAMME_TEMPLATES",
    "RESEARCH_INSTITUTIONS",
    "SCALES",
    "SECTOR_PROFILES",
    "SMALL_PROGRAMME_SHARE",
    "SNI_PROFILES",
    "SSYK_PROFILES",
    "SUBJECT_AREA_FAMILY",
    "cohort_trend",
]
