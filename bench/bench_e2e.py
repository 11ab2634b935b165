"""End to end: docs/s of the whole pipeline on a loopback corpus ÷ docs/s of its slowest stage alone.

The corpus is bench_ingest's (5,000 newsroom-style articles in 10 RSS feeds by default, 50,000 in 100 feeds for
bench_e2e_50k, served from a child process on 127.0.0.1). In one run this measures:

- each necessary stage alone, on in-memory data, with no warehouse: fetch (`sources.ingest.ingest`), parse
  (`stages.parse_items` over the fetched items) and extract (`stages.extract_batch` over the parsed documents,
  in batches of `extract_batch_size`);
- the whole pipeline, the `pipeline` flow without release sync and resolve, into a fresh DuckDB file, in a
  fresh process (`bench.pipeline_run`): fetch, load, parse, load, extract, load, each stage reading its input
  back from the warehouse.

ratio = end-to-end docs/s ÷ docs/s of the slowest of the three stages (goal ≥ 0.7): how much of the time
goes to what the pipeline adds around its unavoidable bottleneck (loads, reads, the other stages). The
spaCy pipeline (and Prefect's ephemeral API) are started before either measurement, so neither pays for them.

`ratio` is for the `pipeline` flow as shipped, which is what `claimwatch run` does by default
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

import stages
from bench.bench_ingest import bench_settings, serve_corpus_process
from bench.pipeline_run import run_in_process
from sources.ingest import IngestState, ingest
from warehouse.documents import PARSEABLE_KINDS

log = logging.getLogger(__name__)


def write_sources(feeds: list[str], per_feed: int, path: Path) -> Path:
    """Write a sources file with one rss source per corpus feed (loopback allowed)."""
    lines = []
    for k, url in enumerate(feeds):
        lines += ["[[source]]", f'name = "bench-{k}"', 'type = "rss"', f'url = "{url}"', "allow_private = true",
                  f"max_items = {per_feed}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _single_process(sources: Path, db: Path) -> dict[str, Any]:
    """The pipeline with the extraction worker off (parse and extract take turns); its error if it fails."""
    try:
        return run_in_process(sources, db, worker=False)
    except RuntimeError as exc:
        log.warning("single-process pipeline run failed: %s", str(exc)[:300])
        return {"error": str(exc).splitlines()[0][:200]}


def _single_figures(single: dict[str, Any], slowest_rate: float) -> dict[str, Any]:
    if not single:
        return {}
    if "error" in single:
        return {"single_process_error": single["error"]}
    return {"ratio_single_process": round(single["documents"] / single["seconds"] / slowest_rate, 3),
            "e2e_single_process_seconds": round(single["seconds"], 1),
            "claims_e2e_single_process": single["claims"]}


def run(n_articles: int = 5000, per_feed: int = 500, single_process: bool = True) -> dict[str, Any]:
    """Measure fetch, parse and extract alone, then the whole pipeline; return the ratio and the figures."""
    from extractors.claims import get_nlp

    get_nlp()  # load spaCy once, outside every timed section
    settings = bench_settings()
    with serve_corpus_process(n_articles, per_feed) as corpus, tempfile.TemporaryDirectory() as tmp:
        sources = corpus.sources()
        t0 = time.perf_counter()
        fetched = ingest(sources, IngestState(), settings, "bench-fetch")
        fetch_s = time.perf_counter() - t0
        articles = [i for i in fetched.items if i.kind in PARSEABLE_KINDS]

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
        run = run_in_process(src_file, Path(tmp) / "e2e.duckdb", worker=True)
        single = _single_process(src_file, Path(tmp) / "e2e-single.duckdb") if single_process else {}
    e2e_s = run["seconds"]
    e2e_docs = run["documents"]
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
        **_single_figures(single, stage_rates[slowest]),
        "slowest_stage": slowest,
        "stage_docs_per_s": {k: round(v, 1) for k, v in stage_rates.items()},
        "stage_seconds": {"fetch": round(fetch_s, 1), "parse": round(parse_s, 1), "extract": round(extract_s, 1)},
        "claims_stage_alone": n_claims,
        "claims_e2e": run["claims"],
    }
    log.info("bench_e2e: %s", result)
    return result


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    log.warning("%s", json.dumps(run(), indent=2))
