"""Re-extraction after a version bump, killed midway and restarted: no document stored twice, none missed.

A real `extract_stage` runs in a child process over a warehouse whose documents were extracted by an older
version; it is SIGKILLed once some slices have committed, then run again to the end. The result must equal an
uninterrupted re-extraction of the same warehouse, document by document.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from stages import extract_stage, extractor_version
from warehouse import reader, writer

ROOT = Path(__file__).resolve().parents[1]
N_DOCS = 120
CHUNK = 3
_SUBJECTS = ("Chinese open-weight models", "Open models", "European labs")


def _seed(db: Path) -> None:
    with writer(db) as con:
        for i in range(N_DOCS):
            text = (f"Story {i}. {_SUBJECTS[i % 3]} are about {3 + i % 9} months behind Claude Sonnet 4.5, "
                    "according to analysts who compared release dates and benchmark scores.")
            con.execute(
                "INSERT INTO documents (doc_id, url, canonical_url, source, kind, text, content_sha256, published_at, "
                "published_source, published_precision) VALUES (?, ?, ?, 's', 'article', ?, ?, ?, 'meta', 'day')",
                [f"doc-{i:04d}", f"https://x.example/{i}", f"https://x.example/{i}", text, f"c{i}", "2026-01-15"])
            con.execute("INSERT INTO extractions VALUES (?, 'old-version', now()::TIMESTAMP, 0, 0)", [f"doc-{i:04d}"])


def _done(db: Path) -> int:
    with reader(db) as con:
        return int(con.execute("SELECT count(*) FROM extractions WHERE extractor_version = ?",
                               [extractor_version()]).fetchall()[0][0])


def _per_doc(db: Path) -> dict[str, tuple[list[str], int, int]]:
    """Per document: its claim ids, its mention count, and the claim count its extraction mark records."""
    with reader(db) as con:
        claims = dict(con.execute("SELECT doc_id, list(claim_id ORDER BY claim_id) FROM claims GROUP BY doc_id")
                      .fetchall())
        mentions = dict(con.execute("SELECT doc_id, count(*) FROM mentions GROUP BY doc_id").fetchall())
        marks = con.execute("SELECT doc_id, n_claims, extractor_version FROM extractions").fetchall()
    assert {m[2] for m in marks} == {extractor_version()}
    return {str(d): (list(claims.get(d, [])), int(mentions.get(d, 0)), int(n)) for d, n, _v in marks}


def test_killed_reextraction_resumes_without_duplicates_or_gaps(tmp_path: Path) -> None:
    db, reference = tmp_path / "claims.duckdb", tmp_path / "reference" / "claims.duckdb"
    _seed(db)
    reference.parent.mkdir()
    shutil.copyfile(db, reference)
    extract_stage(reference, batch_size=CHUNK, chunk=CHUNK)  # uninterrupted

    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; from stages import extract_stage; "
         f"extract_stage(sys.argv[1], batch_size={CHUNK}, chunk={CHUNK})", str(db)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while _done(db) < 5 * CHUNK and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    with writer(db, snapshot=False) as con:  # the warehouse itself: the snapshot may lag by the slice in hand
        partial = int(con.execute("SELECT count(*) FROM extractions WHERE extractor_version = ?",
                                  [extractor_version()]).fetchall()[0][0])
    assert 0 < partial < N_DOCS, f"the kill should land midway, not after {partial} of {N_DOCS}"

    totals = extract_stage(db, batch_size=CHUNK, chunk=CHUNK)  # the restart
    assert totals["documents_extracted"] == N_DOCS - partial  # only what the killed run had not committed
    got, want = _per_doc(db), _per_doc(reference)
    assert len(got) == N_DOCS and got == want
    assert all(len(ids) == n for ids, _m, n in got.values())  # each document's claims from exactly one extraction
    assert sum(len(ids) for ids, _m, _n in got.values()) > 0

