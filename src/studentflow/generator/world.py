"""Static world: code lists from the dbt seeds, municipalities, institutions,
gravity model and programme catalogue.  Built once per run; depends on the seed
and the scale, never on the end year."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import config as C
from .history import kommun_code_history, read_code_changes
from .rng import stream

UNKNOWN = "Okänt"

REQUIRED_SEEDS = {
    "kommuner": ["kommun_code", "kommun_name", "lan_code", "population_2024"],
    "lan": ["lan_code"],
    "larosaten": ["larosate_code", "seat_kommun_code", "lan_code"],
    "sun2020_niva": ["sun_level"],
    "sni2007_huvudgrupper": ["sni_division", "sni_section"],
    "ssyk2012_yrkesgrupper": ["ssyk_code"],
    "sektorer": ["sector_code"],
    "matchning": ["matching_code"],
    "examenskoder": ["degree_code", "degree_name", "degree_type"],
    "huvudomraden": ["main_field_code", "main_field_name"],
    "forskningsamnen": ["research_subject_code"],
    "etablering_inkomstgrans": ["year", "income_threshold_sek"],
}


def read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    """Read a seed CSV as strings (UTF-8), dropping the 'Okänt' member."""
    path = Path(seeds_dir) / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"code list {path} not found (is --seeds-dir right?)")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in REQUIRED_SEEDS.get(name, []) if rows and c not in rows[0]]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}")
    key = REQUIRED_SEEDS.get(name, [None])[0]
    return [r for r in rows if key is None or (r.get(key) or "").strip() not in ("", UNKNOWN)]


def _haversine(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def _probs(d: dict) -> tuple[list, np.ndarray]:
    keys = list(d)
    p = np.array([d[k] for k in keys], dtype=float)
    return keys, p / p.sum()


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


def build_world(seeds_dir, scale: str, seed: int, knobs: dict | None = None) -> World:
    sc = C.SCALES[scale]
    kn = dict(C.KNOBS)
    if knobs:
        kn.update(knobs)
    w = World(seed=seed, scale=scale, knobs=kn)
    rng = stream(seed, 0, "world")
    seeds_dir = Path(seeds_dir)

    # ---- counties & municipalities
    lan_rows = read_seed(seeds_dir, "lan")
    w.lan_codes = sorted(r["lan_code"] for r in lan_rows if r["lan_code"] in C.COUNTY_CENTROIDS)
    lan_ix = {c: i for i, c in enumerate(w.lan_codes)}
    kom = [
        r
        for r in read_seed(seeds_dir, "kommuner")
        if r["lan_code"] in lan_ix and r["population_2024"]
    ]
    kom.sort(key=lambda r: r["kommun_code"])
    w.kommun_codes = np.array([r["kommun_code"] for r in kom], dtype=object)
    w.kommun_names = [r["kommun_name"] for r in kom]
    w.kommun_lan = np.array([lan_ix[r["lan_code"]] for r in kom])
    w.kommun_pop = np.array([float(r["population_2024"]) for r in kom])
    kix = {c: i for i, c in enumerate(w.kommun_codes)}
    # municipality codes as each year's registers carry them (history.py)
    w.kommun_vocab, w.kommun_history = kommun_code_history(
        read_code_changes(seeds_dir), C.KOMMUN_SPLITS, w.kommun_codes
    )

    # ---- institutions
    lar = read_seed(seeds_dir, "larosaten")
    lar.sort(key=lambda r: r["larosate_code"])
    w.all_seat = np.isin(
        np.array([r["kommun_code"] for r in kom]), [r["seat_kommun_code"] for r in lar]
    )
    wanted = sc["institutions"]
    lar = [
        r
        for r in lar
        if (wanted is None or r["larosate_code"] in wanted) and r["seat_kommun_code"] in kix
    ]
    w.inst_codes = [r["larosate_code"] for r in lar]
    prof = [C.INSTITUTIONS.get(c, C.DEFAULT_INSTITUTION) for c in w.inst_codes]
    w.inst_seat = np.array([kix[r["seat_kommun_code"]] for r in lar])
    w.inst_lan = w.kommun_lan[w.inst_seat]
    w.inst_flags = [set(p["flags"]) for p in prof]
    w.inst_research = np.array([c in C.RESEARCH_INSTITUTIONS for c in w.inst_codes])
    n_k = len(kom)
    w.is_seat = np.zeros(n_k, bool)
    w.is_seat[w.inst_seat] = True

    # ---- municipal indices
    edu = 0.25 * np.log10(w.kommun_pop / 15000) + rng.normal(0, 0.15, n_k) + 0.3 * w.is_seat
    fidx = np.exp(0.15 * np.log10(w.kommun_pop / 15000) + rng.normal(0, 0.2, n_k))
    for i, nm in enumerate(w.kommun_names):
        edu[i] += C.EDU_INDEX_BONUS.get(nm, 0.0)
        if nm in C.FOREIGN_INDEX:
            fidx[i] = C.FOREIGN_INDEX[nm]
    w.edu_index = edu - np.average(edu, weights=w.kommun_pop)
    w.foreign_index = fidx / np.average(fidx, weights=w.kommun_pop)

    # ---- gravity model with IPF calibration of institution shares
    n_l, J = len(w.lan_codes), len(w.inst_codes)
    mass = np.bincount(
        w.kommun_lan,
        weights=w.kommun_pop * np.exp(kn["transition_beta"] * w.edu_index),
        minlength=n_l,
    )
    d = np.array(
        [
            [
                _haversine(
                    C.COUNTY_CENTROIDS[w.lan_codes[li]],
                    C.COUNTY_CENTROIDS[w.lan_codes[w.inst_lan[j]]],
                )
                for j in range(J)
            ]
            for li in range(n_l)
        ]
    )
    same = np.arange(n_l)[:, None] == w.inst_lan[None, :]
    pull = np.array([p["pull"] for p in prof])
    attract = (
        np.exp(-d / C.GRAVITY_LAMBDA_KM) * (1 + C.GRAVITY_HOME_COUNTY_BONUS * same)
        + 0.15 * pull[None, :]
    )
    shares = sc["institution_shares"] or {
        c: p["share"] for c, p in zip(w.inst_codes, prof, strict=True)
    }
    target = np.array([shares.get(c, 0.3) for c in w.inst_codes], float)
    target /= target.sum()
    w.inst_share = target
    # For a scale restricted to a few institutions the synthetic students are "the
    # students of those institutions": home counties are weighted by their access
    # to them (gamma = 1).  With all institutions gamma = 0 (national home draw).
    gamma = 0.0 if wanted is None else 1.0
    m = target.copy()
    access = np.ones(n_l)
    for _ in range(80):
        A = attract * m[None, :]
        access = A.sum(1) / A.sum(1).mean()
        P = A / A.sum(1, keepdims=True)
        eff = mass * access**gamma
        got = (eff[:, None] * P).sum(0) / eff.sum()
        m *= target / got
    A = attract * m[None, :]
    access = A.sum(1) / A.sum(1).mean()
    P = A / A.sum(1, keepdims=True)
    w.gravity_cdf = np.cumsum(P, axis=1)
    w.lan_access = access**gamma
    eff = mass * w.lan_access
    # county-specific sampling-fraction multiplier for befolkning_kommun
    w.lan_fraction_factor = (eff / eff.sum()) / (mass / mass.sum())

    # ---- code lists
    ex = read_seed(seeds_dir, "examenskoder")
    ex.sort(key=lambda r: r["degree_code"])
    tmap = {"yrkesexamen": "yrkes", "generell examen": "general", "konstnärlig examen": "artistic"}
    w.degree_codes = [r["degree_code"] for r in ex]
    w.degree_type = [tmap.get(r["degree_type"].strip().lower(), "general") for r in ex]
    w.degree_credits = np.array([float(r.get("nominal_credits") or 0) for r in ex])
    names = [r["degree_name"].strip().lower() for r in ex]

    def find_degree(prefix):
        for i, nm in enumerate(names):
            if nm.startswith(prefix):
                return i
        return -1

    w.general = {
        k: find_degree(p)
        for k, p in [
            ("KAND", "kandidatexamen"),
            ("MAST", "masterexamen"),
            ("MAGI", "magisterexamen"),
            ("HOGS", "högskoleexamen"),
        ]
    }
    w.civing_degree = find_degree("civilingenjörsexamen")
    w.hing_degree = find_degree("högskoleingenjörsexamen")
    if w.general["KAND"] < 0:
        raise ValueError("examenskoder: no 'Kandidatexamen' found")

    hv = read_seed(seeds_dir, "huvudomraden")
    hv.sort(key=lambda r: r["main_field_code"])
    w.fields = [r["main_field_code"] for r in hv]
    fam = []
    for r in hv:
        f = C.FIELD_FAMILY.get(r["main_field_code"])
        if f is None:
            area = (r.get("subject_area") or "").lower()
            f = next((v for k, v in C.SUBJECT_AREA_FAMILY.items() if k in area), "humanities")
        fam.append(f)
    w.field_family = fam
    fw = rng.lognormal(0, kn["main_field_spread"], len(w.fields))
    w.field_weight = fw / fw.sum()
    fidx_of = {c: i for i, c in enumerate(w.fields)}

    fa = read_seed(seeds_dir, "forskningsamnen")
    w.research_by_area = {}
    for r in sorted(fa, key=lambda r: r["research_subject_code"]):
        area = (r.get("research_area_code") or r["research_subject_code"][0]).strip()
        w.research_by_area.setdefault(area, []).append(r["research_subject_code"])
    w.research_by_area.setdefault("*", [r["research_subject_code"] for r in fa])

    w.thresholds = {
        int(r["year"]): float(r["income_threshold_sek"])
        for r in read_seed(seeds_dir, "etablering_inkomstgrans")
    }
    w.sun_levels = sorted(r["sun_level"] for r in read_seed(seeds_dir, "sun2020_niva"))

    ssyk_codes = sorted(r["ssyk_code"] for r in read_seed(seeds_dir, "ssyk2012_yrkesgrupper"))
    for famname, prefs in C.SSYK_PROFILES.items():
        probs: dict[str, float] = {}
        for pre, wt in prefs:
            hits = [c for c in ssyk_codes if c.startswith(pre)]
            for c in hits:
                probs[c] = probs.get(c, 0) + wt / len(hits)
        w.ssyk[famname] = _probs(probs or {c: 1 for c in ssyk_codes})
    divisions = {r["sni_division"] for r in read_seed(seeds_dir, "sni2007_huvudgrupper")}
    for famname, d5 in C.SNI_PROFILES.items():
        ok = {k: v for k, v in d5.items() if k[:2] in divisions}
        w.sni[famname] = _probs(ok or {sorted(divisions)[0] + "000": 1})
    sectors = {r["sector_code"] for r in read_seed(seeds_dir, "sektorer")}
    for famname, d in C.SECTOR_PROFILES.items():
        ok = {k: v for k, v in d.items() if k in sectors}
        w.sector[famname] = _probs(ok or {sorted(sectors)[0]: 1})
    mcodes = {r["matching_code"] for r in read_seed(seeds_dir, "matchning")}
    for k, d in C.MATCHNING_PROFILES.items():
        ok = {c: v for c, v in d.items() if c in mcodes}
        w.matchning[k] = _probs(ok or {sorted(mcodes)[0]: 1})
    w.matchning_not_employed = "91" if "91" in mcodes else None
    w.sector_unknown = "US" if "US" in sectors else None

    # ---- programme catalogue
    rows = []
    cap = sc["max_programmes_per_institution"]
    for j, _code in enumerate(w.inst_codes):
        digit = str(1 + int(rng.integers(0, 9)))
        cand = []
        for t in C.PROGRAMME_TEMPLATES:
            kind, abbr, pname, dpref, terms, women, compl, famname, fld, flags, size, niva = t
            if not (flags & w.inst_flags[j]):
                continue
            di = find_degree(dpref)
            if di < 0:
                continue
            wt = (
                size
                * rng.lognormal(0, 0.5)
                * (0.1 if rng.random() < C.SMALL_PROGRAMME_SHARE else 1.0)
            )
            cand.append(
                (
                    kind,
                    abbr,
                    pname,
                    di,
                    terms,
                    women,
                    compl,
                    famname,
                    fidx_of.get(fld, -1),
                    niva,
                    wt,
                )
            )
        if cap:
            first = sorted(
                [c for c in cand if c[0] not in ("master", "artmaster")], key=lambda c: -c[-1]
            )[: cap - 4]
            mast = sorted(
                [c for c in cand if c[0] in ("master", "artmaster")], key=lambda c: -c[-1]
            )[:4]
            keep = {c[1] for c in first + mast}
            cand = [c for c in cand if c[1] in keep]
        for c in cand:
            rows.append((j, digit + c[1]) + c)
    w.cat = Catalogue(
        inst=np.array([r[0] for r in rows]),
        code=[r[1] for r in rows],
        name=[r[4] for r in rows],
        degree=np.array([r[5] for r in rows]),
        kind=[r[2] for r in rows],
        abbr=[r[3] for r in rows],
        terms=np.array([r[6] for r in rows]),
        women=np.array([r[7] for r in rows]),
        completion=np.array([r[8] for r in rows]),
        family=[r[9] for r in rows],
        field=np.array([r[10] for r in rows]),
        niva=[r[11] for r in rows],
        weight=np.array([r[12] for r in rows]),
        a_from_term=np.array(
            [6 if r[3] in C.A_LEVEL_INTEGRATED else (0 if r[11] == "A" else 99) for r in rows]
        ),
    )
    _prepare_choice_tables(w)
    return w


def grouped_cdf(weights: np.ndarray):
    """weights: (G, P) non-negative. Returns flat offset-cdf for sample_grouped."""
    G, P = weights.shape
    tot = weights.sum(1, keepdims=True)
    has = tot[:, 0] > 0
    cdf = np.cumsum(weights / np.where(tot > 0, tot, 1), axis=1)
    cdf[:, -1] = 1.0
    flat = (cdf + np.arange(G)[:, None]).ravel()
    return flat, P, has


def sample_grouped(table, group: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Vectorised categorical draw where each row has its own distribution (group)."""
    flat, P, _ = table
    pos = np.searchsorted(flat, group + np.minimum(u, 1 - 1e-12), side="right")
    return np.clip(pos - group * P, 0, P - 1)


def _prepare_choice_tables(w: World):
    cat = w.cat
    J, NP = len(w.inst_codes), len(cat.code)
    kinds = np.array(cat.kind)
    first = np.isin(kinds, ["yrkes", "kand", "art"])
    sw = w.knobs["share_women"]
    # (inst, sex) -> programme, sex-typed so that P(woman | programme) ~ template share
    W = np.zeros((J * 2, NP))
    for s, fac in ((0, (1 - cat.women) / (1 - sw)), (1, cat.women / sw)):
        for j in range(J):
            m = first & (cat.inst == j)
            W[j * 2 + s, m] = cat.weight[m] * fac[m]
    w.first_prog_table = grouped_cdf(W)
    w.inst_has_first = W.reshape(J, 2, NP).sum((1, 2)) > 0
    # master-type programmes, by (previous institution, sex); same institution preferred
    mast = np.isin(kinds, ["master", "artmaster"])
    W = np.zeros((J * 2, NP))
    for s, fac in ((0, (1 - cat.women) / (1 - sw)), (1, cat.women / sw)):
        for j in range(J):
            W[j * 2 + s, mast] = (
                cat.weight[mast] * fac[mast] * np.where(cat.inst[mast] == j, 12.0, 1.0)
            )
    w.master_table = grouped_cdf(W)
    w.any_master = mast.any()
    # freemovers: masters nationally
    wm = np.where(mast, cat.weight, 0.0)[None, :]
    w.freemover_table = grouped_cdf(wm if wm.sum() > 0 else np.ones((1, NP)))
    # second programme after drop-out: same institution preferred
    W = np.zeros((J * 2, NP))
    for s, fac in ((0, (1 - cat.women) / (1 - sw)), (1, cat.women / sw)):
        for j in range(J):
            W[j * 2 + s, first] = (
                cat.weight[first] * fac[first] * np.where(cat.inst[first] == j, 6.0, 1.0)
            )
    w.second_prog_table = grouped_cdf(W)
    # specialist programmes by (previous institution, abbr group)
    spec = kinds == "spec"
    w.spec_tables = {}
    for ab in ("SPSK", "BMOR", "SPPE"):
        m = spec & (np.array(cat.abbr) == ab)
        W = np.zeros((J, NP))
        for j in range(J):
            W[j, m] = cat.weight[m] * np.where(cat.inst[m] == j, 10.0, 1.0)
        w.spec_tables[ab] = grouped_cdf(W) if m.any() else None
    # gravity table as grouped cdf by lan
    P = np.diff(np.concatenate([np.zeros((w.gravity_cdf.shape[0], 1)), w.gravity_cdf], 1), axis=1)
    w.gravity_table = grouped_cdf(P)
    # kommun choice within county (pop-weighted), used for school/moves
    n_l = len(w.lan_codes)
    Wk = np.zeros((n_l, len(w.kommun_codes)))
    Wk[w.kommun_lan, np.arange(len(w.kommun_codes))] = w.kommun_pop
    w.kommun_in_lan_table = grouped_cdf(Wk)
