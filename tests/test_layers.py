"""The layering rule of docs/architecture.md, checked on the import graph (every import, module-level or not).

schemas → extractors, sources → warehouse → stages, config → flows → claimwatch: a package imports only packages
of a lower layer (and itself); extractors and sources never import each other, nor do stages and config (the
settings object: flows and the CLI build it and hand its values down). A few third-party imports are
banned per layer too: no database driver outside warehouse (and the stages/flows/CLI above it), no HTTP
client outside sources, no Prefect in extractors, warehouse or stages.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS: dict[str, int] = {
    "schemas": 0, "extractors": 1, "sources": 1, "warehouse": 2, "stages": 3, "config": 3, "flows": 4,
    "claimwatch": 5,
}
# Third-party packages a layer must not import.
BANNED: dict[str, frozenset[str]] = {
    "schemas": frozenset({"duckdb", "httpx", "httpcore", "prefect", "prefect_dask"}),
    "extractors": frozenset({"duckdb", "httpx", "httpcore", "prefect", "prefect_dask"}),
    "sources": frozenset({"duckdb"}),  # prefect only lazily, for Secret blocks (sources/base.py)
    "warehouse": frozenset({"httpx", "httpcore", "prefect", "prefect_dask"}),
    "stages": frozenset({"httpx", "httpcore", "prefect", "prefect_dask"}),
    "config": frozenset({"duckdb", "httpx", "httpcore", "prefect", "prefect_dask"}),
}
# Upward imports that other work in progress still has to remove: (importing module, imported module).
# The test fails on anything not listed here; delete an entry once its import is gone.
PENDING: frozenset[tuple[str, str]] = frozenset()


def _modules(root: Path) -> Iterator[tuple[str, Path]]:
    for package in LAYERS:
        base = root / package
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(module: str, path: Path) -> Iterator[str]:
    """Yield every module name `path` imports (absolute, relative imports resolved)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                anchor = parts if is_package else parts[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            yield base
            # `from pkg import mod` may name a submodule: check it as pkg.mod too.
            yield from (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")


def violations(root: Path) -> list[tuple[str, str]]:
    """Return (importing module, imported module) for every import the layering rule forbids."""
    found: set[tuple[str, str]] = set()
    for module, path in _modules(root):
        own = module.split(".")[0]
        for target in _imports(module, path):
            top = target.split(".")[0]
            if top in LAYERS and top != own and LAYERS[top] >= LAYERS[own]:
                found.add((module, _known(root, target)))
            elif top in BANNED.get(own, frozenset()):
                found.add((module, top))
    return sorted(found)


def _known(root: Path, target: str) -> str:
    """Trim `pkg.mod.Name` to the longest prefix that is a module or package under root."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        candidate = root.joinpath(*parts[:end])
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts[:end])
    return target


def test_the_tree_follows_the_layering_rule() -> None:
    found = [v for v in violations(ROOT) if v not in PENDING]
    assert found == [], "imports against the layering rule (docs/architecture.md):\n" + "\n".join(
        f"  {src} imports {dst}" for src, dst in found)


def _plant(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


BASE_TREE = {
    "schemas/__init__.py": "import re\n",
    "sources/__init__.py": "",
    "sources/feed.py": "from schemas import RawItem\n",
    "warehouse/__init__.py": "from sources.feed import RawItem\n",
    "stages/__init__.py": "from . import run\n",
    "stages/run.py": "from warehouse import x\nfrom .helpers import y\n",
    "stages/helpers.py": "",
    "claimwatch/__init__.py": "",
    "claimwatch/cli.py": "import stages\nfrom flows import pipeline\nfrom config.settings import Settings\n",
    "config/__init__.py": "",
    "config/settings.py": "from warehouse import db\n",
    "flows/__init__.py": "from config.settings import Settings\nimport stages\n",
}


def test_a_clean_planted_tree_passes(tmp_path: Path) -> None:
    _plant(tmp_path, BASE_TREE)
    assert violations(tmp_path) == []


@pytest.mark.parametrize("rel,text,expected", [
    ("sources/feed.py", "from claimwatch.settings import Settings\n", ("sources.feed", "claimwatch.settings")),
    ("sources/feed.py", "def f():\n    from extractors.posts import post_url\n", ("sources.feed", "extractors.posts")),
    ("sources/feed.py", "import duckdb\n", ("sources.feed", "duckdb")),
    ("extractors/article.py", "from sources.charset import decode_body\n", ("extractors.article", "sources.charset")),
    ("warehouse/__init__.py", "from ..stages import run\n", ("warehouse", "stages")),
    ("warehouse/__init__.py", "import httpx\n", ("warehouse", "httpx")),
    ("stages/run.py", "from prefect import flow\n", ("stages.run", "prefect")),
    ("flows/__init__.py", "from claimwatch import settings\n", ("flows", "claimwatch")),
    ("flows/__init__.py", "from claimwatch.settings import Settings\n", ("flows", "claimwatch.settings")),
    ("stages/run.py", "from config.settings import Settings\n", ("stages.run", "config.settings")),
    ("sources/feed.py", "from config.settings import Settings\n", ("sources.feed", "config.settings")),
    ("config/settings.py", "import stages\n", ("config.settings", "stages")),
    ("config/settings.py", "from flows import pipeline\n", ("config.settings", "flows")),
])
def test_a_planted_forbidden_import_is_caught(
    tmp_path: Path, rel: str, text: str, expected: tuple[str, str],
) -> None:
    others = {"claimwatch/settings.py": "", "sources/charset.py": "", "extractors/__init__.py": "",
              "extractors/posts.py": "", "flows/__init__.py": "", "config/__init__.py": "",
              "config/settings.py": "from warehouse import db\n"}
    _plant(tmp_path, {**BASE_TREE, **others, rel: text})
    assert expected in violations(tmp_path)
