"""End to end on the bundled corpus: the `pipeline` flow on Prefect's test API, a loopback server, a DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from claimwatch.demo import EXAMPLES_DIR, serve_corpus, write_sources
from warehouse import reader

EXPECTED = json.loads((EXAMPLES_DIR / "expected_claims.json").read_text())
NO_CLAIMS = json.loads((EXAMPLES_DIR / "expected_no_claims.json").read_text())
TABLES = ("raw_items", "documents", "mentions", "claims")


def _counts(db: Path) -> dict[str, int]:
    with reader(db) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, prefect_api):
    """Serve the corpus, run the `pipeline` flow twice into one warehouse; yield what each run saw."""
    from flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("demo")
    db = tmp / "w.duckdb"
    with serve_corpus(port=None) as base, pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLAIMWATCH_PER_HOST_INTERVAL", "0")
        src = write_sources(base, tmp / "sources.toml")
        first = pipeline(sources=str(src), db=str(db))
        after_first = _counts(db)
        second = pipeline(sources=str(src), db=str(db))
        after_second = _counts(db)
    return {"db": db, "first": first, "second": second, "after_first": after_first, "after_second": after_second}


def _stored_claims(db: Path) -> list[dict]:
    with reader(db) as con:
        cur = con.execute("SELECT * FROM v_claims")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


@pytest.mark.parametrize("exp", EXPECTED, ids=lambda e: f"{e['path'].rsplit('/', 1)[-1]}:{e['sentence_contains'][:30]}")
def test_expected_claim_is_stored(demo_run, exp):
    claims = [c for c in _stored_claims(demo_run["db"])
              if urlparse(c["url"]).path == exp["path"] and exp["sentence_contains"] in c["sentence"]
              and c["kind"] == exp["kind"]]
    if exp["kind"] == "gap" and exp.get("timeframe"):
        claims = [c for c in claims if c["timeframe"] == exp["timeframe"]]
    assert len(claims) == 1, f"expected one {exp['kind']} claim for {exp['sentence_contains']!r}, got {claims}"
    c = claims[0]
    assert c["direction"] == exp["direction"]
    assert c["months_low"] == exp["months_low"]
    assert c["months_high"] == exp["months_high"]
    if exp.get("reference_model"):
        assert exp["reference_model"] in (c["models"] or []) + (c["target_models"] or [])
    if exp.get("deadline_end"):
        assert str(c["deadline_end"]) == exp["deadline_end"]
    for flag in exp.get("flags", []):
        assert flag in c["flags"]
    assert c["sentence"] and c["url"].startswith("http://127.0.0.1:")


def test_no_claims_anywhere_else(demo_run):
    stored = _stored_claims(demo_run["db"])
    assert len(stored) == len(EXPECTED), [(c["url"], c["sentence"]) for c in stored]
    quiet = {e["path"] for e in NO_CLAIMS}
    assert not [c for c in stored if urlparse(c["url"]).path in quiet]


def test_second_run_adds_nothing_and_downloads_nothing(demo_run):
    assert demo_run["after_first"] == demo_run["after_second"]
    assert demo_run["after_first"]["claims"] == len(EXPECTED)
    with reader(demo_run["db"]) as con:
        run2 = demo_run["second"]["run_id"]
        bodies = con.execute(
            "SELECT count(*) FROM fetch_log WHERE run_id = ? AND ok AND NOT not_modified AND bytes > 0 "
            "AND url NOT LIKE '%robots.txt'", [run2]).fetchall()[0][0]
    assert bodies == 0


def test_fetch_errors_are_recorded_and_the_run_completes(demo_run):
    with reader(demo_run["db"]) as con:
        errors = con.execute(
            "SELECT source, url, status, error_class FROM fetch_log WHERE run_id = ? AND NOT ok",
            [demo_run["first"]["run_id"]]).fetchall()
        runs = con.execute("SELECT status FROM runs").fetchall()
    assert any(status == 500 for _, _, status, _ in errors), errors
    assert any(source == "broken-wire" for source, _, _, _ in errors), errors
    assert runs and all(r[0] == "completed" for r in runs)


def test_syndicated_copy_is_one_document(demo_run):
    with reader(demo_run["db"]) as con:
        rows = con.execute(
            "SELECT url, duplicate_of FROM documents WHERE url LIKE '%us-lead-over-china-months%'").fetchall()
    # the syndicated copy either collapses into the original's doc_id or points at it
    originals = [r for r in rows if r[1] is None]
    assert len(originals) == 1
