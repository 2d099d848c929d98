"""The project's structure rules (CONTRIBUTING.md "Layers, folders and names") hold,
checked over a fresh `dbt parse` of this checkout, or the manifest the build has
just written (studentflow.structure).

Each rule is one test on the real project, and each rule has a planted-break test:
the same check over a copy of the manifest with one break planted must fail, naming
the node and the rule. Parsing needs no warehouse and no build (~10-20 s, once per
module).
"""

from __future__ import annotations

import copy
import json
import os

import pytest
from conftest import PROJECT

from studentflow.structure import manifest as manifest_module
from studentflow.structure import python_rules, rules
from studentflow.structure.manifest import load_manifest


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    return load_manifest(PROJECT, tmp_path_factory.mktemp("structure") / "target")


@pytest.fixture
def planted(manifest) -> dict:
    """A copy of the manifest to plant a break in."""
    return copy.deepcopy(manifest)


def _model(manifest: dict, name: str) -> dict:
    return manifest["nodes"][f"model.studentflow.{name}"]


def _messages(violations: list[rules.Violation]) -> str:
    return "\n".join(str(v) for v in violations)


@pytest.mark.parametrize("rule", sorted(rules.RULES))
def test_project_follows_rule(manifest, rule):
    violations = rules.RULES[rule](manifest)
    assert not violations, f"{len(violations)} violation(s):\n{_messages(violations)}"


def test_every_layer_has_models(manifest):
    """The rules look at the right folders: every layer they know has models
    (sdc_fixtures only as disabled nodes in a normal parse)."""
    layers = {
        rules.layer_of(n) for n in manifest["nodes"].values() if n["resource_type"] == "model"
    }
    assert set(rules.ALLOWED_READS) - layers == {"sdc_fixtures"}


# --- planted breaks: every rule can fail ------------------------------------------


def test_planted_mart_reading_staging_fails(planted):
    mart = _model(planted, "recruitment_by_county")
    mart["depends_on"]["nodes"].append("model.studentflow.stg_ladok__registrations")
    violations = rules.check_layer_dependencies(planted)
    assert [v.node for v in violations] == ["model.studentflow.recruitment_by_county"]
    assert "marts model reads staging" in violations[0].message


def test_planted_mart_reading_intermediate_fails(planted):
    mart = _model(planted, "outcome_occupation_by_degree")
    mart["depends_on"]["nodes"].append("model.studentflow.int_outcome_categories_listed")
    violations = rules.check_layer_dependencies(planted)
    assert [v.node for v in violations] == ["model.studentflow.outcome_occupation_by_degree"]


def test_planted_intermediate_reading_a_source_fails(planted):
    model = _model(planted, "int_degrees_dated")
    model["depends_on"]["nodes"].append("source.studentflow.ladok.examina")
    violations = rules.check_layer_dependencies(planted)
    assert [v.node for v in violations] == ["model.studentflow.int_degrees_dated"]


def _key_tests(manifest: dict, model_id: str) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node.get("attached_node") == model_id
        and node["test_metadata"]["name"] in {"primary_key", "unique_combination", "unique"}
    ]


def test_planted_model_without_primary_key_test_fails(planted):
    target = "model.studentflow.stg_scb__persons"
    assert _key_tests(planted, target)
    for node in _key_tests(planted, target):
        del planted["nodes"][node["unique_id"]]
    violations = rules.check_primary_key_tests(planted)
    assert [v.node for v in violations] == [target]
    assert violations[0].rule == "primary_key_test"


def test_unique_without_not_null_is_no_primary_key(planted):
    """The key test turned into a plain `unique` on the key column (nulls allowed)."""
    target = "model.studentflow.stg_scb__persons"
    (key,) = _key_tests(planted, target)
    assert key["test_metadata"]["name"] == "primary_key"
    key["test_metadata"] = {"name": "unique", "kwargs": {"column_name": "person_id"}}
    key["column_name"] = "person_id"
    assert [v.node for v in rules.check_primary_key_tests(planted)] == [target]


@pytest.mark.parametrize(
    ("model", "column", "key_test"),
    [
        ("stg_scb__persons", "birth_year", "primary_key"),
        ("stg_ladok__registrations", "credits_completed", "unique_combination"),
    ],
)
def test_planted_not_null_beside_a_key_test_fails(planted, model, column, key_test):
    """A column's own not_null test on a model whose key test could check it."""
    target = f"model.studentflow.{model}"
    (key,) = [t for t in _key_tests(planted, target) if t["test_metadata"]["name"] == key_test]
    extra = copy.deepcopy(key)
    extra["unique_id"] = f"test.studentflow.not_null_{model}_{column}.planted"
    extra["test_metadata"] = {"name": "not_null", "kwargs": {"column_name": column}}
    extra["column_name"] = column
    planted["nodes"][extra["unique_id"]] = extra
    violations = rules.check_not_null_in_key_test(planted)
    assert [(v.node, v.rule) for v in violations] == [(target, "not_null_in_key_test")]
    assert f"column {column}: list it in the {key_test} test" in violations[0].message


def test_planted_mart_column_without_data_type_fails(planted):
    mart = _model(planted, "students_by_municipality")
    mart["columns"]["n"]["data_type"] = None
    violations = rules.check_published_contracts(planted)
    assert [str(v) for v in violations] == [
        "[published_contract] model.studentflow.students_by_municipality: column n has no data_type"
    ]


def test_planted_mart_without_enforced_contract_fails(planted):
    mart = _model(planted, "transition_by_age_25")
    mart["config"]["contract"] = {"enforced": False, "alias_types": True}
    violations = rules.check_published_contracts(planted)
    assert [v.message for v in violations] == ["contract not enforced"]


def test_planted_macro_file_with_two_macros_fails(planted):
    # a second macro defined in macros/periods/window_start_year.sql
    second = copy.deepcopy(planted["macros"]["macro.studentflow.window_start_year"])
    second.update(name="window_label_again", unique_id="macro.studentflow.window_label_again")
    planted["macros"][second["unique_id"]] = second
    violations = rules.check_one_macro_per_file(planted)
    assert [v.node for v in violations] == ["macros/periods/window_start_year.sql"]
    assert "window_label_again" in violations[0].message


def test_planted_macro_file_named_otherwise_fails(planted):
    macro = planted["macros"]["macro.studentflow.window_label"]
    macro["original_file_path"] = "macros/periods/labels.sql"
    violations = rules.check_one_macro_per_file(planted)
    assert [v.node for v in violations] == ["macros/periods/labels.sql"]


def test_dispatch_implementations_share_the_file(manifest):
    """adapter.dispatch implementations (duckdb__x) belong in x.sql."""
    files = {
        m["original_file_path"]
        for m in manifest["macros"].values()
        if m["name"] == "duckdb__sdc_record_key"
    }
    assert files == {"macros/disclosure/sdc_record_key.sql"}


def test_planted_identifier_column_in_mart_fails(planted):
    mart = _model(planted, "credits_by_background")
    mart["columns"]["person_id"] = {"name": "person_id", "description": "x", "data_type": "bigint"}
    mart["columns"]["n_suppression_reason"] = {"name": "n_suppression_reason"}
    violations = rules.check_no_identifiers_published(planted)
    assert sorted(v.message.split()[1] for v in violations) == ["n_suppression_reason", "person_id"]


def test_planted_undescribed_column_fails(planted):
    model = _model(planted, "int_degrees_dated")
    next(iter(model["columns"].values()))["description"] = ""
    planted_mart = _model(planted, "recruitment_by_county")
    planted_mart["description"] = " "
    violations = rules.check_descriptions(planted)
    assert sorted(v.node for v in violations) == [
        "model.studentflow.int_degrees_dated",
        "model.studentflow.recruitment_by_county",
    ]


def test_planted_yaml_outside_the_folder_fails(planted):
    model = _model(planted, "agg_recruitment_by_county")
    model["patch_path"] = "studentflow://models/marts/recruitment/_recruitment__models.yml"
    violations = rules.check_one_yaml_per_folder(planted)
    assert [v.node for v in violations][:1] == ["model.studentflow.agg_recruitment_by_county"]
    # and the folder now has its models in two YAMLs
    assert any(v.node == "models/aggregates/recruitment" for v in violations)


def test_planted_misnamed_models_fail(planted):
    _model(planted, "int_degrees_dated")["name"] = "degrees_dated"
    staging = _model(planted, "stg_scb__persons")
    staging["original_file_path"] = "models/staging/ladok/stg_scb__persons.sql"
    violations = rules.check_naming(planted)
    assert sorted(v.node for v in violations) == [
        "model.studentflow.int_degrees_dated",
        "model.studentflow.stg_scb__persons",
    ]


# --- the Python package (studentflow.structure.python_rules) ----------------------

SRC_PACKAGE = PROJECT / "src" / "studentflow"


@pytest.mark.parametrize("rule", sorted(python_rules.PYTHON_RULES))
def test_package_follows_python_rule(rule):
    violations = python_rules.PYTHON_RULES[rule](SRC_PACKAGE)
    assert not violations, f"{len(violations)} violation(s):\n{_messages(violations)}"


def test_function_length_sees_every_function():
    """The rule walks the whole package: methods, nested functions, every module."""
    found = {
        name
        for path in SRC_PACKAGE.rglob("*.py")
        for name, _, _ in python_rules.function_lengths(path)
    }
    assert {"Settings.from_dict", "check_delivery", "check_function_length"} <= found
    assert len(found) > 300


def _function(name: str, n_lines: int, indent: str = "") -> str:
    """Source of a function `n_lines` long (def line and docstring included)."""
    body = [f'{indent}    """{name}."""'] + [f"{indent}    x{i} = {i}" for i in range(n_lines - 3)]
    return "\n".join([f"{indent}def {name}():", *body, f"{indent}    return x0", ""])


def test_planted_61_line_function_fails(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "sub" / "ok.py").write_text(
        "import functools\n\n\n@functools.cache\n" + _function("at_the_limit", 60)
    )
    (package / "sub" / "long.py").write_text(
        "\n\n"
        + _function("too_long", 61)
        + "\n\nclass Report:\n"
        + _function("method_too_long", 62, indent="    ")
        + "\n\ndef outer():\n"
        + _function("nested", 20, indent="    ")
        + "    return nested\n"
    )
    violations = python_rules.check_function_length(package)
    assert [v.rule for v in violations] == ["function_length"] * 2
    assert [v.node.split("pkg/")[-1] for v in violations] == [
        "sub/long.py:3 too_long",
        "sub/long.py:67 Report.method_too_long",
    ]
    assert violations[0].message == (
        "function too_long is 61 lines long, the limit is 60: "
        "split it into smaller functions, one job each"
    )


def test_planted_601_line_module_fails_and_data_tables_do_not_count(tmp_path):
    """A module of 601 lines of code breaks module_length; one of 600 lines of code
    and a long data table (a literal assigned at the top level) does not."""
    package = tmp_path / "pkg"
    package.mkdir()
    code = [f"x{i} = len('{i}')" for i in range(600)]  # calls: code, not data
    table = ["TABLE = ["] + [f"    ({i}, 'row', {{'a'}})," for i in range(300)] + ["]"]
    (package / "at_limit.py").write_text("\n".join(code + table) + "\n")
    (package / "too_long.py").write_text("\n".join(code + ["y = len('')"]) + "\n")
    assert python_rules.module_length(package / "at_limit.py") == 600
    # literal_eval raises TypeError on an unhashable set member: code, not a crash
    (package / "odd.py").write_text("X = {(1, [2])}\n")
    assert python_rules.module_length(package / "odd.py") == 1
    violations = python_rules.check_module_length(package)
    assert [(v.rule, v.node.split("pkg/")[-1]) for v in violations] == [
        ("module_length", "too_long.py")
    ]
    assert violations[0].message == (
        "module is 601 lines long without its data tables, the limit is 600: "
        "split it into modules, one job each"
    )


def test_a_fresh_build_manifest_is_reused_unless_the_fixtures_are_enabled(tmp_path, monkeypatch):
    """The build's own manifest serves the rules (no second parse) when it is newer
    than the project's files; the fixtures' data tests are in every manifest, disabled."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "a_model.sql").write_text("select 1")
    os.utime(project / "models" / "a_model.sql", (1_000_000, 1_000_000))
    fixture_test = {
        "original_file_path": "models/sdc_fixtures/_sdc_fixtures__models.yml",
        "config": {"enabled": False},
    }
    built = {"nodes": {"test.studentflow.fixture_test": fixture_test}}
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text(json.dumps(built))
    monkeypatch.setattr(manifest_module, "parse_manifest", lambda *_: {"parsed": True})
    assert load_manifest(project, tmp_path / "scratch") == built
    fixture_test["config"]["enabled"] = True
    (project / "target" / "manifest.json").write_text(json.dumps(built))
    assert load_manifest(project, tmp_path / "scratch") == {"parsed": True}
