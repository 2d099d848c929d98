"""The structure rules for the Python package (CONTRIBUTING.md "Python: small modules,
one job each"), checked over the source files with `ast`: one function per rule,
each taking a source folder and returning `Violation`s like the manifest rules in
`rules`, so a planted break in a temporary file shows that the rule can fail.

- function_length: no function or method (nested ones included, each on its own)
  is longer than MAX_FUNCTION_LINES lines, counted from its `def` line to its last
  line, docstring and comments included (decorators not). A function that long does
  several jobs: split it into functions named after them.
- module_length: no module is longer than MAX_MODULE_LINES lines (blank lines,
  comments and docstrings included), counted without its data tables (a
  top-level assignment of a literal, such as the generator's programme
  templates). A module that long holds several jobs: split it into modules
  named after them (sdc/structure.py, 949 lines, became cells.py,
  structure.py and declared.py).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

from .rules import Violation

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 600

# the package checked in CI: src/studentflow
PACKAGE_DIR = Path(__file__).resolve().parents[1]

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, FunctionNode]]:
    """Every function and method in `tree` with its qualified name (Class.method,
    outer.inner), in source order."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, FunctionNode):
            name = f"{prefix}{node.name}"
            yield name, node
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def function_lengths(path: Path) -> Iterator[tuple[str, int, int]]:
    """(qualified name, line of `def`, length in lines) of every function in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for name, node in _functions(tree):
        yield name, node.lineno, node.end_lineno - node.lineno + 1


def _shown(path: Path) -> str:
    """The path relative to the working directory (the project root in CI) if inside it."""
    path = path.resolve()
    return (path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path).as_posix()


def check_function_length(
    src_dir: Path = PACKAGE_DIR, limit: int = MAX_FUNCTION_LINES
) -> list[Violation]:
    """Functions longer than `limit` lines in the .py files under `src_dir`."""
    src_dir = Path(src_dir)
    violations = []
    for path in sorted(src_dir.rglob("*.py")):
        where = _shown(path)
        for name, line, length in function_lengths(path):
            if length > limit:
                violations.append(
                    Violation(
                        "function_length",
                        f"{where}:{line} {name}",
                        f"function {name} is {length} lines long, the limit is {limit}: "
                        "split it into smaller functions, one job each",
                    )
                )
    return violations


def module_length(path: Path) -> int:
    """Lines of the module less those of its data tables (module_length)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    tables = sum(node.end_lineno - node.lineno + 1 for node in tree.body if _is_table(node))
    return len(text.splitlines()) - tables


def _is_table(node: ast.stmt) -> bool:
    """A top-level assignment of a literal (numbers, texts, lists, dicts, sets)."""
    if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
        return False
    try:
        ast.literal_eval(node.value)
    except (ValueError, TypeError, RecursionError):  # a call, a name; a set of lists
        return False
    return True


def check_module_length(
    src_dir: Path = PACKAGE_DIR, limit: int = MAX_MODULE_LINES
) -> list[Violation]:
    """Modules with more than `limit` lines, data tables not counted, under `src_dir`."""
    violations = []
    for path in sorted(Path(src_dir).rglob("*.py")):
        length = module_length(path)
        if length > limit:
            violations.append(
                Violation(
                    "module_length",
                    _shown(path),
                    f"module is {length} lines long without its data tables, the limit is "
                    f"{limit}: split it into modules, one job each",
                )
            )
    return violations


PYTHON_RULES: dict[str, Callable[[Path], list[Violation]]] = {
    "function_length": check_function_length,
    "module_length": check_module_length,
}


def check_all(src_dir: Path = PACKAGE_DIR) -> list[Violation]:
    return [v for rule in PYTHON_RULES.values() for v in rule(src_dir)]
