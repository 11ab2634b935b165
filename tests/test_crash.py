"""Crash safety: SIGKILL a pipeline run mid-ingest and mid-load, run it again, and lose or duplicate nothing.

The corpus is 200 generated articles in one RSS feed on a loopback server. The run is a child process (a
small driver running the `pipeline` flow against the module's Prefect test API). The kill lands
at a point the test observes rather than guesses, so no timing is involved:

- mid-ingest: the server holds article requests past number 100 until the test has killed the run;
- mid-load: the driver wraps the bulk loader so that, right after rows went into one table, it drops a
  marker file and stops; the test kills it there. `raw_items` (ingest load: fetch log, validators and
  cursors not yet written), `documents` (parse load: parse marks not yet written) and `claims` (inside the
  extraction swap transaction, before COMMIT) are the three points. The wrapper lives only in the driver
  below; production code has no test hook.

After each kill: the writer lock is free at once (the kernel dropped the flock), a re-run completes, and
raw_items, documents, mentions, claims, parsed_items and extractions hold exactly the keys an uninterrupted
run into a fresh warehouse holds, each key once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faultserver import RouteServer, add_corpus, route_server, write_sources
from tests.integrity import content_problems
from warehouse import reader, writer
from warehouse.db import write_lock

ROOT = Path(__file__).resolve().parents[1]
N_ARTICLES = 200
KEYS = {
    "raw_items": "item_id", "documents": "doc_id", "mentions": "mention_id", "claims": "claim_id",
    "parsed_items": "item_id", "extractions": "doc_id",
}
ENV = {
    "CLAIMWATCH_PER_HOST_INTERVAL": "0", "CLAIMWATCH_RETRIES": "0", "CLAIMWATCH_READ_TIMEOUT": "30",
    "CLAIMWATCH_LOCK_WAIT_SECONDS": "5",  # a stale lock would make the re-run fail fast instead of hanging
}
# argv: sources file, warehouse, table after whose insert the run stops ("" = never), "worker" or "".
DRIVER = """
import os, pathlib, sys, time
import stages.common as common, stages.parse as parse, warehouse.ingest_state as ingest_state, warehouse.load as load
from flows.pipeline import pipeline
sources_file, db, pause, worker = sys.argv[1:5]
os.environ["CLAIMWATCH_EXTRACT_WORKER"] = "true" if worker else "false"
if pause:
    real = load.insert
    def insert(con, table, rows, **kw):
        n = real(con, table, rows, **kw)
        if table == pause:
            pathlib.Path(db + '.paused').write_text(table)
            time.sleep(300)
        return n
    load.insert = common.insert = parse.insert = ingest_state.insert = insert
pipeline(sources=sources_file, db=db, sync=False, resolve=False)
"""
POLL = 0.02
MAX_POLLS = 6000  # 120 s at most


class Gate:
    """Blocks article requests from number `at` on while armed, until released (bounded wait)."""

    def __init__(self, at: int) -> None:
        self.at = at
        self.armed = False
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(self, i: int) -> None:
        if self.armed and i >= self.at:
            self.reached.set()
            self.release.wait(60)


def _start(sources: Path, db: Path, pause: str = "", worker: bool = False) -> subprocess.Popen[bytes]:
    env = {**os.environ, **ENV}
    args = [str(sources), str(db), pause, "worker" if worker else ""]
    return subprocess.Popen([sys.executable, "-c", DRIVER, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes]) -> None:
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode(errors="replace")[-3000:]


def _wait_for(cond: Any, proc: subprocess.Popen[bytes], what: str) -> None:
    for _ in range(MAX_POLLS):
        if cond():
            return
        if proc.poll() is not None:
            _out, err = proc.communicate()
            pytest.fail(f"run ended (rc={proc.returncode}) before {what}: {err.decode(errors='replace')[-2000:]}")
        time.sleep(POLL)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _keys(db: Path) -> dict[str, tuple[int, set[str]]]:
    with reader(db) as con:
        return {t: (int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]),
                    {str(r[0]) for r in con.execute(f"SELECT {k} FROM {t}").fetchall()})
                for t, k in KEYS.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Iterator[dict[str, Any]]:
    """The loopback corpus, its sources file, and the key sets of an uninterrupted run into a fresh warehouse."""
    from prefect.settings import PREFECT_API_URL

    tmp = tmp_path_factory.mktemp("crash")
    gate = Gate(at=100)
    srv: RouteServer
    with route_server() as srv, pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))  # the drivers' flows report to the test API
        feed = add_corpus(srv, N_ARTICLES, "/news", gate=gate)
        sources = write_sources(tmp / "sources.toml", [
            {"name": "news", "type": "rss", "url": feed, "allow_private": True, "max_items": 1000},
        ])
        ref_db = tmp / "reference.duckdb"
        _finish(_start(sources, ref_db))
        reference = _keys(ref_db)
        yield {"sources": sources, "gate": gate, "reference": reference, "srv": srv}
        gate.release.set()


def _assert_same_as_reference(db: Path, reference: dict[str, tuple[int, set[str]]]) -> None:
    got = _keys(db)
    for table, (count, keys) in reference.items():
        n, ks = got[table]
        assert ks == keys, f"{table}: {len(keys - ks)} keys lost, {len(ks - keys)} unexpected"
        assert n == count
    # Keys are unique by construction; what a crash and a re-run could break is content stored twice under
    # two keys, or a document's claims left from the killed run beside the re-run's.
    with reader(db) as con:
        assert content_problems(con) == {}


def _assert_lock_free(db: Path) -> None:
    with write_lock(db, wait=0):  # one attempt: raises WarehouseBusy if a dead run left the lock held
        pass
    with writer(db, wait=0) as con:  # and DuckDB's own file lock is gone too
        con.execute("SELECT 1").fetchall()


def test_reference_run_is_complete(corpus: dict[str, Any]) -> None:
    ref = corpus["reference"]
    assert ref["raw_items"][0] == N_ARTICLES + 1  # the articles and the feed
    assert ref["documents"][0] == N_ARTICLES
    assert ref["claims"][0] >= N_ARTICLES and ref["mentions"][0] > ref["claims"][0]


def test_sigkill_mid_ingest_then_rerun(corpus: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    gate: Gate = corpus["gate"]
    gate.reached.clear()
    gate.release.clear()
    gate.armed = True
    before = corpus["srv"].count_prefix("/news/a/")
    try:
        proc = _start(corpus["sources"], db)
        _wait_for(gate.reached.is_set, proc, "the run was mid-ingest")
        served = corpus["srv"].count_prefix("/news/a/") - before
        _kill(proc)
    finally:
        gate.armed = False
        gate.release.set()
    assert 100 <= served < N_ARTICLES
    # The killed run held its fetched items in memory only: nothing half-stored.
    with writer(db, snapshot=False) as con:
        assert con.execute("SELECT count(*) FROM raw_items").fetchall() == [(0,)]
    _assert_lock_free(db)
    _finish(_start(corpus["sources"], db))
    _assert_same_as_reference(db, corpus["reference"])


@pytest.mark.parametrize("table", ["raw_items", "documents", "claims"])
def test_sigkill_mid_load_then_rerun(corpus: dict[str, Any], tmp_path: Path, table: str) -> None:
    db = tmp_path / "w.duckdb"
    marker = Path(str(db) + ".paused")
    proc = _start(corpus["sources"], db, pause=table)
    _wait_for(marker.exists, proc, f"the run was loading {table}")
    _kill(proc)
    _assert_lock_free(db)
    with writer(db, snapshot=False) as con:
        stored = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    if table == "claims":
        assert stored == 0  # killed inside the extraction transaction: rolled back, never half-visible
    else:
        assert stored > 0  # these loads commit table by table; the re-run must cope with the partial state
    _finish(_start(corpus["sources"], db))
    _assert_same_as_reference(db, corpus["reference"])
    # A third run on unchanged sources adds nothing.
    _finish(_start(corpus["sources"], db))
    _assert_same_as_reference(db, corpus["reference"])


def test_overlapped_extraction_stores_the_same_rows(corpus: dict[str, Any], tmp_path: Path) -> None:
    """With the extraction worker, a second process extracts while parsing: same keys, each once."""
    db = tmp_path / "w.duckdb"
    _finish(_start(corpus["sources"], db, worker=True))
    _assert_same_as_reference(db, corpus["reference"])


def test_sigkill_mid_claims_load_with_worker_then_rerun(corpus: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    proc = _start(corpus["sources"], db, pause="claims", worker=True)
    _wait_for(Path(str(db) + ".paused").exists, proc, "the run was loading claims")
    _kill(proc)
    _assert_lock_free(db)
    _finish(_start(corpus["sources"], db, worker=True))
    _assert_same_as_reference(db, corpus["reference"])
