"""The commands for real, as a user runs them: demo builds a small warehouse; releases sync, resolve, lag,
report and export then work on it (subprocesses, the installed console script, no mocks)."""

from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows.deploy  # imports Prefect, which reconfigures logging: before caplog installs its handler
from claimwatch.cli import app
from warehouse import reader

BIN = Path(sys.executable).parent / "claimwatch"
AS_OF = "2026-06-30"


def cli(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_STATE_HOME": str(cwd / "state"), "PREFECT_LOGGING_LEVEL": "ERROR"}
    res = subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env)
    assert res.returncode == 0, (args, res.stdout[-3000:], res.stderr[-3000:])
    assert "Traceback" not in res.stderr
    return res


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """`claimwatch demo` into a fresh folder: the small warehouse every other command here works on."""
    work = tmp_path_factory.mktemp("cli")
    res = cli("demo", "--db", "w/demo.duckdb", cwd=work)
    return {"work": work, "db": work / "w" / "demo.duckdb", "out": res.stdout}


def _one(db: Path, query: str, params: list | None = None):
    with reader(db) as con:
        return con.execute(query, params or []).fetchall()


@pytest.mark.slow
def test_demo_prints_the_stored_claims(demo):
    n_claims = _one(demo["db"], "SELECT count(*) FROM claims")[0][0]
    assert n_claims > 0
    assert f"{n_claims} claims in w/demo.duckdb" in demo["out"]
    assert "measured lag" in demo["out"] and "country=CN behind country=US" in demo["out"]
    assert _one(demo["db"], "SELECT status, error FROM runs") == [("completed", None)]


@pytest.mark.slow
def test_releases_sync_loads_the_bundled_snapshot(demo):
    res = cli("releases", "sync", "--db", "w/demo.duckdb", cwd=demo["work"])
    assert "synced bundled Epoch ECI snapshot + seeds (offline)" in res.stdout
    reported = int(res.stdout.split(" scores,")[0].rsplit(" ", 1)[1])
    assert reported > 0
    assert _one(demo["db"], "SELECT count(DISTINCT model_id) FROM scores WHERE metric = 'eci'")[0][0] > 50


@pytest.mark.slow
def test_resolve_stores_outcomes_as_of_a_date(demo):
    res = cli("resolve", "--db", "w/demo.duckdb", "--as-of", AS_OF, cwd=demo["work"])
    stored = _one(demo["db"], "SELECT count(*) FROM outcomes WHERE as_of = CAST(? AS DATE)", [AS_OF])[0][0]
    claims = _one(demo["db"], "SELECT count(*) FROM claims WHERE kind <> 'release'")[0][0]
    assert stored == claims  # one outcome per gap or forecast claim for that date (release claims are evidence)
    verdicts = dict(_one(demo["db"], "SELECT verdict, count(*) FROM outcomes WHERE as_of = CAST(? AS DATE) "
                                     "GROUP BY verdict", [AS_OF]))
    for verdict in verdicts:
        assert verdict in res.stdout


@pytest.mark.slow
def test_report_writes_a_self_contained_page(demo):
    cli("report", "--db", "w/demo.duckdb", "--out", "r/report.html", "--as-of", AS_OF, cwd=demo["work"])
    html = (demo["work"] / "r" / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<svg" in html
    assert "<script src=" not in html and "<link rel=\"stylesheet\" href=" not in html  # nothing fetched
    sentence = _one(demo["db"], "SELECT sentence FROM v_claims WHERE kind <> 'release' "
                                "ORDER BY published_at DESC LIMIT 1")[0][0]
    assert sentence.split(",")[0].replace("'", "&#39;")[:40] in html.replace("&#x27;", "&#39;")


@pytest.mark.slow
def test_export_writes_the_views_as_csv(demo):
    res = cli("export", "--db", "w/demo.duckdb", "--format", "csv", "--out", "x", cwd=demo["work"])
    written = sorted(p.name for p in (demo["work"] / "x").iterdir())
    assert written and all(f"wrote x/{name}" in res.stdout or name in res.stdout for name in written)
    assert {"v_claims.csv", "v_claim_outcomes.csv", "v_source_scorecard.csv", "v_gap_timeline.csv"} <= set(written)
    with (demo["work"] / "x" / "v_claims.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == _one(demo["db"], "SELECT count(*) FROM v_claims")[0][0]


@pytest.mark.slow
def test_lag_and_sql_read_the_warehouse(demo):
    res = cli("lag", "--db", "w/demo.duckdb", "--from", "2024-01-01", cwd=demo["work"])
    assert "country=CN behind country=US on eci" in res.stdout
    out = cli("sql", "select count(*) as n from lag_series", "--db", "w/demo.duckdb", "--format", "jsonl",
              cwd=demo["work"])
    assert json.loads(out.stdout)["n"] > 0


def test_serve_warns_while_the_contact_is_the_default(tmp_path, monkeypatch, caplog):
    served: list = []
    monkeypatch.setattr(flows.deploy, "serve_all", served.append)
    (tmp_path / "sources.toml").write_text('[[source]]\nname = "a"\ntype = "rss"\nurl = "https://example.org/f"\n')
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("CLAIMWATCH_")]:
        monkeypatch.delenv(key)
    with caplog.at_level(logging.WARNING):
        assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert served and "contact_url is the project's default" in caplog.text
    caplog.clear()
    monkeypatch.setenv("CLAIMWATCH_CONTACT_URL", "mailto:ops@example.org")
    with caplog.at_level(logging.WARNING):
        assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert "contact_url" not in caplog.text
    assert "mailto:ops@example.org" in served[-1].user_agent
