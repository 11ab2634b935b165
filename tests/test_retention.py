"""Retention: old raw bodies are dropped, parsed text, claims and evidence stay; unparsed bodies are never lost."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from warehouse import reader, writer
from warehouse.retention import compact_warehouse, drop_bodies_older_than

NOW = datetime(2026, 6, 1)
CLI = str(Path(sys.executable).with_name("claimwatch"))


def _seed(db: Path) -> None:
    """Three raw items: old and parsed, old and not parsed yet, recent and parsed; one claim per document."""
    with writer(db) as con:
        for item, fetched, parsed in (("old", "2026-01-01", True), ("pending", "2026-01-02", False),
                                      ("new", "2026-05-30", True)):
            con.execute(
                "INSERT INTO raw_items (item_id, source, source_type, kind, url, fetched_at, sha256, body) "
                "VALUES (?, 's', 'rss', 'article', ?, ?, ?, ?)",
                [item, f"https://x.example/{item}", fetched, "sha-" + item, b"<html>" + item.encode() * 500])
            if not parsed:
                continue
            con.execute("INSERT INTO parsed_items VALUES (?, ?, ?, 'document', NULL, NULL, ?)",
                        [item, f"https://x.example/{item}", "doc-" + item, fetched])
            con.execute(
                "INSERT INTO documents (doc_id, url, canonical_url, source, kind, text, content_sha256, "
                "raw_item_id, published_at) VALUES (?, ?, ?, 's', 'article', ?, ?, ?, ?)",
                ["doc-" + item, f"https://x.example/{item}", f"https://x.example/{item}",
                 "Open models are five months behind.", "c-" + item, item, fetched])
            con.execute(
                "INSERT INTO claims (claim_id, doc_id, extractor_version, kind, sentence, start_char, end_char) "
                "VALUES (?, ?, 'v', 'gap', 'Open models are five months behind.', 0, 35)",
                ["claim-" + item, "doc-" + item])


def _bodies(db: Path) -> dict[str, bool]:
    with reader(db) as con:
        rows = con.execute("SELECT item_id, body IS NOT NULL FROM raw_items").fetchall()
    return {str(r[0]): bool(r[1]) for r in rows}


def test_drops_only_old_parsed_bodies(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    _seed(db)
    counts = drop_bodies_older_than(db, 30, now=NOW)
    assert counts["bodies_dropped"] == 1 and counts["body_bytes_dropped"] > 1000
    assert _bodies(db) == {"old": False, "pending": True, "new": True}
    with reader(db) as con:  # the snapshot readers use shows it too
        assert con.execute("SELECT count(*) FROM documents WHERE length(text) > 0").fetchall() == [(2,)]
        assert con.execute("SELECT count(*) FROM claims").fetchall() == [(2,)]
        assert con.execute("SELECT count(*) FROM v_claims WHERE doc_id = 'doc-old'").fetchall() == [(1,)]
        meta = con.execute("SELECT meta->>'body_dropped_at' FROM raw_items WHERE item_id = 'old'").fetchall()
        assert meta[0][0].startswith("2026-06-01")
        assert con.execute("SELECT flow, counts->>'bodies_dropped' FROM runs").fetchall() == [("retention", "1")]
    assert drop_bodies_older_than(db, 30, now=NOW)["bodies_dropped"] == 0  # idempotent


def test_compact_gives_space_back(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    _seed(db)
    with writer(db) as con:  # enough body bytes for the file to shrink measurably
        con.execute("UPDATE raw_items SET body = CAST(repeat(md5(item_id) || 'x', 200000) AS BLOB)")
    counts = drop_bodies_older_than(db, 0, now=NOW, compact=True)
    assert counts["bodies_dropped"] == 2
    assert counts["file_bytes_after"] < counts["file_bytes_before"]
    assert _bodies(db) == {"old": False, "pending": True, "new": False}
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM v_claims").fetchall() == [(2,)]


def test_cli_retention(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    _seed(db)
    proc = subprocess.run([CLI, "retention", "--drop-bodies-older-than", "0", "--db", str(db)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "dropped 2 raw bodies" in proc.stdout
    assert _bodies(db) == {"old": False, "pending": True, "new": False}
    bad = subprocess.run([CLI, "retention", "--drop-bodies-older-than", "-1", "--db", str(db)],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2


def test_short_writes_do_not_merge_row_groups_and_compaction_does(tmp_path):
    """Each write session appends its slice as a row group of its own: no checkpoint re-merges earlier slices
    (DuckDB's vacuum is off, warehouse/db.py), so a run's memory and bytes written stay flat; deleting a whole
    slice drops its row group; `compact_warehouse` rewrites the file with merged row groups."""
    db = tmp_path / "w.duckdb"

    def groups() -> int:
        with writer(db, snapshot=False) as con:
            return int(con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('slices')")
                       .fetchall()[0][0])

    with writer(db) as con:
        con.execute("CREATE TABLE slices (k INTEGER, body BLOB)")
    for k in range(6):
        with writer(db, snapshot=False) as con:
            con.execute("INSERT INTO slices SELECT ?, repeat('x', 2000)::BLOB FROM range(500)", [k])
    assert groups() == 6
    with writer(db, snapshot=False) as con:
        con.execute("DELETE FROM slices WHERE k = 0")  # a re-extracted slice: its rows all go
    assert groups() == 5
    compact_warehouse(db)
    assert groups() == 1
    with writer(db, snapshot=False) as con:
        assert con.execute("SELECT count(*) FROM slices").fetchall() == [(2500,)]
