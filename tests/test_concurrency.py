"""Concurrency: a "scheduled" and an "ad-hoc" `claimwatch run` on one warehouse at once, with readers throughout.

Both runs are real `claimwatch run` processes (the Prefect `pipeline` flow, each on its own ephemeral Prefect
API) over the same 200-article loopback corpus and the same DuckDB file. Meanwhile one thread queries the
read snapshot with `warehouse.db.read_only_query` in a loop, and another runs `claimwatch sql` as a
subprocess in a loop. Both runs must exit 0, every table must hold each key once, and every single read
must succeed (each result is collected; claim counts never go backwards).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faultserver import add_corpus, route_server, write_sources
from tests.integrity import content_problems
from warehouse import reader, writer
from warehouse.db import read_only_query

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("claimwatch"))
N_ARTICLES = 200
MAX_READS = 100_000  # bounds the reader loops; the runs end long before


def _env(prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update({
        "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # Two Prefect API servers starting at once on two busy cores can take longer than Prefect's default 20 s.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "CLAIMWATCH_PER_HOST_INTERVAL": "0", "CLAIMWATCH_RETRIES": "0", "CLAIMWATCH_LOCK_WAIT_SECONDS": "300",
    })
    return env


@pytest.fixture(scope="module")
def concurrent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Start both runs and both readers together; yield what each produced once the runs have exited."""
    tmp = tmp_path_factory.mktemp("concurrency")
    db = tmp / "shared.duckdb"
    with writer(db):  # an existing warehouse with its snapshot, as a scheduled deployment would find it
        pass
    stop = threading.Event()
    api_reads: list[int] = []
    cli_reads: list[str] = []
    errors: list[str] = []

    def api_reader() -> None:
        for _ in range(MAX_READS):
            if stop.is_set():
                return
            try:
                _cols, rows = read_only_query(db, "select count(*) from claims")
                api_reads.append(int(rows[0][0]))  # type: ignore[call-overload]
            except Exception as exc:  # collected, asserted empty below
                errors.append(f"read_only_query: {type(exc).__name__}: {exc}")
            time.sleep(0.02)

    def cli_reader() -> None:
        for _ in range(MAX_READS):
            if stop.is_set():
                return
            proc = subprocess.run([CLI, "sql", "select count(*) as n from claims", "--db", str(db), "--format", "csv"],
                                  capture_output=True, text=True, cwd=ROOT, timeout=120)
            if proc.returncode != 0:
                errors.append(f"claimwatch sql rc={proc.returncode}: {proc.stderr.strip()}")
            else:
                cli_reads.append(proc.stdout.strip().splitlines()[-1])
            stop.wait(0.5)  # leave the two cores to the runs

    with route_server() as srv:
        feed = add_corpus(srv, N_ARTICLES, "/news")
        sources = write_sources(tmp / "sources.toml", [
            {"name": "news", "type": "rss", "url": feed, "allow_private": True, "max_items": 1000},
        ])
        threads = [threading.Thread(target=api_reader, daemon=True), threading.Thread(target=cli_reader, daemon=True)]
        for t in threads:
            t.start()
        runs = {
            name: subprocess.Popen([CLI, "run", "--sources", str(sources), "--db", str(db)], cwd=ROOT,
                                   env=_env(tmp / f"prefect-{name}"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for name in ("scheduled", "adhoc")
        }
        results = {name: (p.communicate(timeout=400), p.returncode) for name, p in runs.items()}
        stop.set()
        for t in threads:
            t.join(timeout=150)
    yield {"db": db, "results": results, "api_reads": api_reads, "cli_reads": cli_reads, "errors": errors}


def test_both_runs_complete(concurrent: dict[str, Any]) -> None:
    for name, ((_out, err), rc) in concurrent["results"].items():
        assert rc == 0, f"{name} run failed: {err.decode(errors='replace')[-2000:]}"
    with reader(concurrent["db"]) as con:
        runs = con.execute("SELECT flow, status FROM runs").fetchall()
    assert sorted(runs) == [("pipeline", "completed"), ("pipeline", "completed")]


def test_no_duplicates(concurrent: dict[str, Any]) -> None:
    with reader(concurrent["db"]) as con:
        # No body stored twice, one original per content, each document's claims from exactly one extraction
        # (per document, not only in total: two racing loads could offset each other in a sum).
        assert content_problems(con) == {}
        assert con.execute("SELECT count(*) FROM documents").fetchall() == [(N_ARTICLES,)]
        assert con.execute("SELECT count(*) FROM raw_items").fetchall() == [(N_ARTICLES + 1,)]
        assert con.execute("SELECT count(*) FROM parsed_items").fetchall() == [(N_ARTICLES,)]  # the feed is not parsed
        assert con.execute("SELECT count(*) FROM extractions").fetchall() == [(N_ARTICLES,)]


def test_readers_never_failed(concurrent: dict[str, Any]) -> None:
    assert concurrent["errors"] == []
    reads = concurrent["api_reads"]
    assert reads and concurrent["cli_reads"]
    assert reads == sorted(reads), "a reader saw the claim count go backwards"
    with reader(concurrent["db"]) as con:
        final = int(con.execute("SELECT count(*) FROM claims").fetchall()[0][0])
    assert max(reads) <= final and final > 0
