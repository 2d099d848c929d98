"""The raw input contract GX checks against (shared/spec/raw-extracts.md,
models/staging/*/_*__sources.yml), the seed code lists and the fixed limits."""

INTEGER, NUMBER, TEXT, DATE = "integer", "number", "text", "date"

#: extract -> {column: logical type}. 'integer' accepts any integer width (as the dbt
#: raw-extract check does), 'number' an integer, float or decimal, 'date' a date or
#: timestamp, 'text' strings. Column order as in the contract.
RAW_CONTRACT: dict[str, dict[str, str]] = {
    "personer": {
        "LopNr": INTEGER,
        "Kon": INTEGER,
        "FodelseAr": INTEGER,
        "FodLand": TEXT,
        "LopNrMor": INTEGER,
        "LopNrFar": INTEGER,
    },
    "folkbokforing": {"LopNr": INTEGER, "Ar": INTEGER, "Kommun": TEXT},
    "utvandringar": {"LopNr": INTEGER, "UtvandringDatum": DATE},
    "utbildningsniva": {"LopNr": INTEGER, "Ar": INTEGER, "SUN2020Niva": TEXT},
    "gymnasieexamina": {"LopNr": INTEGER, "ExamensAr": INTEGER, "SkolKommun": TEXT},
    "program": {
        "Larosate": TEXT,
        "Programkod": TEXT,
        "Programnamn": TEXT,
        "Examenskod": TEXT,
        "Niva": TEXT,
    },
    "registreringar": {
        "LopNr": INTEGER,
        "Termin": TEXT,
        "Larosate": TEXT,
        "Programkod": TEXT,
        "Huvudomrade": TEXT,
        "Niva": TEXT,
        "HpReg": NUMBER,
        "HpPrest": NUMBER,
    },
    "examina": {
        "LopNr": INTEGER,
        "Larosate": TEXT,
        "ExamensDatum": DATE,
        "Examenskod": TEXT,
        "Programkod": TEXT,
        "Huvudomrade": TEXT,
    },
    "forskarexamina": {
        "LopNr": INTEGER,
        "Larosate": TEXT,
        "ExamensDatum": DATE,
        "Examen": TEXT,
        "Forskningsamne": TEXT,
    },
    "sysselsattning": {
        "LopNr": INTEGER,
        "Ar": INTEGER,
        "SyssStat": TEXT,
        "ArbInk": INTEGER,
        "ArbLos": TEXT,
        "Studerande": TEXT,
        "AstSNI2007": TEXT,
        "AstSektor": TEXT,
        "SSYK2012": TEXT,
        "Matchning": TEXT,
        "AstKommun": TEXT,
    },
    "befolkning_kommun": {
        "Ar": INTEGER,
        "Kommun": TEXT,
        "Kon": INTEGER,
        "Alder": INTEGER,
        "UtrikesFodd": TEXT,
        "Antal": INTEGER,
    },
}

#: code list name -> (seed file, code column)
CODE_LISTS: dict[str, tuple[str, str]] = {
    "kommuner": ("kommuner.csv", "kommun_code"),
    "larosaten": ("larosaten.csv", "larosate_code"),
    "examenskoder": ("examenskoder.csv", "degree_code"),
    "huvudomraden": ("huvudomraden.csv", "main_field_code"),
    "forskningsamnen": ("forskningsamnen.csv", "research_subject_code"),
    "sun2020_niva": ("sun2020_niva.csv", "sun_level"),
    "sektorer": ("sektorer.csv", "sector_code"),
    "matchning": ("matchning.csv", "matching_code"),
}

#: share of values that must be in their code list: deliveries carry a few unknown
#: codes, which staging maps to 'Okänt' and counts (never drops).
CODE_LIST_MOSTLY = 0.99
YEAR_MIN, YEAR_MAX = 1990, 2035  # register years of the study period
DEFAULT_MAX_ROWS = 200_000  # per extract; larger files are sampled
RAW_FORMATS = ("parquet", "csv")

MAGNITUDE_STATS = ("median", "p25", "p75", "mean")
