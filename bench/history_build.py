"""A synthetic year in the warehouse: documents, raw items, mentions, claims and outcomes, built with bulk Arrow loads.

Rows are shaped like the pipeline's (same tables, same key formats, realistic sizes: an HTML body of ~6 KB and a
parsed text of ~2.5 KB per article, the proportions of the bench corpus), generated a chunk at a time with
pyarrow compute from a pool of paragraphs, so building a million documents needs neither a crawl nor spaCy.
"""

from __future__ import annotations

import hashlib
import logging
import random
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from extractors.claims import EXTRACTOR_VERSION
from warehouse import writer

log = logging.getLogger(__name__)

CHUNK = 50_000
# The running extractor's version: the history counts as extracted, so a run re-extracts only its new articles.
VERSION = EXTRACTOR_VERSION
_WORDS = ("model", "open", "weights", "frontier", "benchmark", "months", "behind", "ahead", "China", "lab",
          "release", "analysts", "score", "gap", "reasoning", "agents", "compute", "chips", "policy", "GPT-5",
          "Claude", "DeepSeek", "Qwen", "Kimi", "Gemini", "evaluation", "leaderboard", "training", "data", "the")
START = datetime(2025, 1, 1)


def _pool(n: int, words: int, seed: int) -> pa.Array:
    rng = random.Random(seed)
    return pa.array([" ".join(rng.choice(_WORDS) for _ in range(words)) + "." for _ in range(n)])


PARAS = _pool(4096, 70, 1)  # ~500 bytes each


def _pick(ids: pa.Array, k: int, salt: int) -> pa.Array:
    """Pick a pseudo-random paragraph of the pool per row."""
    idx = pc.bit_wise_and(pc.add(pc.multiply(ids, 2654435761 + 97 * k + salt), salt * 7919), 4095)
    return PARAS.take(idx)


def _text(ids: pa.Array, n_paras: int, salt: int) -> pa.Array:
    parts = [_pick(ids, k, salt) for k in range(n_paras)]
    return pc.binary_join_element_wise(*parts, "\n")


def _hexid(prefix: str, ids: pa.Array) -> pa.Array:
    """Deterministic 64-hex-character ids (the length of the pipeline's sha256 keys)."""
    return pa.array([hashlib.sha256(f"{prefix}{i}".encode()).hexdigest() for i in ids.to_pylist()])


def _times(ids: pa.Array, n_total: int) -> pa.Array:
    span = 365 * 86_400 * 1_000_000
    us = pc.divide(pc.multiply(pc.cast(ids, pa.int64()), span), max(n_total, 1))
    return pc.cast(pc.add(us, int(START.timestamp() * 1_000_000)), pa.timestamp("us"))


def documents_chunk(lo: int, hi: int, n_total: int, version: str = VERSION) -> dict[str, pa.Table]:
    """One chunk of the synthetic year: the rows of every big table for documents lo..hi-1, extracted by `version`."""
    ids = pa.array(range(lo, hi), pa.int64())
    n = hi - lo
    doc_id, item_id = _hexid("d", ids), _hexid("r", ids)
    url = pc.binary_join_element_wise("https://news", pc.cast(pc.bit_wise_and(ids, 255), pa.string()),
                                      ".example/a/", pc.cast(ids, pa.string()), ".html", "")
    when = _times(ids, n_total)
    text = _text(ids, 5, 0)
    head = pa.array(["<!DOCTYPE html><html><head><title>Story</title><meta name='x'></head><body><nav>Home AI"
                     " Subscribe</nav><main><article><p>"] * n)
    body = pc.cast(pc.binary_join_element_wise(head, text, _text(ids, 7, 3), "</p></article></main></body></html>",
                                               "</p><p>"), pa.binary())
    sha = _hexid("s", ids)
    source = pc.binary_join_element_wise("feed-", pc.cast(pc.bit_wise_and(ids, 255), pa.string()), "")
    raw = pa.table({"item_id": item_id, "source": source, "source_type": pa.array(["rss"] * n),
                    "kind": pa.array(["article"] * n), "url": url, "final_url": url, "fetched_at": when,
                    "status": pa.array([200] * n, pa.int32()), "content_type": pa.array(["text/html"] * n),
                    "encoding": pa.array(["utf-8"] * n), "sha256": sha, "body": body})
    docs = pa.table({"doc_id": doc_id, "url": url, "canonical_url": url, "source": source,
                     "kind": pa.array(["article"] * n), "title": pc.binary_join_element_wise(
                         "Story ", pc.cast(ids, pa.string()), ""), "published_at": when, "text": text,
                     "lang": pa.array(["en"] * n), "content_sha256": _hexid("c", ids), "raw_item_id": item_id,
                     "parsed_at": when, "published_source": pa.array(["meta"] * n),
                     "published_precision": pa.array(["day"] * n)})
    parsed = pa.table({"item_id": item_id, "url": url, "doc_id": doc_id, "status": pa.array(["document"] * n),
                       "parsed_at": when})
    extr = pa.table({"doc_id": doc_id, "extractor_version": pa.array([version] * n), "extracted_at": when,
                     "n_mentions": pa.array([4] * n, pa.int32()), "n_claims": pa.array([1] * n, pa.int32())})
    log_rows = pa.table({"run_id": pa.array(["bench-history"] * n), "source": source, "url": url,
                         "started_at": when, "duration_ms": pa.array([120.0] * n), "status": pa.array([200] * n,
                         pa.int32()), "ok": pa.array([True] * n), "bytes": pc.binary_length(body)})
    cache = pa.table({"url": url, "etag": sha, "sha256": sha, "status": pa.array([200] * n, pa.int32()),
                      "checked_at": when})
    return {"raw_items": raw, "documents": docs, "parsed_items": parsed, "extractions": extr,
            "fetch_log": log_rows, "http_cache": cache, **_claim_rows(ids, doc_id, when, text, version)}


def _claim_rows(ids: pa.Array, doc_id: pa.Array, when: pa.Array, text: pa.Array, version: str
                ) -> dict[str, pa.Table]:
    """Four mentions, one claim and one outcome per document."""
    n = len(ids)
    day = pc.cast(when, pa.date32())
    sentence = pc.utf8_slice_codeunits(text, 0, 180)
    claim_id = _hexid("k", ids)
    mention_parts = []
    for k, (label, canon) in enumerate((("MODEL", "gpt-5"), ("MODEL", "deepseek-v3"), ("ORG", None),
                                        ("DATE", None))):
        mention_parts.append(pa.table({
            "mention_id": _hexid(f"m{k}", ids), "doc_id": doc_id, "extractor_version": pa.array([version] * n),
            "label": pa.array([label] * n), "text": pa.array([canon or "OpenAI"] * n),
            "canonical_id": pa.array([canon] * n, pa.string()), "start_char": pa.array([10 * k] * n, pa.int32()),
            "end_char": pa.array([10 * k + 5] * n, pa.int32()), "attrs": pa.array(["{}"] * n)}))
    claims = pa.table({
        "claim_id": claim_id, "doc_id": doc_id, "extractor_version": pa.array([version] * n),
        "kind": pa.array(["gap"] * n), "direction": pa.array(["behind"] * n),
        "months_low": pc.cast(pc.add(pc.bit_wise_and(ids, 7), 1), pa.float64()),
        "subject": pa.array(["Chinese open models"] * n),
        "subject_group": pa.array(['{"country": "CN", "openness": "open"}'] * n),
        "reference": pa.array(["Claude Sonnet 4.5"] * n), "reference_group": pa.array(['{"country": "US"}'] * n),
        "models": pa.array([["claude-sonnet-4.5"]] * n, pa.list_(pa.string())),
        "target_models": pa.array([[]] * n, pa.list_(pa.string())), "timeframe": pa.array(["current"] * n),
        "hedged": pa.array([False] * n), "confidence": pa.array([0.9] * n),
        "flags": pa.array([[]] * n, pa.list_(pa.string())), "sentence": sentence,
        "start_char": pa.array([0] * n, pa.int32()), "end_char": pa.array([180] * n, pa.int32()),
        "published_at": day})
    outcomes = pa.table({"claim_id": claim_id, "as_of": day, "verdict": pa.array(["pending"] * n),
                         "method": pa.array(["bench"] * n), "computed_at": when, "reason": pa.array(["measured"] * n)})
    return {"mentions": pa.concat_tables(mention_parts), "claims": claims, "outcomes": outcomes}


def build(db: Path, n_docs: int, chunk: int = CHUNK, version: str = VERSION) -> dict[str, float]:
    """Build (or extend) a warehouse holding `n_docs` synthetic documents; return rows per table and file bytes.

    The history counts as extracted by `version` (the running extractor's by default: a run finds nothing to
    re-extract; an older one makes every document stale, as after a version bump).
    """
    t0 = datetime.now()
    for lo in range(0, n_docs, chunk):
        hi = min(n_docs, lo + chunk)
        tables = documents_chunk(lo, hi, n_docs, version)
        with writer(db, snapshot=False) as con:
            for name, table in tables.items():
                con.register("_bench_chunk", table)
                con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _bench_chunk")  # noqa: S608 - our names
                con.unregister("_bench_chunk")
        log.info("history build: %d / %d documents (%s)", hi, n_docs, datetime.now() - t0)
    return {"documents": n_docs, "file_bytes": db.stat().st_size,
            "build_seconds": (datetime.now() - t0) / timedelta(seconds=1)}
