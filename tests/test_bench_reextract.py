"""bench_reextract's kill/resume check, on a small warehouse: the real flow in a real child process, really killed.

A slice and a bit of documents (the extract stage commits CHUNK_SIZE documents at a time): the run is SIGKILLed
once its first slice is visible in the read snapshot, restarted, and the bench's invariant checker must pass. Then the
checker must catch what a broken resume would leave behind: a document stored twice, a document missed, and a
restart that extracted more than the killed run had left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from bench.bench_reextract import OLD_VERSION, ResumeError, build_stale, check_resumed, kill_and_resume
from stages import extractor_version
from stages.common import CHUNK_SIZE

# The second slice is short (the restart's work) but long enough (~3 s of extraction) for the kill to land in it.
N_DOCS = CHUNK_SIZE + 300


@pytest.fixture(scope="module")
def resumed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("reextract")
    db = root / "claims.duckdb"
    build_stale(db, N_DOCS)
    first, again, checked = kill_and_resume(db, N_DOCS, "thread", 1, root / "prefect", kill_at=0.5)
    return {"db": db, "first": first, "again": again, "checked": checked}


@pytest.mark.slow
def test_killed_run_resumes_and_the_checker_passes(resumed: dict[str, Any]) -> None:
    checked = resumed["checked"]
    assert resumed["first"].report is None  # killed: it never reported
    assert checked["committed_before_kill"] == CHUNK_SIZE  # after its first slice, before its second
    assert checked["extracted_by_restart"] == resumed["again"].report["documents"] == N_DOCS - CHUNK_SIZE
    assert checked["documents_current"] == N_DOCS
    assert checked["claims"] == checked["claims_recorded"] > 0


def _broken_copy(db: Path, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / "broken.duckdb"
    copy.write_bytes(db.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        con.execute(sql)
    finally:
        con.close()
    return copy


@pytest.mark.slow
@pytest.mark.parametrize(("damage", "caught"), [
    ("INSERT INTO claims SELECT * FROM claims LIMIT 1", "claim_ids_repeated"),
    ("INSERT INTO mentions SELECT * FROM mentions LIMIT 1", "mention_ids_repeated"),
    ("INSERT INTO extractions SELECT * FROM extractions LIMIT 1", "extraction_rows_repeated"),
    (f"UPDATE extractions SET extractor_version = '{OLD_VERSION}' WHERE doc_id = (SELECT min(doc_id) FROM "
     "extractions)", "documents_not_current"),
    ("DELETE FROM claims WHERE doc_id = (SELECT min(doc_id) FROM claims)", "documents_claims_miscounted"),
])
def test_the_checker_catches_a_broken_resume(resumed: dict[str, Any], tmp_path: Path, damage: str,
                                             caught: str) -> None:
    checked = resumed["checked"]
    broken = _broken_copy(resumed["db"], tmp_path, damage)
    with pytest.raises(ResumeError, match=caught):
        check_resumed(broken, extractor_version(), N_DOCS, checked["committed_before_kill"],
                      checked["extracted_by_restart"])


@pytest.mark.slow
def test_the_checker_catches_a_restart_that_redid_committed_work(resumed: dict[str, Any]) -> None:
    checked = resumed["checked"]
    with pytest.raises(ResumeError, match="the restart extracted"):
        check_resumed(resumed["db"], extractor_version(), N_DOCS, checked["committed_before_kill"], N_DOCS)
