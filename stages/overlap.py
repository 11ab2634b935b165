"""Parse and extract overlapped: a second process extracts one slice while this one parses the next.

The loads are those of the parse and extract stages, slice by slice; only the waiting is gone. The `pipeline`
flow uses this on its default path (thread task runner, extraction worker on).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stages.common import CHUNK_SIZE
from stages.extract import (
    DocText,
    document_texts,
    extract_slice,
    extractor_version,
    load_extractions,
    pending_document_ids,
)
from stages.parse import load_parsed, parse_items, read_pending

log = logging.getLogger(__name__)


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: exit when the parent is gone (a SIGKILLed run must not leave its worker behind)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _warm_up() -> None:
    """Load the extractor's spaCy pipeline in the worker while the main process is still fetching."""
    from extractors.claims import get_nlp

    get_nlp()


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    done: Future[Any] = Future()
    try:
        done.set_result(fn(*args))
    except Exception as exc:  # delivered to the caller through .result(), like a pool future
        done.set_exception(exc)
    return done


def parse_and_extract_stage(db: str | Path, batch_size: int = 200, pool: Executor | None = None) -> dict[str, Any]:
    """Parse pending raw items and extract pending documents, one slice at a time; with a pool, overlapped.

    Each parsed slice is loaded, then its new documents go to `pool` (a one-process executor) for extraction
    while the next slice is parsed here; a slice's claims are loaded once the next slice is queued, so at most
    two slices are in flight. Without a pool (or if the worker dies) extraction runs inline.
    """
    version = extractor_version()
    parse_totals = {"documents_new": 0, "parse_errors": 0, "parse_skipped": 0, "duplicates": 0, "items_parsed": 0}
    extract_totals = {"documents_extracted": 0, "mentions": 0, "claims": 0, "claims_delta": 0}
    executor: list[Executor | None] = [pool]
    in_flight: tuple[list[DocText], Future[Any]] | None = None
    handed: set[str] = set()
    seen: set[str] = set()

    def submit(docs: list[DocText]) -> Future[Any]:
        if executor[0] is not None:
            try:
                return executor[0].submit(extract_slice, docs, batch_size)
            except BrokenProcessPool:
                log.warning("extraction worker died; extracting in this process")
                executor[0] = None
        return _run_now(extract_slice, docs, batch_size)

    def collect() -> None:
        nonlocal in_flight
        if in_flight is None:
            return
        docs, fut = in_flight
        in_flight = None
        try:
            mentions, claims = fut.result()
        except BrokenProcessPool:
            log.warning("extraction worker died; extracting in this process")
            executor[0] = None
            mentions, claims = extract_slice(docs, batch_size)
        counts = load_extractions(db, [d.doc_id for d in docs], version, mentions, claims)
        for key, value in counts.items():
            extract_totals[key] += value

    def hand_over() -> None:
        nonlocal in_flight
        ids = [i for i in pending_document_ids(db, version) if i not in handed]
        for start in range(0, len(ids), CHUNK_SIZE):
            docs = document_texts(db, ids[start : start + CHUNK_SIZE])
            handed.update(d.doc_id for d in docs)
            if executor[0] is None:  # inline: extract and load now, one slice's results in memory at a time
                collect()
                in_flight = (docs, submit(docs))
                collect()
                continue
            # Queue the next slice before loading the previous one's claims, so the worker never waits on a load.
            queued = (docs, submit(docs))
            collect()
            in_flight = queued

    parsing = True
    while parsing:
        # A small first slice gets the worker extracting sooner; later slices are full size.
        size = CHUNK_SIZE if seen or executor[0] is None else max(1, CHUNK_SIZE // 4)
        items = [i for i in read_pending(db, size) if i.item_id not in seen]
        parsing = bool(items)
        if items:
            seen.update(i.item_id for i in items)
            parse_totals["items_parsed"] += len(items)
            outcome = parse_items(items)
            del items
            for key, value in load_parsed(db, outcome).items():
                parse_totals[key] += value
        hand_over()
    collect()
    return {"parse": parse_totals, "extract": extract_totals}


@contextmanager
def extraction_worker(enabled: bool = True) -> Iterator[Executor | None]:
    """A one-process pool for extraction, warmed up at once (None when disabled).

    The worker is spawned (a fork would inherit locks held by the caller's threads), so, as with any spawning
    multiprocessing code, the caller's main module must guard its entry point with `if __name__ == "__main__"`.
    """
    if not enabled:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))
    try:
        pool.submit(_warm_up)
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
