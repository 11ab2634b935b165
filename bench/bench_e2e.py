"""End to end: docs/s of the whole pipeline on a 5,000-article loopback corpus ÷ docs/s of its slowest stage alone.

The corpus is bench_ingest's (5,000 newsroom-style articles in 10 RSS feeds, served from a child process on
127.0.0.1). In one run this measures:

- each necessary stage alone, on in-memory data, with no warehouse: fetch (`sources.ingest.ingest`), parse
  (`stages.parse_items` over the fetched items) and extract (`stages.extract_batch` over the parsed documents,
  in batches of `extract_batch_size`);
- the whole pipeline, `stages.run_all` without outcomes, into a fresh DuckDB file: fetch, load, parse,
  load, extract, load, each stage reading its input back from the warehouse.

ratio = end-to-end docs/s ÷ docs/s of the slowest of the three stages (goal ≥ 0.7): how much of the time
goes to what the pipeline adds around its unavoidable bottleneck (loads, reads, the other stages). The
spaCy pipeline is loaded before either measurement, so neither pays for it.

`ratio` is for `run_all` as shipped, which is what the `pipeline` flow and `claimwatch run` do by default
(`extract_worker = true`): extraction in a second process overlapping the parsing of the next slice.
`ratio_single_process` is the same run with the worker off (parse and extract take turns).
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_ingest import bench_settings, serve_corpus_process
from claimwatch import stages
from sources.ingest import IngestState, ingest

log = logging.getLogger(__name__)


def write_sources(feeds: list[str], per_feed: int, path: Path) -> Path:
    """Write a sources file with one rss source per corpus feed (loopback allowed)."""
    lines = []
    for k, url in enumerate(feeds):
        lines += ["[[source]]", f'name = "bench-{k}"', 'type = "rss"', f'url = "{url}"', "allow_private = true",
                  f"max_items = {per_feed}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run(n_articles: int = 5000, per_feed: int = 500) -> dict[str, Any]:
    """Measure fetch, parse and extract alone, then the whole pipeline; return the ratio and the figures."""
    from extractors.claims import get_nlp

    get_nlp()  # load spaCy once, outside every timed section
    settings = bench_settings()
    with serve_corpus_process(n_articles, per_feed) as corpus, tempfile.TemporaryDirectory() as tmp:
        sources = corpus.sources()
        t0 = time.perf_counter()
        fetched = ingest(sources, IngestState(), settings, "bench-fetch")
        fetch_s = time.perf_counter() - t0
        articles = [i for i in fetched.items if i.kind in stages.PARSEABLE_KINDS]

        t0 = time.perf_counter()
        parsed = stages.parse_items(articles)
        parse_s = time.perf_counter() - t0
        docs = [stages.DocText(d.doc_id, d.text, d.published_at.date() if d.published_at else None)
                for d in parsed.documents]
        del fetched, articles

        t0 = time.perf_counter()
        n_claims = 0
        for batch in stages.batched(docs, settings.extract_batch_size):
            _m, c = stages.extract_batch(batch)
            n_claims += len(c)
        extract_s = time.perf_counter() - t0
        n_docs = len(docs)
        del parsed, docs

        src_file = write_sources(corpus.feeds, per_feed, Path(tmp) / "sources.toml")
        t0 = time.perf_counter()
        counts = stages.run_all(src_file, Path(tmp) / "e2e.duckdb", settings, outcomes=False, worker=True)
        e2e_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        counts_w = stages.run_all(src_file, Path(tmp) / "e2e-single.duckdb", settings, outcomes=False, worker=False)
        worker_s = time.perf_counter() - t0
    e2e_docs = counts["parse"]["documents_new"]
    stage_rates = {"fetch": n_docs / fetch_s, "parse": n_docs / parse_s, "extract": n_docs / extract_s}
    slowest = min(stage_rates, key=lambda k: stage_rates[k])
    e2e_rate = e2e_docs / e2e_s
    result: dict[str, Any] = {
        "ratio": round(e2e_rate / stage_rates[slowest], 3),
        "goal": ">= 0.7",
        "articles": n_articles,
        "e2e_docs": e2e_docs,
        "e2e_seconds": round(e2e_s, 1),
        "e2e_docs_per_s": round(e2e_rate, 1),
        "ratio_single_process": round(counts_w["parse"]["documents_new"] / worker_s / stage_rates[slowest], 3),
        "e2e_single_process_seconds": round(worker_s, 1),
        "slowest_stage": slowest,
        "stage_docs_per_s": {k: round(v, 1) for k, v in stage_rates.items()},
        "stage_seconds": {"fetch": round(fetch_s, 1), "parse": round(parse_s, 1), "extract": round(extract_s, 1)},
        "claims_stage_alone": n_claims,
        "claims_e2e": counts["extract"]["claims"],
        "claims_e2e_single_process": counts_w["extract"]["claims"],
    }
    log.info("bench_e2e: %s", result)
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    log.warning("%s", json.dumps(run(), indent=2))
