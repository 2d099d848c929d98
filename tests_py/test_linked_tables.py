"""sdc/linked_tables.yml covers every published mart, with the mart's real dims.

The declaration is the public structure both the secondary suppression and
`studentflow audit` read; a mart missing from it, or declared with dims the
mart does not have, would silently drop relations from both. The dbt model
YAML of models/marts/** is the reference: every model there must be declared,
its cells must equal the mart's grain (its unique_combination test) and every
declared column must be a column of the mart. Marts counted from one pass over
a population (an int_*_cells_counted model in the dbt lineage) must be linked
(studentflow.structure.linked_passes).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import PROJECT

from studentflow.audit import manifest as manifest_module
from studentflow.structure import linked_passes
from studentflow.structure.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[1]


def _published_models() -> dict[str, dict]:
    models = {}
    for path in sorted((ROOT / "models" / "marts").rglob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models") or []:
            models[model["name"]] = model
    return models


def _grain(model: dict) -> list[str] | None:
    for test in model.get("data_tests") or []:
        for name in ("primary_key", "unique_combination"):
            if isinstance(test, dict) and name in test:
                return list(test[name]["arguments"]["columns"])
    return None


def check(declared: manifest_module.Manifest, models: dict[str, dict]) -> list[str]:
    """Every disagreement between the declaration and the mart YAML, as text."""
    problems = []
    for name in sorted(set(models) - set(declared.marts)):
        problems.append(f"published mart {name} is not declared in sdc/linked_tables.yml")
    for name in sorted(set(declared.marts) - set(models)):
        problems.append(f"sdc/linked_tables.yml declares {name}, which is not a published mart")
    for name, spec in declared.marts.items():
        if name not in models:
            continue
        columns = {column["name"] for column in models[name].get("columns") or []}
        used = set(spec.cells) | set(spec.counts) | set(spec.attributes)
        used |= {m[key] for m in spec.magnitudes for key in ("mean", "n")}
        for column in sorted(used - columns):
            problems.append(f"{name}: declared column {column} is not a column of the mart")
        grain = _grain(models[name])
        extra = {key for extras in spec.counts.values() for key in extras}
        if grain is not None and set(grain) - extra != set(spec.cells):
            problems.append(f"{name}: cells {spec.cells} differ from the mart's grain {grain}")
    return problems


def test_every_published_mart_is_declared_with_its_dims():
    declared = manifest_module.load(ROOT / "sdc" / "linked_tables.yml")
    assert check(declared, _published_models()) == []


def test_check_names_a_missing_mart_and_a_wrong_dim(tmp_path):
    raw = yaml.safe_load((ROOT / "sdc" / "linked_tables.yml").read_text(encoding="utf-8"))
    del raw["marts"]["institution_choice_by_municipality"]
    raw["marts"]["outcome_matching_by_programme"]["cells"][1] = "program"
    path = tmp_path / "linked_tables.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    problems = check(manifest_module.load(path), _published_models())
    assert "published mart institution_choice_by_municipality is not declared" in problems[0]
    assert any("outcome_matching_by_programme: declared column program" in p for p in problems)
    assert any("outcome_matching_by_programme: cells" in p for p in problems)


def test_additive_dim_outside_cells_is_refused(tmp_path):
    raw = yaml.safe_load((ROOT / "sdc" / "linked_tables.yml").read_text(encoding="utf-8"))
    raw["marts"]["recruitment_by_county"]["additive"] = ["sex", "county"]
    path = tmp_path / "linked_tables.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(manifest_module.ManifestError, match="recruitment_by_county.*county"):
        manifest_module.load(path)


def test_internal_reasons_model_lists_every_declared_mart():
    """agg_sdc_suppression_reasons names each mart with its aggregate and cells."""
    sql = (ROOT / "models/aggregates/disclosure/agg_sdc_suppression_reasons.sql").read_text()
    declared = manifest_module.load(ROOT / "sdc" / "linked_tables.yml")
    blocks = {block.split("'")[1]: block for block in sql.split("sdc_suppression_reasons(")[1:]}
    assert set(blocks) == set(declared.marts)
    for name, spec in declared.marts.items():
        assert f"'{spec.aggregate}'" in blocks[name], name
        cells = [c for c in blocks[name].split("'") if c in spec.cells]
        assert cells[: len(spec.cells)] == spec.cells, name


@pytest.fixture(scope="module")
def dbt_manifest(tmp_path_factory) -> dict:
    return load_manifest(PROJECT, tmp_path_factory.mktemp("linked") / "target")


def _linked_tables() -> dict:
    return yaml.safe_load((ROOT / "sdc" / "linked_tables.yml").read_text(encoding="utf-8"))


def test_marts_counted_from_one_pass_are_linked(dbt_manifest):
    assert linked_passes.unlinked_marts(dbt_manifest, _linked_tables()) == []


def test_marts_of_one_pass_in_unlinked_populations_are_named(dbt_manifest):
    """The declaration before 2026-12-05: the headline indicators as a population
    of their own, although int_entrants_cells_counted counts analysis 1's
    entrants too."""
    raw = _linked_tables()
    del raw["populations"]["entrants_per_window"]["relations"]
    # and the later relations per background group (2026-12-06), which link the
    # indicators to the programme students
    students = raw["populations"]["programme_students_per_window"]
    students["relations"] = [
        relation
        for relation in students["relations"]
        if relation["total"]["mart"] != "entrant_background_indicators"
    ]
    raw["populations"]["entrants_background_indicators"] = {"period": "window_start_year"}
    raw["marts"]["entrant_background_indicators"]["population"] = "entrants_background_indicators"
    problems = linked_passes.unlinked_marts(dbt_manifest, raw)
    assert problems == [
        "entrant_background_indicators and recruitment_by_county are both counted from "
        "int_entrants_cells_counted, but sdc/linked_tables.yml links them by no "
        "population or relation"
    ]


def _dbt_var(name: str):
    """The project's default of a dbt var (dbt_project.yml)."""
    return yaml.safe_load((ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"][name]


def test_institution_choice_at_least_is_the_models_threshold():
    """The engine and the audit read the named institutions' lower bound from the
    declaration, the model pools by var institution_choice_min_persons: one value."""
    threshold = _dbt_var("institution_choice_min_persons")
    spec = manifest_module.load(ROOT / "sdc" / "linked_tables.yml")
    (entry,) = spec.marts["institution_choice_by_municipality"].at_least
    assert entry["value"] == threshold


def test_window_sums_take_the_models_window_length():
    """The engine puts a year in the window [start, start + window_years); the
    models pool var window_length years into a window: one value."""
    length = _dbt_var("window_length")
    spec = yaml.safe_load((ROOT / "sdc" / "linked_tables.yml").read_text(encoding="utf-8"))
    entries = [
        entry
        for population in spec["populations"].values()
        for entry in (population or {}).get("window_sums") or []
    ]
    assert entries, "no window_sums declared"
    assert {entry["window_years"] for entry in entries} == {length}
