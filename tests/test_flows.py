"""Flows: tasks through .fn(), one Prefect smoke run on the ephemeral API, re-extraction, Dask fan-out."""

from __future__ import annotations

from pathlib import Path

import pytest

import stages
from claimwatch.demo import serve_corpus, write_sources
from claimwatch.settings import load_settings
from warehouse import reader


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """A warehouse with the demo corpus ingested and parsed (not extracted), the server gone afterwards."""
    tmp = tmp_path_factory.mktemp("flows")
    db = tmp / "w.duckdb"
    from flows.pipeline import fetch_sources, load_raw, parse

    with serve_corpus(port=None) as base:
        src = write_sources(base, tmp / "sources.toml")
        result = fetch_sources.fn(str(src), str(db), stages.new_run_id())
        fetched = load_raw.fn(str(db), result)
    parsed = parse.fn(str(db))
    return {"db": db, "tmp": tmp, "fetched": fetched, "parsed": parsed, "sources": src}


def _claims(db: Path) -> list[tuple]:
    with reader(db) as con:
        return con.execute("SELECT extractor_version, count(*) FROM claims GROUP BY ALL ORDER BY 1").fetchall()


def test_tasks_through_fn(ingested):
    assert ingested["fetched"]["raw_items"] > 0
    assert ingested["parsed"]["documents_new"] >= 10


def test_reextraction_without_network(ingested, monkeypatch):
    """Extraction works from stored documents only: the corpus server is already stopped."""
    import extractors.claims as ec

    db = ingested["db"]
    first = stages.extract_stage(db)
    assert first["claims"] > 0
    again = stages.extract_stage(db)
    assert again["documents_extracted"] == 0  # current version: nothing to redo
    monkeypatch.setattr(ec, "EXTRACTOR_VERSION", ec.EXTRACTOR_VERSION + "-test")
    redo = stages.extract_stage(db)
    assert redo["documents_extracted"] == first["documents_extracted"]
    versions = _claims(db)
    assert versions == [(ec.EXTRACTOR_VERSION, first["claims"])]


@pytest.fixture(scope="module")
def harness():
    """One Prefect test server for the module (each start costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_extract_flow_fans_out_over_dask(ingested, harness, monkeypatch):
    """The same extract flow on a local Dask cluster (two worker processes) gives the same claims."""
    import extractors.claims as ec
    from flows.pipeline import extract_flow

    monkeypatch.setenv("CLAIMWATCH_TASK_RUNNER", "dask")
    monkeypatch.setenv("CLAIMWATCH_EXTRACT_BATCH_SIZE", "3")
    monkeypatch.setattr(ec, "EXTRACTOR_VERSION", ec.EXTRACTOR_VERSION + "-dask")
    counts = extract_flow(db=str(ingested["db"]), force=True)
    assert counts["documents_extracted"] >= 10
    assert counts["claims"] > 0


def test_extract_flow_passes_references_not_texts(tmp_path, harness, monkeypatch):
    """The extract flow on texts over the API's 512 KB parameter limit: slices cross it as ids, never as texts."""
    from datetime import datetime

    from flows.pipeline import extract_flow
    from schemas import Document

    db = tmp_path / "w.duckdb"
    claim = "Chinese open-weight models are about five months behind Claude Sonnet 4.5, analysts said. "
    filler = "Other researchers disagreed about which benchmark and which month the gap was measured on. " * 320
    docs = [Document(url=f"https://news.example/{k}", canonical_url=f"https://news.example/{k}", source="feed",
                     text=f"Story {k}. {claim}{filler}", published_at=datetime(2026, 1, 5)) for k in range(22)]
    assert sum(len(d.text.encode()) for d in docs) > 600_000
    stages.load_parsed(db, stages.ParseOutcome(documents=docs))
    monkeypatch.setenv("CLAIMWATCH_EXTRACT_WORKER", "false")
    monkeypatch.setenv("CLAIMWATCH_EXTRACT_BATCH_SIZE", "50")  # one batch of every text: a task argument > 512 KB
    counts = extract_flow(db=str(db))
    assert counts["documents_extracted"] == len(docs)
    assert counts["claims"] >= len(docs)


def test_pipeline_flow_smoke(tmp_path, harness):
    """The whole `pipeline` flow on Prefect's local API: completes and stores claims."""
    from flows.pipeline import pipeline

    db = tmp_path / "w.duckdb"
    with serve_corpus(port=None) as base:
        src = write_sources(base, tmp_path / "sources.toml")
        counts = pipeline(sources=str(src), db=str(db))
    assert counts["extract"]["claims"] > 0
    assert "broken-wire" in counts["failed_sources"]
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchall()[0][0] == 1


def test_settings_select_task_runner(monkeypatch):
    from flows.pipeline import _task_runner

    assert _task_runner(load_settings()) is None
    monkeypatch.setenv("CLAIMWATCH_TASK_RUNNER", "dask")
    runner = _task_runner(load_settings())
    assert type(runner).__name__ == "DaskTaskRunner"


def test_extract_batch_is_cached_by_content_and_version(harness):
    """A batch with the same texts and extractor version is read back from the result cache."""
    from prefect import flow

    from flows.pipeline import extract_batch

    batch = [stages.DocText("d1", "Chinese open-source models are about five months behind Claude Sonnet 4.5.",
                            None)]

    @flow
    def twice() -> tuple[str, str]:
        first = extract_batch(batch, return_state=True)
        second = extract_batch(batch, return_state=True)
        return first.name, second.name

    assert twice() == ("Completed", "Cached")
