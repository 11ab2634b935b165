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
