"""No function in the project's code is longer than MAX_LINES (issue 14): a reader should be able to hold one in mind.

A function's length runs from its `def` line to its last line (docstring, comments and blank lines included;
decorators not). Nested functions and methods are measured on their own as well as inside their parent. Tests are
not measured.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 80
# The project's non-test Python packages (the layers of docs/architecture.md).
PACKAGES = ("claimwatch", "config", "flows", "stages", "sources", "extractors", "schemas", "warehouse")
# Functions still being split by other work in progress (module.qualname). They are skipped, not measured:
# delete an entry once its function is split, and do not add new ones.
PENDING: frozenset[str] = frozenset()


def _functions(tree: ast.AST, prefix: str) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Yield (qualified name, node) for every function and method below `tree`, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}.{node.name}"
            yield name, node
            yield from _functions(node, name)
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}.{node.name}")
        else:
            yield from _functions(node, prefix)  # functions defined under if/try at module level


def long_functions(root: Path, packages: tuple[str, ...] = PACKAGES,
                   max_lines: int = MAX_LINES) -> list[tuple[str, str, int]]:
    """Return (qualified name, path:line, length) of every function longer than max_lines, longest first."""
    found: list[tuple[str, str, int]] = []
    for package in packages:
        base = root / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(root)
            parts = rel.with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for name, node in _functions(tree, module):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > max_lines:
                    found.append((name, f"{rel}:{node.lineno}", length))
    return sorted(found, key=lambda f: (-f[2], f[0]))


def test_no_function_is_longer_than_the_limit() -> None:
    found = [f for f in long_functions(ROOT) if f[0] not in PENDING]
    assert found == [], f"functions over {MAX_LINES} lines (split them into named steps):\n" + "\n".join(
        f"  {name} ({where}): {length} lines" for name, where, length in found)


def _body(n: int) -> str:
    return "".join(f"    x{i} = {i}\n" for i in range(n))


def test_a_planted_long_function_is_caught(tmp_path: Path) -> None:
    files = {
        "schemas/__init__.py": "def short():\n" + _body(10),
        "warehouse/outcomes/deep.py": "class Loader:\n" + textwrap.indent(
            "def load(self):\n" + _body(MAX_LINES) + "    def inner():\n" + textwrap.indent(_body(MAX_LINES), "    "),
            "    "),
        "flows/edge.py": "def exactly_at_the_limit():\n" + _body(MAX_LINES - 1),
        "extractors/rules/slow.py": "if True:\n    async def hidden():\n" + textwrap.indent(_body(MAX_LINES), "    "),
        "tests/test_long.py": "def test_long():\n" + _body(MAX_LINES * 2),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    found = {name: length for name, _where, length in long_functions(tmp_path)}
    assert found == {
        "warehouse.outcomes.deep.Loader.load": 2 * MAX_LINES + 2,
        "warehouse.outcomes.deep.Loader.load.inner": MAX_LINES + 1,
        "extractors.rules.slow.hidden": MAX_LINES + 1,
    }
