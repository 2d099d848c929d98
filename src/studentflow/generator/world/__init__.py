"""Static world: code lists from the dbt seeds, municipalities, institutions,
gravity model and programme catalogue.  Built once per run; depends on the seed
and the scale, never on the end year.

Modules: seeds (reading the code lists), model (World, Catalogue), municipalities,
institutions, gravity, codelists (degrees, fields, research subjects), labour_profiles,
programmes (the catalogue), choice (grouped categorical tables) and build
(build_world)."""

from .build import build_world
from .choice import grouped_cdf, sample_grouped
from .model import Catalogue, World
from .seeds import REQUIRED_SEEDS, UNKNOWN, read_seed

__all__ = [
    "REQUIRED_SEEDS",
    "UNKNOWN",
    "Catalogue",
    "World",
    "build_world",
    "grouped_cdf",
    "read_seed",
    "sample_grouped",
]
