"""The package is whole: a wheel built from the sources runs its own demo and extractor outside the checkout."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the wheel is built from: the sdist inputs, copied so the build leaves nothing in the checkout.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "claimwatch", "config", "flows", "sources", "stages", "extractors",
           "schemas", "warehouse")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    res = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert res.returncode == 0, (cmd, res.stdout[-3000:], res.stderr[-3000:])
    return res


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with only the built wheel installed; dependencies come from .venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        elif path.exists():
            shutil.copy2(path, src / name)
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)], cwd=tmp)
    (wheel,) = dist.glob("claimwatch-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp)
    (venv_site,) = (venv / "lib").glob("python3*/site-packages")
    # The dependencies (prefect, spacy, duckdb...) are the checkout venv's, reached through a .pth line; that
    # directory's own .pth files (the editable install of the checkout) are not processed, so only the wheel's
    # copy of claimwatch is importable.
    (venv_site / "deps.pth").write_text(site.getsitepackages()[0] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps", "-q",
          str(wheel)], cwd=tmp)
    return venv


def _env(home: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PYTHON"))}
    return {**keep, "PREFECT_HOME": str(home / "prefect"), "XDG_STATE_HOME": str(home / "state"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "CLAIMWATCH_PER_HOST_INTERVAL": "0.01"}


@pytest.mark.slow
def test_the_installed_wheel_is_the_one_imported(installed: Path, tmp_path: Path):
    res = _run([str(installed / "bin" / "python"), "-c",
                "import claimwatch, extractors, warehouse; print(claimwatch.__file__, extractors.__file__)"],
               cwd=tmp_path, env=_env(tmp_path))
    assert str(ROOT) not in res.stdout and str(installed) in res.stdout


@pytest.mark.slow
def test_demo_and_extract_run_from_an_empty_directory(installed: Path, tmp_path: Path):
    work = tmp_path / "empty"
    work.mkdir()
    env = _env(tmp_path)
    demo = _run([str(installed / "bin" / "claimwatch"), "demo"], cwd=work, env=env)
    assert "claims in data/demo.duckdb" in demo.stdout and "measured lag" in demo.stdout
    assert "Traceback" not in demo.stderr
    note = work / "note.txt"
    note.write_text("Analysts say Chinese open-source models are about five months behind Claude Sonnet 4.5.")
    extract = _run([str(installed / "bin" / "claimwatch"), "extract", "--format", "jsonl",
                    "--published", "2026-02-11", "note.txt"], cwd=work, env=env)
    assert '"kind": "gap"' in extract.stdout and '"months_low": 5' in extract.stdout
