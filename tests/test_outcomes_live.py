"""Live release data (issue 12, items 2 and 3): Epoch AI's CSVs, the Hugging Face Hub and OpenRouter on loopback.

A loopback server (127.0.0.1 only) answers at the paths the real sources use, with bodies shaped like theirs
(tests/fixtures/releases/README.md cites each shape), ETag / Last-Modified and 304s on conditional GET; faults
(500, a stalled response, a refused connection) exercise the fallback and the exit status. The live URLs are
never reached: conftest.py turns live sync off and points every default URL at a closed loopback port, and each
test here sets its own URLs to the fixture server.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimwatch.outcomes_cli import EXIT_OFFLINE, EXIT_PARTIAL, EXIT_REACHED, run_releases_sync
from tests.httpfixture import FIXTURES, FixtureServer, Reply, running_server
from warehouse.db import migrate, open_db, reader
from warehouse.outcomes.openrouter import parse_openrouter_models

RELEASES = FIXTURES / "releases"
ECI_PATH = "/data/eci_scores.csv"
MODELS_PATH = "/data/all_ai_models.csv"
HF_PATH = "/api/models?author=deepseek-ai&sort=createdAt&direction=-1&limit=100"
OPENROUTER_PATH = "/api/v1/models"


@pytest.fixture
def srv() -> Iterator[FixtureServer]:
    with running_server() as s:
        s.fixture(ECI_PATH, "releases/eci_scores.csv", "text/csv; charset=utf-8")
        s.fixture(MODELS_PATH, "releases/all_ai_models.csv", "text/csv; charset=utf-8")
        s.fixture(HF_PATH, "releases/hf_models_deepseek-ai.json", "application/json; charset=utf-8")
        s.fixture(OPENROUTER_PATH, "releases/openrouter_models.json", "application/json")
        yield s


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def live_env(monkeypatch: pytest.MonkeyPatch, base: str) -> None:
    """Point every live release URL at `base` (the fixture server, or a closed port) and keep timeouts short."""
    for key, value in {
        "RELEASES_LIVE": "true", "ECI_URL": base + ECI_PATH, "EPOCH_MODELS_URL": base + MODELS_PATH,
        "HF_API_URL": base + "/api/models", "HF_AUTHORS": "deepseek-ai", "HF_LIMIT": "100",
        "OPENROUTER_URL": base + OPENROUTER_PATH, "CONNECT_TIMEOUT": "2", "READ_TIMEOUT": "0.5",
        "RELEASES_RETRIES": "1", "BACKOFF_SECONDS": "0.01",
    }.items():
        monkeypatch.setenv(f"CLAIMWATCH_{key}", value)


def _one(db: Path, sql: str, params: list[object] | None = None) -> tuple[object, ...]:
    with reader(db) as con:
        rows = con.execute(sql, params or []).fetchall()
    assert rows, sql
    return tuple(rows[0])


def _all(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with reader(db) as con:
        return [tuple(r) for r in con.execute(sql, params or []).fetchall()]


def test_tests_never_reach_live_sources() -> None:
    """The guard itself: without a test's own settings, live sync is off and every URL is a closed loopback port."""
    from config.settings import load_settings

    s = load_settings()
    assert s.releases_live is False
    for url in (s.eci_url, s.epoch_models_url, s.hf_api_url, s.openrouter_url):
        assert url is not None and url.startswith("http://127.0.0.1:9/")


def test_live_sync_loads_every_source_with_provenance(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_env(monkeypatch, srv.base)
    db = tmp_path / "w.duckdb"
    text, code = run_releases_sync(db, allow_private=True)
    assert code == EXIT_REACHED, text
    assert "4 of 4 live sources reached" in text and "FALLBACK" not in text
    # every origin left facts, each with where it was read from and when
    per_origin = {r[0] for r in _all(db, "SELECT origin, count(*) FROM release_facts GROUP BY origin")}
    assert per_origin == {"seed", "epoch", "hf", "openrouter"}
    assert _one(db, "SELECT count(*) FROM release_facts WHERE fetched_from IS NULL OR retrieved_at IS NULL "
                    "OR source_url IS NULL")[0] == 0
    # conflicts resolve by priority: epoch beats the Hub and OpenRouter; the Hub beats OpenRouter
    facts = _all(db, "SELECT origin, release_date, rank FROM v_release_facts WHERE model_id = 'fixture-dragon-4' "
                     "ORDER BY rank")
    assert [f[0] for f in facts] == ["epoch", "epoch", "hf", "openrouter"]
    assert facts[2][1] == date(2026, 4, 18) and facts[3][1] == date(2026, 4, 20)  # Hub createdAt, earliest variant
    win = _one(db, "SELECT origin, release_date, origins, date_spread_days, organization, country, open_weights "
                   "FROM v_releases WHERE model_id = 'fixture-dragon-4'")
    assert win == ("epoch", date(2026, 4, 20), "epoch,hf,openrouter", 2, "deepseek", "CN", True)
    assert _one(db, "SELECT origin, release_date FROM releases WHERE model_id = 'fixture-dragon-4-lite'") == (
        "hf", date(2026, 5, 6))
    # a closed model only OpenRouter lists: its `created` day, the author's org and country, openness unknown
    assert _one(db, "SELECT origin, release_date, organization, country, open_weights, source_url FROM releases "
                    "WHERE model_id = 'fixture-sonnet-5'") == (
        "openrouter", date(2026, 6, 1), "anthropic", "US", None,
        f"{srv.base}/anthropic/fixture-sonnet-5-20260601")
    # a fact without a date never outranks a dated one: Epoch's undated row loses to OpenRouter's listing date
    assert _all(db, "SELECT origin, release_date FROM v_release_facts WHERE model_id = 'claude-instant' "
                    "ORDER BY rank") == [("openrouter", date(2023, 7, 28)), ("epoch", None)]
    assert _one(db, "SELECT origin, organization, origins FROM v_releases WHERE model_id = 'claude-instant'") == (
        "openrouter", "anthropic", "epoch,openrouter")
    # the curated seed still wins over every live source
    assert _one(db, "SELECT origin, release_date FROM releases WHERE model_id = 'gpt-5'") == ("seed", date(2025, 8, 7))
    # the AI-models file brings publication date, organization, country and open weights
    assert _one(db, "SELECT release_date, organization, country, open_weights FROM releases "
                    "WHERE model_id = 'fixture-wave-2'") == (date(2026, 5, 2), "alibaba", "CN", True)
    assert not _all(db, "SELECT * FROM release_facts WHERE model_id IN ('auto', 'auto-router')")  # a router
    # live scores, not the bundled snapshot
    assert _one(db, "SELECT value, source_url FROM scores WHERE model_id = 'fixture-dragon-4' AND metric = 'eci'"
                ) == (152.5, srv.base + ECI_PATH)
    assert not _all(db, "SELECT * FROM snapshots WHERE url LIKE '%IAPS-AI%'")
    # the polite client: fetch_log rows, robots.txt for Epoch's pages, validators kept for conditional GET
    assert _one(db, "SELECT count(*), bool_and(ok) FROM fetch_log WHERE source = 'sync-releases' "
                    "AND url NOT LIKE '%/robots.txt'") == (4, True)
    assert srv.hits("/robots.txt") == 1  # Epoch's files are pages: robots.txt is asked; the two APIs are APIs
    assert _one(db, "SELECT count(*) FROM http_cache WHERE etag IS NOT NULL AND url LIKE ?", [srv.base + "%"])[0] == 4
    ua = next(r.headers["user-agent"] for r in srv.requests if r.path == ECI_PATH)
    assert ua.startswith("claimwatch/")


def test_second_sync_is_conditional_and_keeps_the_stored_copy(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_env(monkeypatch, srv.base)
    db = tmp_path / "w.duckdb"
    assert run_releases_sync(db, allow_private=True)[1] == EXIT_REACHED
    snaps = _one(db, "SELECT count(*) FROM snapshots")[0]
    bodies = srv.bodies_served()
    text, code = run_releases_sync(db, allow_private=True)
    assert code == EXIT_REACHED, text
    assert text.count("not-modified") == 4
    eci = [r for r in srv.requests if r.path == ECI_PATH]
    assert "if-none-match" not in eci[0].headers and eci[1].headers["if-none-match"]
    assert srv.bodies_served() == bodies + 1  # 304s only, and robots.txt (its cache lives for one run)
    assert _one(db, "SELECT count(*) FROM snapshots")[0] == snaps
    assert _one(db, "SELECT count(*) FROM fetch_log WHERE source = 'sync-releases' AND not_modified")[0] == 4
    assert _one(db, "SELECT origin FROM releases WHERE model_id = 'fixture-sonnet-5'") == ("openrouter",)


def test_server_error_falls_back_to_the_bundled_snapshot_and_says_so(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    live_env(monkeypatch, srv.base)
    srv.route(ECI_PATH, lambda req: Reply(500, {"content-type": "text/plain"}, b"upstream error"))
    db = tmp_path / "w.duckdb"
    with caplog.at_level(logging.WARNING, logger="stages.outcomes"):
        text, code = run_releases_sync(db, allow_private=True)
    assert code == EXIT_PARTIAL, text
    assert "FALLBACK: loaded the bundled ECI snapshot" in text and "HTTP 500" in text
    assert any("not reached" in r.getMessage() and "bundled" in r.getMessage() for r in caplog.records)
    assert srv.hits(ECI_PATH) == 2  # one retry of a transient 5xx, then the fallback
    reason = _one(db, "SELECT message FROM fetch_log WHERE error_class = 'fallback' AND url = ?",
                  [srv.base + ECI_PATH])[0]
    assert "HTTP 500" in str(reason) and "bundled ECI snapshot" in str(reason)
    assert _one(db, "SELECT n_rows FROM snapshots WHERE url LIKE '%IAPS-AI%'") == (140,)
    assert _one(db, "SELECT count(*) >= 130 FROM scores WHERE metric = 'eci'") == (True,)
    assert _one(db, "SELECT origin FROM releases WHERE model_id = 'fixture-dragon-4'") == ("epoch",)  # models CSV


def test_a_stalled_source_times_out_quickly(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_env(monkeypatch, srv.base)
    srv.route(OPENROUTER_PATH, lambda req: Reply(200, {"content-type": "application/json"}, b"{}", delay=3.0))
    db = tmp_path / "w.duckdb"
    started = time.monotonic()
    text, code = run_releases_sync(db, allow_private=True)
    assert time.monotonic() - started < 6.0
    assert code == EXIT_PARTIAL
    assert "timeout" in text.lower() and "FALLBACK: no stored copy" in text
    assert not _all(db, "SELECT * FROM release_facts WHERE origin = 'openrouter'")


def test_a_body_that_is_not_the_expected_data_counts_as_not_reached(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_env(monkeypatch, srv.base)
    srv.static(ECI_PATH, "<html><body>Just a moment...</body></html>", "text/html")
    db = tmp_path / "w.duckdb"
    text, code = run_releases_sync(db, allow_private=True)
    assert code == EXIT_PARTIAL and "not an Epoch CSV" in text and "bundled ECI snapshot" in text
    # its validators are not kept: the next sync downloads it again instead of getting a 304 for a broken body
    assert not _all(db, "SELECT * FROM http_cache WHERE url = ?", [srv.base + ECI_PATH])


def test_an_unreachable_source_keeps_its_last_stored_copy(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    live_env(monkeypatch, srv.base)
    db = tmp_path / "w.duckdb"
    assert run_releases_sync(db, allow_private=True)[1] == EXIT_REACHED
    srv.route(ECI_PATH, lambda req: Reply(503, {"content-type": "text/plain"}, b"down"))
    text, code = run_releases_sync(db, allow_private=True)
    assert code == EXIT_PARTIAL and "FALLBACK: kept the copy stored" in text
    assert not _all(db, "SELECT * FROM snapshots WHERE url LIKE '%IAPS-AI%'")  # no bundled data mixed in
    assert _one(db, "SELECT value FROM scores WHERE model_id = 'fixture-dragon-4' AND metric = 'eci'") == (152.5,)


def test_offline_cli_falls_back_with_exit_status_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Connection refused everywhere: the CLI says so, loads the bundled snapshot, and exits 4, quickly."""
    from claimwatch.cli import app

    live_env(monkeypatch, f"http://127.0.0.1:{_closed_port()}")
    db = tmp_path / "w.duckdb"
    started = time.monotonic()
    result = CliRunner().invoke(app, ["releases", "sync", "--db", str(db), "--allow-private"])
    assert time.monotonic() - started < 10.0
    assert result.exit_code == EXIT_OFFLINE, result.output
    assert "0 of 4 live sources reached" in result.output
    assert result.output.count("FALLBACK:") == 4 and "bundled ECI snapshot" in result.output
    assert _one(db, "SELECT count(*) FROM fetch_log WHERE error_class = 'fallback'")[0] == 4
    assert _one(db, "SELECT count(*) >= 130 FROM scores WHERE metric = 'eci'") == (True,)
    # --offline asks for nothing, so nothing can be missed: exit 0 with the bundled snapshot
    result = CliRunner().invoke(app, ["releases", "sync", "--db", str(db), "--offline"])
    assert result.exit_code == EXIT_REACHED, result.output
    assert "offline" in result.output


def test_cli_flags_override_the_settings_urls(
    srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from claimwatch.cli import app

    live_env(monkeypatch, f"http://127.0.0.1:{_closed_port()}")  # settings point nowhere
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(app, [
        "releases", "sync", "--db", str(db), "--offline", "--allow-private", "--eci-url", srv.url(ECI_PATH),
        "--openrouter-url", srv.url(OPENROUTER_PATH)])
    assert result.exit_code == EXIT_REACHED, result.output
    assert "2 of 2 live sources reached" in result.output
    assert _one(db, "SELECT origin FROM releases WHERE model_id = 'fixture-sonnet-5'") == ("openrouter",)


def test_flow_task_syncs_live_sources(srv: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync-releases flow's task (the scheduled path) reads the same settings: live by default, and a source
    it cannot reach (here the SSRF guard refuses loopback: the flow has no allow_private) falls back, not fails."""
    from flows.pipeline import sync_task

    live_env(monkeypatch, srv.base)
    db = tmp_path / "w.duckdb"
    counts = sync_task.fn(str(db), None, None, None)
    # without allow_private the SSRF guard refuses loopback: nothing reached, bundled fallback, no exception
    assert counts["reached"] is False and counts["bundled"] is True and counts["n_requested"] == 4


def test_migration_keeps_releases_loaded_before_it_as_facts(tmp_path: Path) -> None:
    con = open_db(tmp_path / "w.duckdb")
    migrate(con)
    con.execute("DROP VIEW v_releases")
    con.execute("DROP VIEW v_release_facts")
    con.execute("DROP TABLE release_facts")
    con.execute("DELETE FROM schema_migrations WHERE version = 8")
    con.execute("INSERT INTO releases (model_id, display_name, release_date, source_url, origin, updated_at) VALUES "
                "('old-model', 'Old Model', DATE '2024-01-02', 'https://example.org/old', 'epoch', now())")
    migrate(con)
    assert con.execute("SELECT origin, fetched_from, release_date FROM release_facts").fetchall() == [
        ("epoch", "https://example.org/old", date(2024, 1, 2))]
    assert con.execute("SELECT origin FROM v_releases WHERE model_id = 'old-model'").fetchall() == [("epoch",)]
    con.close()


def test_parse_openrouter_list() -> None:
    body = (RELEASES / "openrouter_models.json").read_bytes()
    rows, seen = parse_openrouter_models(body)
    assert seen == 8
    by = {r["model_id"]: r for r in rows}
    assert set(by) == {"gpt-5", "fixture-frontier-6", "fixture-dragon-4", "fixture-dragon-4-lite", "fixture-sonnet-5",
                       "claude-instant"}
    assert by["fixture-dragon-4"]["release_date"] == date(2026, 4, 20)  # the earlier of the two variants
    assert by["fixture-dragon-4"]["open_weights"] is True and by["fixture-dragon-4"]["country"] == "CN"
    assert by["gpt-5"]["display_name"] == "GPT-5" and by["gpt-5"]["open_weights"] is None
    assert by["gpt-5"]["source_url"] == "https://openrouter.ai/openai/gpt-5-2025-08-07"
    assert parse_openrouter_models(b"<html>busy</html>") == ([], 0)
    assert parse_openrouter_models(json.dumps({"error": "x"})) == ([], 0)
    assert parse_openrouter_models(json.dumps({"data": [{"id": "x/y", "created": "soon"}, 3]})) == ([], 2)


def test_only_the_newest_large_body_of_a_source_is_kept(tmp_path: Path) -> None:
    """A daily multi-MB list would grow the warehouse by GBs a year: older large bodies are dropped, rows stay."""
    from warehouse.outcomes.releases import KEEP_OLD_BODY_BYTES, Fetched, store_snapshot

    con = open_db(tmp_path / "w.duckdb")
    migrate(con)
    url = "https://example.org/data/all_ai_models.csv"
    big = b"x" * (KEEP_OLD_BODY_BYTES + 1)
    first = store_snapshot(con, Fetched(url=url, body=big + b"1"), "epoch-models", 1)
    second = store_snapshot(con, Fetched(url=url, body=big + b"2"), "epoch-models", 1)
    small = store_snapshot(con, Fetched(url=url + "?small", body=b"a"), "epoch-models", 1)
    store_snapshot(con, Fetched(url=url + "?small", body=b"b"), "epoch-models", 1)
    rows = dict(con.execute("SELECT snapshot_id, body IS NULL FROM snapshots").fetchall())
    assert rows[first] is True and rows[second] is False and rows[small] is False
    assert con.execute("SELECT count(*) FROM snapshots WHERE sha256 IS NOT NULL").fetchall()[0][0] == 4
    con.close()
