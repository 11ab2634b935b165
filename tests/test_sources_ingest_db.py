"""Ingest into a real DuckDB file: state round-trips, a re-run adds no raw items, faults leave fetch-log rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sources.config import SourceConfig
from tests.httpfixture import (
    FixtureServer,
    Reply,
    corpus_sources,
    fast_settings,
    ingest,
    running_server,
    serve_corpus,
)
from warehouse.db import migrate, open_db
from warehouse.ingest_state import save_result, state_from_db


@pytest.fixture
def srv() -> Iterator[FixtureServer]:
    with running_server() as s:
        yield s



@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_X_BEARER_TOKEN", "tok-12345")
    monkeypatch.setenv("CLAIMWATCH_BSKY_HANDLE", "h.bsky.social")
    monkeypatch.setenv("CLAIMWATCH_BSKY_APP_PASSWORD", "pass-word-1234")


def count(con, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def test_ingest_save_reload_rerun(tmp_path: Path, srv: FixtureServer, creds):
    serve_corpus(srv)
    srv.route("/broken.html", lambda r: Reply(500, {"content-type": "text/plain"}, b"no"))
    srv.route("/reset.html", lambda r: Reply(fault="reset"))
    srv.static("/bad.rss", "<rss><channel><item><title>x", "application/rss+xml")
    srcs = [
        *corpus_sources(srv),
        SourceConfig(name="broken", type="page", url=srv.url("/broken.html"), allow_private=True),
        SourceConfig(name="reset", type="page", url=srv.url("/reset.html"), allow_private=True),
        SourceConfig(name="badfeed", type="rss", url=srv.url("/bad.rss"), allow_private=True),
        SourceConfig(name="off", type="page", url=srv.url("/never"), allow_private=True, enabled=False),
    ]
    settings = fast_settings(retries=0)
    con = open_db(tmp_path / "w.duckdb")
    try:
        migrate(con)
        first = ingest(srcs, state_from_db(con), settings, "run-1")
        counts = save_result(con, first)
        assert counts["raw_items"] == len(first.items) > 0
        assert counts["fetch_log"] == len(first.fetches)
        assert count(con, "cursors") == 6 and count(con, "robots_cache") == 1
        failed = {r[0]: r[1] for r in con.execute(
            "SELECT source, error_class FROM fetch_log WHERE NOT ok").fetchall()}
        assert failed == {"broken": "http_status", "reset": "reset", "badfeed": "parse"}
        assert srv.hits("/never") == 0

        raw_before = count(con, "raw_items")
        log_before = count(con, "fetch_log")
        state = state_from_db(con)
        assert len(state.known_item_ids) == raw_before and state.cursors["hn"] == "1771063500"
        second = ingest(srcs, state, settings, "run-2")
        counts2 = save_result(con, second)
        assert counts2["raw_items"] == 0 and count(con, "raw_items") == raw_before
        assert count(con, "fetch_log") == log_before + len(second.fetches)
        # No feed, article or page body was downloaded again (the bad feed and failing pages are re-tried).
        bodies = con.execute(
            "SELECT url FROM fetch_log WHERE run_id = 'run-2' AND bytes > 0 AND (url LIKE '%.html' OR url LIKE '%.rss'"
            " OR url LIKE '%.atom')").fetchall()
        assert [r[0] for r in bodies] == [srv.url("/bad.rss")]
        meta = con.execute("SELECT meta FROM raw_items WHERE kind = 'article' AND source = 'ledger' LIMIT 1").fetchall()
        assert "entry_title" in meta[0][0]
    finally:
        con.close()


def test_raw_items_are_handed_over_in_slices(tmp_path: Path, srv: FixtureServer, creds):
    """With a sink, raw items leave the fetch in bounded slices; the stored run equals the collected one."""
    from extractors import posts
    from sources.ingest import IngestState
    from sources.ingest import ingest as raw_ingest
    from stages import ingest_stage, load_ingest

    serve_corpus(srv)
    srcs = corpus_sources(srv)
    settings = fast_settings(retries=0)
    slices: list[list[str]] = []
    logged: list[str] = []

    def sink(items, fetches) -> int:
        slices.append([i.item_id for i in items])
        logged.extend(f.url for f in fetches)
        return len(items)

    result = raw_ingest(srcs, IngestState(), settings, "run-h", posts=posts, sink=sink, sink_size=3)
    collected = ingest(srcs, IngestState(), settings, "run-c")
    handed = [i for s in slices for i in s]
    assert result.items == [] and len(handed) == len(set(handed)) == len(collected.items) > 3
    assert max(len(s) for s in slices) == 3
    assert result.items_stored == len(handed) and result.summary()["items"] == len(handed)
    # The fetch log leaves with the slices too: the result keeps only the rows after the last one, and the
    # run's counts still cover every attempt.
    assert logged and len(logged) + len(result.fetches) == result.summary()["attempts"] == len(collected.fetches)
    assert sorted(logged + [f.url for f in result.fetches]) == sorted(f.url for f in collected.fetches)
    # The same items; which source's copy of a page two sources share is kept follows arrival, not source order.
    assert set(handed) == {i.item_id for i in collected.items}

    db = tmp_path / "w.duckdb"
    stored = ingest_stage(srcs, db, settings, "run-s")
    assert stored.items == [] and stored.items_stored == len(collected.items)
    counts = load_ingest(db, stored)
    assert counts["raw_items"] == len(collected.items)
    con = open_db(db, read_only=True)
    try:
        assert count(con, "raw_items") == len(collected.items)
        assert count(con, "fetch_log") == stored.summary()["attempts"] == len(collected.fetches)
    finally:
        con.close()


def test_a_failing_sink_fails_the_fetch(srv: FixtureServer, creds):
    """A warehouse that cannot store raw items fails the run, not one source."""
    from extractors import posts
    from sources.ingest import IngestState
    from sources.ingest import ingest as raw_ingest

    serve_corpus(srv)

    def sink(items, fetches) -> int:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        raw_ingest(corpus_sources(srv), IngestState(), fast_settings(retries=0), "run-f", posts=posts, sink=sink,
                   sink_size=2)


def test_stored_validators_are_read_lazily_and_never_copied(tmp_path: Path):
    """A year of history holds a million validators: the state hands them over as an index over Arrow columns,
    and the client reads the few it needs without copying the rest."""
    from collections.abc import Mapping

    from sources.http import CacheEntry, PoliteClient
    from warehouse.ingest_state import ValidatorIndex

    con = open_db(tmp_path / "w.duckdb")
    try:
        migrate(con)
        con.execute("INSERT INTO http_cache SELECT 'https://a.example/' || i, 'e' || i, NULL, 's' || i, 200, "
                    "now()::TIMESTAMP FROM range(1000) t(i)")
        state = state_from_db(con)
    finally:
        con.close()
    assert isinstance(state.http_cache, ValidatorIndex) and len(state.http_cache) == 1000
    assert state.http_cache["https://a.example/7"] == CacheEntry(etag="e7", last_modified=None, sha256="s7")
    assert "https://a.example/1000" not in state.http_cache

    class NoCopy(Mapping[str, CacheEntry]):
        def __getitem__(self, url: str) -> CacheEntry:
            return state.http_cache[url]

        def __iter__(self):
            raise AssertionError("the client copied the stored validators")

        def __len__(self) -> int:
            return len(state.http_cache)

    client = PoliteClient(fast_settings(), "t", cache=NoCopy())
    assert client._validators["https://a.example/3"].etag == "e3"
    assert client.cache == {}
