"""Failure paths: one line and no traceback at the console, read commands create nothing, failed runs are recorded,
and only transient errors are retried."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import stages
from claimwatch.outcomes_cli import SyncError
from claimwatch.settings import SettingsError
from flows.retry import is_transient
from sources.config import SourcesError
from warehouse import WarehouseBusy, WarehouseError, reader, writer

BIN = Path(sys.executable).parent / "claimwatch"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full = {**os.environ, "XDG_STATE_HOME": str(cwd.parent / "state"), **(env or {})}
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, env=full)


def one_line(res: subprocess.CompletedProcess, *needles: str) -> str:
    assert res.returncode != 0, res.stdout
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    d = tmp_path / "cwd"
    d.mkdir()
    return d


def test_run_on_a_file_that_is_not_a_warehouse_fails_at_once(work: Path):
    (work / "notes.txt").write_text("these are my notes, not a database\n")
    (work / "sources.toml").write_text('[[source]]\nname = "a"\ntype = "rss"\nurl = "https://example.org/feed"\n')
    before = listing(work)
    t0 = time.monotonic()
    res = cli("run", "--db", "notes.txt", cwd=work)
    elapsed = time.monotonic() - t0
    line = one_line(res, "notes.txt", "is not a DuckDB database", "--db")
    assert res.returncode == 2 and elapsed < 10, (elapsed, line)
    assert listing(work) == before  # no lock file, no snapshot next to the text file


@pytest.mark.parametrize("args", [
    ["lag", "--db", "typo/x.duckdb"],
    ["sql", "select 1", "--db", "typo/x.duckdb"],
    ["report", "--db", "typo/x.duckdb"],
    ["export", "--db", "typo/x.duckdb"],
    ["resolve", "--db", "typo/x.duckdb"],
], ids=lambda a: a[0])
def test_read_commands_on_a_missing_warehouse_create_nothing(work: Path, args: list[str]):
    res = cli(*args, cwd=work)
    one_line(res, "no warehouse at typo/x.duckdb")
    assert listing(work) == []


def test_read_commands_refuse_a_file_that_is_not_a_warehouse(work: Path):
    (work / "w.duckdb").write_text("")
    one_line(cli("sql", "select 1", "--db", "w.duckdb", cwd=work), "w.duckdb is not a DuckDB database")
    assert listing(work) == ["w.duckdb"]


def test_a_missing_config_file_is_an_error(work: Path):
    res = cli("sources", "list", cwd=work, env={"CLAIMWATCH_CONFIG": str(work / "claimwatch-prod.toml")})
    one_line(res, "configuration error", "claimwatch-prod.toml")


def test_an_unexpected_error_is_one_line_and_the_traceback_goes_to_the_log(work: Path):
    db = work / "w.duckdb"
    with writer(db):
        pass
    (work / "afile").write_text("x")
    res = cli("report", "--db", "w.duckdb", "--out", "afile/report.html", cwd=work)
    line = one_line(res, "failed:", "--verbose")
    assert res.returncode == 1, line
    log_file = work.parent / "state" / "claimwatch" / "claimwatch.log"
    assert "Traceback" in log_file.read_text() and "claimwatch report failed" in log_file.read_text()
    verbose = cli("--verbose", "report", "--db", "w.duckdb", "--out", "afile/report.html", cwd=work)
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr


@pytest.mark.slow
def test_a_pipeline_run_that_fails_midway_leaves_a_failed_row(tmp_path: Path, monkeypatch):
    """The Prefect `pipeline` flow fails after fetching and loading: the run is a failed row in a valid warehouse."""
    from claimwatch.demo import serve_corpus, write_sources
    from flows.pipeline import pipeline

    def broken_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(stages, "parse_and_extract_stage", broken_disk)
    monkeypatch.setattr(stages, "parse_stage", broken_disk)
    db = tmp_path / "w.duckdb"
    with serve_corpus(port=None) as base:
        src = write_sources(base, tmp_path / "sources.toml")
        with pytest.raises(OSError, match="No space left"):
            pipeline(sources=str(src), db=str(db), sync=False, resolve=False)
    with reader(db) as con:  # the warehouse is valid: the fetched items are in, and the run says it failed
        runs = con.execute("SELECT flow, status, error, finished_at IS NOT NULL FROM runs").fetchall()
        raw = con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0]
    assert runs == [("pipeline", "failed", "OSError: [Errno 28] No space left on device", True)]
    assert raw > 0


def test_completed_runs_are_recorded_with_no_error(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    with stages.recorded_run(db, "unit") as run:
        run.counts["n"] = 1
    with reader(db) as con:
        assert con.execute("SELECT flow, status, error, counts->>'n' FROM runs").fetchall() == [
            ("unit", "completed", None, "1")]


def _status_error(code: int) -> httpx.HTTPStatusError:
    req = httpx.Request("GET", "https://example.org/x")
    return httpx.HTTPStatusError("bad", request=req, response=httpx.Response(code, request=req))


@pytest.mark.parametrize(("exc", "transient"), [
    (httpx.ReadTimeout("slow"), True),
    (httpx.ConnectError("refused"), True),
    (ConnectionResetError(104, "reset"), True),
    (TimeoutError(), True),
    (_status_error(503), True),
    (_status_error(429), True),
    (_status_error(404), False),
    (SyncError("https://epoch.ai/x.csv: ReadTimeout"), True),
    (SettingsError("setting retries: bad"), False),
    (SourcesError("sources.toml:3: bad"), False),
    (WarehouseError("notes.txt is not a DuckDB database"), False),
    (WarehouseBusy("busy"), False),
    (FileNotFoundError(2, "missing"), False),
    (PermissionError(13, "denied"), False),
    (ValueError("bug"), False),
], ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v))
def test_only_transient_errors_are_retried(exc: BaseException, transient: bool):
    assert is_transient(exc) is transient


def test_the_network_tasks_retry_only_transient_errors():
    from flows.pipeline import fetch_sources, sync_task
    from flows.retry import retry_transient

    for t in (fetch_sources, sync_task):
        assert t.retries == 2 and t.retry_condition_fn is retry_transient


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def result(self) -> None:
        raise self.exc


def test_retry_condition_reads_the_failed_states_exception():
    from flows.retry import retry_transient

    assert retry_transient(None, None, _Failed(httpx.ReadTimeout("slow"))) is True
    assert retry_transient(None, None, _Failed(WarehouseError("not a database"))) is False
