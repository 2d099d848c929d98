"""build_world(): the static world of one run, step by step."""

from __future__ import annotations

from pathlib import Path

from .. import config as C
from ..rng import stream
from .choice import prepare_choice_tables
from .codelists import degrees, fields, research_and_levels
from .gravity import gravity
from .institutions import institutions
from .labour_profiles import labour_profiles
from .model import World
from .municipalities import municipal_indices, municipalities
from .programmes import catalogue


def build_world(seeds_dir, scale: str, seed: int, knobs: dict | None = None) -> World:
    """Code lists, municipalities, institutions, gravity model and programme
    catalogue for scale and seed. The world stream's draws, in order: municipal
    indices, field weights, programme catalogue."""
    sc = C.SCALES[scale]
    kn = dict(C.KNOBS)
    if knobs:
        kn.update(knobs)
    w = World(seed=seed, scale=scale, knobs=kn)
    rng = stream(seed, 0, "world")
    seeds_dir = Path(seeds_dir)
    kom = municipalities(w, seeds_dir)
    wanted = sc["institutions"]
    prof = institutions(w, seeds_dir, kom, wanted)
    municipal_indices(w, rng)
    gravity(w, prof, sc["institution_shares"], restricted=wanted is not None)
    degree_names = degrees(w, seeds_dir)
    fields(w, seeds_dir, rng)
    research_and_levels(w, seeds_dir)
    labour_profiles(w, seeds_dir)
    w.cat = catalogue(w, degree_names, rng, sc["max_programmes_per_institution"])
    prepare_choice_tables(w)
    return w
