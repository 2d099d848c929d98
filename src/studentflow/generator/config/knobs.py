"""Behaviour knobs (KNOBS): the probabilities and parameters of the simulation;
``generate(knobs=...)`` overrides them."""

from __future__ import annotations

KNOBS: dict = {
    # population / background
    "share_women": 0.59,
    "foreign_background": [
        0.70,
        0.08,
        0.09,
        0.13,
    ],  # two SE parents / one each / two foreign / born abroad
    "share_freemovers": 0.05,  # born-abroad entrants who start directly on a master programme
    # incoming exchange students per högskolenybörjare (UKÄ: ~92 000 with, ~75 000 without)
    "share_exchange_students": 17 / 75,
    "unknown_parent": 0.025,  # per parent, LopNrMor/LopNrFar NULL (born-abroad: x4)
    "unknown_fodland": 0.005,
    "entry_vt_share": 0.22,  # share of entrants whose first term is VT
    "age_offsets": [0.31, 0.17, 0.10, 0.07, 0.05, 0.04],  # P(age = 19+k), rest: tail to 45
    "age_tail_mean": 7.0,
    "transition_beta": 0.6,  # kommun entrant propensity = exp(beta * education index)
    # parents' education (ordinal latent model, see docs)
    "parent_edu_cutpoints": [-1.78, -1.18, -0.57, 0.10, 0.68, 1.85],
    "parent_edu_index_weight": 0.45,
    "parent_edu_trend_per_year": 0.02,  # per parent birth year, centred on 1965
    "parent_edu_unknown": 0.02,  # SUN NULL (foreign-born parents: x6)
    # study behaviour
    "share_freestanding": 0.38,  # of regular entrants
    "freestanding_degree_seekers": 0.28,
    "ability_beta": 0.9,  # logit slope of completion on ability
    "hp_reg_programme": {300: 0.88, 225: 0.04, 150: 0.08},  # tenths of hp
    "hp_reg_freestanding": {75: 0.30, 150: 0.40, 225: 0.10, 300: 0.20},
    "extra_course_rows": 0.04,  # programme terms with an extra freestanding course row
    # sigma of the log-normal popularity of main fields (huvudområden) for freestanding
    # students: a few fields (business, psychology, biology ...) hold most general degrees,
    # as in UKÄ's statistics, instead of 45 equally thin fields
    "main_field_spread": 1.2,
    "p_master_after_bachelor": 0.50,
    "p_new_spell_after_dropout": 0.35,
    "p_programme_after_freestanding": 0.20,
    "p_specialist_nurse": 0.15,
    "p_double_kand_yrkes": 0.18,  # yrkes graduates also taking a KAND (nurses x2.5)
    "p_kand_in_civing": 0.30,
    "p_master_in_civing": 0.20,  # civilingenjör graduates also awarded a MAST
    "p_hogs_casual": 0.25,  # casual freestanding students with >= 4 terms get a HOGS
    "degree_delay": 0.07,  # degree issued 1-4 years after the last term
    # third cycle
    "p_phd_master": 0.17,
    "p_phd_yrkes": 0.06,
    "p_phd_medicine": 0.20,
    "p_phd_other": 0.02,
    "p_lic_only": 0.10,
    "p_lic_then_dok": 0.08,
    # labour market
    "p_emp": {
        "pre": 0.40,
        "study": 0.45,
        "yrkes": 0.965,
        "general": 0.90,
        "artistic": 0.76,
        "nongrad": 0.82,
    },
    "mu_inc": {
        "pre": -1.6,
        "study": -1.4,
        "yrkes": 0.42,
        "general": 0.27,
        "artistic": 0.05,
        "nongrad": 0.05,
    },
    "sd_inc": {
        "pre": 0.7,
        "study": 0.7,
        "yrkes": 0.25,
        "general": 0.30,
        "artistic": 0.45,
        "nongrad": 0.40,
    },
    "income_growth_per_year": 0.035,  # log income per year since exit (max 12 years)
    "p_arblos_employed": 0.045,
    "p_arblos_not_employed": 0.50,
    # migration
    "p_emigrate_graduate": 0.035,
    "p_emigrate_nongrad": 0.03,
    "emigrate_born_abroad_factor": 2.5,
    "p_emigrate_freemover": 0.50,
    "p_return": 0.35,
    "p_re_emigrate": 0.20,
    "p_move_to_study_other_county": 0.80,
    "p_move_to_study_same_county": 0.35,
    "post_residence": {"study": 0.35, "home": 0.22, "bigcity": 0.23, "random": 0.20},
    # unknown / dirty values
    "p_kommun_9999": 0.002,
    "p_syssstat_null": 0.004,
    "p_sni_null": 0.015,
    "p_ssyk_null": 0.03,
    "p_sektor_us": 0.015,
    "p_matchning_null": 0.01,
    "p_astkommun_null": 0.04,
    "p_sun_null": 0.01,
    # register start
    "first_register_year": 1990,
}
