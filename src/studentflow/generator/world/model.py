"""The static world's data: the programme catalogue and the World record that
build_world() fills and the simulation reads."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Catalogue:
    inst: np.ndarray  # institution index
    code: list
    name: list
    degree: np.ndarray  # index into World.degree_codes
    kind: list
    abbr: list
    terms: np.ndarray
    women: np.ndarray
    completion: np.ndarray
    family: list
    field: np.ndarray  # index into World.fields, -1 none
    niva: list
    weight: np.ndarray
    a_from_term: np.ndarray  # Niva 'A' from this term index (0-based); 99 = never


@dataclass
class World:
    seed: int
    scale: str
    knobs: dict
    # kommuner
    kommun_codes: np.ndarray = None
    kommun_names: list = None
    kommun_lan: np.ndarray = None  # lan index
    kommun_pop: np.ndarray = None
    kommun_vocab: list = None  # codes as written: today's, '9999', historical ones
    kommun_history: list = None  # (today's index, written index, last year written)
    edu_index: np.ndarray = None
    foreign_index: np.ndarray = None
    is_seat: np.ndarray = None
    lan_codes: list = None
    # institutions
    inst_codes: list = None
    inst_lan: np.ndarray = None
    inst_seat: np.ndarray = None  # kommun index
    inst_flags: list = None
    inst_share: np.ndarray = None  # target share of entrants
    inst_research: np.ndarray = None
    gravity_cdf: np.ndarray = None  # (n_lan, J)
    # code lists
    degree_codes: list = None
    degree_type: list = None  # 'yrkes' | 'general' | 'artistic'
    degree_credits: np.ndarray = None
    fields: list = None
    field_family: list = None
    field_weight: np.ndarray = None
    research_by_area: dict = None
    thresholds: dict = None
    sun_levels: list = None
    ssyk: dict = field(default_factory=dict)
    sni: dict = field(default_factory=dict)
    sector: dict = field(default_factory=dict)
    matchning: dict = field(default_factory=dict)
    all_sni: list = None
    cat: Catalogue = None
    general: dict = None  # 'KAND','MAST','MAGI','HOGS' -> degree index (by name)

    # ------------------------------------------------------------------ helpers
    def threshold(self, years: np.ndarray) -> np.ndarray:
        ys = sorted(self.thresholds)
        lo, hi = ys[0], ys[-1]
        arr = np.array([self.thresholds[y] for y in ys], dtype=float)
        y = np.asarray(years)
        out = np.interp(np.clip(y, lo, hi), ys, arr)
        out = np.where(y < lo, arr[0] * 1.03 ** (y - lo), out)
        out = np.where(y > hi, arr[-1] * 1.03 ** (y - hi), out)
        return out
