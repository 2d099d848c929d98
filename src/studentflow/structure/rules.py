"""The project's structure rules (CONTRIBUTING.md "Layers, folders and names"), one
function per rule. Each takes the parsed manifest (a dict, see `manifest.py`) and
returns a list of `Violation`s naming the node, the rule and what is wrong, so a
planted break in a copy of the manifest shows that the rule can fail.

Layers are the first folder under models/. What each layer may read:

- staging: sources (through `raw_source()`) and seeds;
- intermediate: staging, intermediate and seeds;
- aggregates: intermediate, aggregates and seeds (exact counts, internal);
- marts (published): aggregates and seeds only - never staging or intermediate;
- data_quality: reports on the delivery and the build (raw rows against staging,
  unmapped codes, exclusions): sources, staging, intermediate and seeds; never
  aggregates or marts (those are checked by tests, not reports);
- sdc_fixtures: the planted disclosure-control fixtures, disabled in a normal build:
  seeds and other sdc_fixtures only, so a fixture never depends on real data.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from studentflow.identifiers import is_identifier

PROJECT = "studentflow"

ALLOWED_READS: dict[str, set[str]] = {
    "staging": {"source", "seed"},
    "intermediate": {"staging", "intermediate", "seed"},
    "aggregates": {"intermediate", "aggregates", "seed"},
    "marts": {"aggregates", "seed"},
    "data_quality": {"source", "staging", "intermediate", "seed"},
    "sdc_fixtures": {"sdc_fixtures", "seed"},
}

# The disclosure layer's two models that cross layers by design, each with the only
# extra parents it may have. int_sdc_cells_suppressed decides secondary suppression
# over all linked aggregates at once (var sdc_secondary: linked) and the marts read
# its decision; agg_sdc_suppression_reasons explains the published state of every
# mart (internal, never exported). Moving int_sdc_cells_suppressed into
# models/aggregates/disclosure would remove the first exception.
EXTRA_PARENTS: dict[str, set[str]] = {
    "int_sdc_cells_suppressed": {"aggregates"},
    "agg_sdc_suppression_reasons": {"marts"},
}
# single models a layer may read beyond ALLOWED_READS: the marts the linked
# suppression decision (above); the planted fixtures the record keys, because
# they are counted by the real sdc_count_cells, which joins them
MAY_ALSO_READ: dict[str, set[str]] = {
    "marts": {"int_sdc_cells_suppressed"},
    "sdc_fixtures": {"int_person_record_keys"},
}

# model name pattern per layer; staging also checks the source folder (below)
NAME_PATTERNS: dict[str, str] = {
    "staging": r"stg_[a-z0-9]+__[a-z0-9_]+",
    "intermediate": r"int_[a-z0-9_]+",
    "aggregates": r"agg_[a-z0-9_]+",
    "marts": r"(?!(stg|int|agg|dq|fct|dim)_)[a-z0-9_]+",
    "data_quality": r"dq_[a-z0-9_]+",
    "sdc_fixtures": r"sdc_(fixture|planted)_[a-z0-9_]+",
}


# the generic tests that make a key: unique + not_null on one column, or one of these
COMBINATION_KEY_TESTS = {"unique_combination", "primary_key"}


@dataclass(frozen=True)
class Violation:
    rule: str
    node: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.node}: {self.message}"


# --- helpers -------------------------------------------------------------------


def _models(manifest: dict) -> Iterable[dict]:
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["package_name"] == PROJECT:
            yield node


def layer_of(node: dict) -> str | None:
    """First folder under models/ (None for nodes outside models/)."""
    parts = PurePosixPath(node["original_file_path"]).parts
    if len(parts) >= 3 and parts[0] == "models":
        return parts[1]
    return None


def _kind(manifest: dict, unique_id: str) -> str:
    """What a parent is, in the terms of ALLOWED_READS: source, seed or a layer."""
    resource_type = unique_id.split(".", 1)[0]
    if resource_type in ("source", "seed"):
        return resource_type
    if resource_type == "model":
        node = manifest["nodes"].get(unique_id)
        return (layer_of(node) if node else None) or "model outside models/"
    return resource_type


def is_published(node: dict) -> bool:
    return layer_of(node) == "marts" or node["config"].get("schema") == "published"


def _tests_by_model(manifest: dict) -> dict[str, list[dict]]:
    tests: dict[str, list[dict]] = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        attached = node.get("attached_node")
        if attached:
            tests[attached].append(node)
    return tests


# --- rules -----------------------------------------------------------------------


def check_layer_dependencies(manifest: dict) -> list[Violation]:
    """Each layer reads only what ALLOWED_READS allows (a mart never reads staging
    or intermediate; nothing but staging reads sources). Disabled models (the
    sdc_fixtures outside their test) are checked by their ref() names."""
    violations = []
    for node in _models(manifest):
        layer = layer_of(node)
        allowed = ALLOWED_READS.get(layer)
        if allowed is None:
            continue
        allowed = allowed | EXTRA_PARENTS.get(node["name"], set())
        for parent in node["depends_on"]["nodes"]:
            kind = _kind(manifest, parent)
            if parent.split(".")[-1] in MAY_ALSO_READ.get(layer, set()):
                continue
            if kind not in allowed:
                violations.append(
                    Violation(
                        "layer_dependencies",
                        node["unique_id"],
                        f"a {layer} model reads {kind} ({parent}); "
                        f"{layer} may read only {', '.join(sorted(allowed))}",
                    )
                )
    names = {n["name"]: layer_of(n) for n in _models(manifest)}
    for versions in manifest.get("disabled", {}).values():
        for node in versions:
            layer = layer_of(node)
            if node["resource_type"] != "model" or layer not in ALLOWED_READS:
                continue
            for ref in node.get("refs", []):
                if ref["name"] in MAY_ALSO_READ.get(layer, set()):
                    continue
                kind = names.get(ref["name"], "seed")
                if kind not in ALLOWED_READS[layer]:
                    violations.append(
                        Violation(
                            "layer_dependencies",
                            node["unique_id"],
                            f"a {layer} model reads {kind} ({ref['name']})",
                        )
                    )
    return violations


def check_naming(manifest: dict) -> list[Violation]:
    """Model names follow their layer (stg_<source>__<entity> in
    models/staging/<source>/, int_*, agg_*, dq_*); every model lives in a layer."""
    violations = []
    for node in _models(manifest):
        layer = layer_of(node)
        path = PurePosixPath(node["original_file_path"])
        if layer not in NAME_PATTERNS:
            violations.append(
                Violation("naming", node["unique_id"], f"{path} is in no known layer folder")
            )
            continue
        if not re.fullmatch(NAME_PATTERNS[layer], node["name"]):
            violations.append(
                Violation(
                    "naming",
                    node["unique_id"],
                    f"{layer} model name must match {NAME_PATTERNS[layer]}",
                )
            )
        if layer == "staging":
            source_folder = path.parts[2] if len(path.parts) > 3 else None
            if not node["name"].startswith(f"stg_{source_folder}__"):
                violations.append(
                    Violation(
                        "naming",
                        node["unique_id"],
                        f"{path}: a staging model is models/staging/<source>/"
                        "stg_<source>__<entity>.sql",
                    )
                )
    return violations


def check_one_yaml_per_folder(manifest: dict) -> list[Violation]:
    """Every model is described in a YAML in its own folder, and all models of a
    folder in the same one (`_<folder>__models.yml`)."""
    violations = []
    yaml_by_folder: dict[PurePosixPath, set[str]] = defaultdict(set)
    for node in _models(manifest):
        folder = PurePosixPath(node["original_file_path"]).parent
        patch = node.get("patch_path")
        if not patch:
            violations.append(
                Violation("one_yaml_per_folder", node["unique_id"], "not described in any YAML")
            )
            continue
        patch_path = PurePosixPath(patch.split("://", 1)[-1])
        if patch_path.parent != folder:
            violations.append(
                Violation(
                    "one_yaml_per_folder",
                    node["unique_id"],
                    f"described in {patch_path}, not in its folder {folder}",
                )
            )
        yaml_by_folder[folder].add(str(patch_path))
    for folder, files in sorted(yaml_by_folder.items()):
        if len(files) > 1:
            violations.append(
                Violation(
                    "one_yaml_per_folder",
                    str(folder),
                    f"models described in {len(files)} YAMLs: {', '.join(sorted(files))}",
                )
            )
    return violations


def check_descriptions(manifest: dict) -> list[Violation]:
    """A description on every model and every documented column. (That every
    column of the relation is documented is guaranteed for published marts by
    their enforced contracts; see check_published_contracts.)"""
    violations = []
    for node in _models(manifest):
        if not node.get("description", "").strip():
            violations.append(
                Violation("descriptions", node["unique_id"], "model has no description")
            )
        for name, column in node["columns"].items():
            if not (column.get("description") or "").strip():
                violations.append(
                    Violation(
                        "descriptions", node["unique_id"], f"column {name} has no description"
                    )
                )
    return violations


def primary_key_of(node: dict, tests: list[dict]) -> str | None:
    """The key a model's tests prove, or None: a column with both unique and
    not_null, or a unique_combination over columns."""
    unique_columns, not_null_columns = set(), set()
    for test in tests:
        meta = test["test_metadata"]
        name = meta["name"]
        column = test.get("column_name") or meta.get("kwargs", {}).get("column_name")
        if name in COMBINATION_KEY_TESTS:
            columns = meta.get("kwargs", {}).get("columns") or []
            return ", ".join(columns) or name
        if name == "unique" and column:
            unique_columns.add(column)
        if name == "not_null" and column:
            not_null_columns.add(column)
    both = sorted(unique_columns & not_null_columns)
    return both[0] if both else None


def check_primary_key_tests(manifest: dict) -> list[Violation]:
    """Every model has a primary-key test (unique + not_null on one column, or
    unique_combination on its grain)."""
    tests = _tests_by_model(manifest)
    violations = []
    for node in _models(manifest):
        if primary_key_of(node, tests.get(node["unique_id"], [])) is None:
            violations.append(
                Violation(
                    "primary_key_test",
                    node["unique_id"],
                    "no primary-key test (unique + not_null on a key column, "
                    "or unique_combination on the grain)",
                )
            )
    return violations


def check_not_null_in_key_test(manifest: dict) -> list[Violation]:
    """A model with a key test (primary_key, unique_combination) checks its
    never-NULL columns in that test (`not_null_columns`): one read of the model,
    not one `not_null` test per column. Tests with a `where` filter say
    something else and are left alone."""
    violations = []
    for model_id, tests in _tests_by_model(manifest).items():
        plain = [t for t in tests if not t["config"].get("where")]
        key = [t for t in plain if t["test_metadata"]["name"] in COMBINATION_KEY_TESTS]
        if not key:
            continue
        for test in plain:
            if test["test_metadata"]["name"] == "not_null":
                violations.append(
                    Violation(
                        "not_null_in_key_test",
                        model_id,
                        f"column {test.get('column_name')}: list it in the "
                        f"{key[0]['test_metadata']['name']} test's not_null_columns "
                        "instead of its own not_null test",
                    )
                )
    return violations


def check_published_contracts(manifest: dict) -> list[Violation]:
    """Published marts enforce their contract and type every column."""
    violations = []
    for node in _models(manifest):
        if not is_published(node):
            continue
        if not (node["config"].get("contract") or {}).get("enforced"):
            violations.append(
                Violation("published_contract", node["unique_id"], "contract not enforced")
            )
        if not node["columns"]:
            violations.append(
                Violation("published_contract", node["unique_id"], "no columns declared")
            )
        for name, column in node["columns"].items():
            if not column.get("data_type"):
                violations.append(
                    Violation(
                        "published_contract", node["unique_id"], f"column {name} has no data_type"
                    )
                )
    return violations


def check_no_identifiers_published(manifest: dict) -> list[Violation]:
    """Published marts carry no person identifiers and no suppression reasons."""
    violations = []
    for node in _models(manifest):
        if not is_published(node):
            continue
        for name in node["columns"]:
            if is_identifier(name):
                violations.append(
                    Violation(
                        "no_identifiers_published",
                        node["unique_id"],
                        f"column {name} identifies a person (or is a suppression reason)",
                    )
                )
    return violations


def check_one_macro_per_file(manifest: dict) -> list[Violation]:
    """Each file under macros/ defines one macro named after the file (plus its
    adapter implementations <adapter>__<name> for adapter.dispatch); each file
    under tests/generic/ one generic test named after the file."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for macro in manifest["macros"].values():
        if macro["package_name"] != PROJECT:
            continue
        path = macro["original_file_path"]
        if path.startswith("macros/") or path.startswith("tests/generic/"):
            by_file[path].append(macro["name"])
    violations = []
    for path, names in sorted(by_file.items()):
        stem = PurePosixPath(path).stem
        expected = f"test_{stem}" if path.startswith("tests/generic/") else stem
        extra = [n for n in names if n != expected and not n.endswith(f"__{expected}")]
        if expected not in names:
            violations.append(
                Violation(
                    "one_macro_per_file",
                    path,
                    f"defines {', '.join(sorted(names))}, not a macro named {expected}",
                )
            )
        elif extra:
            violations.append(
                Violation(
                    "one_macro_per_file",
                    path,
                    f"defines {len(names)} macros; move {', '.join(sorted(extra))} "
                    "to files of their own",
                )
            )
    return violations


RULES: dict[str, Callable[[dict], list[Violation]]] = {
    "layer_dependencies": check_layer_dependencies,
    "naming": check_naming,
    "one_yaml_per_folder": check_one_yaml_per_folder,
    "descriptions": check_descriptions,
    "primary_key_test": check_primary_key_tests,
    "not_null_in_key_test": check_not_null_in_key_test,
    "published_contract": check_published_contracts,
    "no_identifiers_published": check_no_identifiers_published,
    "one_macro_per_file": check_one_macro_per_file,
}


def check_all(manifest: dict) -> list[Violation]:
    return [v for rule in RULES.values() for v in rule(manifest)]
