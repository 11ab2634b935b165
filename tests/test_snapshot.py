"""The incrementally refreshed read snapshot: after every write it equals the warehouse, without a full copy.

A full copy replaces a generation file (a new inode); an incremental refresh updates it in place (same inode),
so the inode tells which path a publication took.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import duckdb

from tests.integrity import dump_tables
from warehouse import reader, writer
from warehouse.snapshot import State, current_generation, generation_path, snapshot_link

Write = Callable[[duckdb.DuckDBPyConnection], object]


def _write(db: Path, fn: Write) -> tuple[str | None, bool]:
    """Run one write session; return the generation published and whether it was refreshed in place."""
    before = {g: generation_path(db, g).stat().st_ino for g in "ab" if generation_path(db, g).exists()}
    with writer(db) as con:
        fn(con)
    gen = current_generation(db)
    assert gen is not None
    in_place = before.get(gen) == generation_path(db, gen).stat().st_ino
    assert dump_tables(db) == dump_tables(snapshot_link(db)), "the snapshot differs from the warehouse"
    return gen, in_place


def _doc(con: duckdb.DuckDBPyConnection, i: int) -> object:
    return con.execute("INSERT INTO documents (doc_id, url, canonical_url, source, kind, text, content_sha256) "
                "VALUES (?, ?, ?, 's', 'article', ?, ?)", [f"d{i}", f"u{i}", f"u{i}", "text " * 50, f"c{i}"])


def _log(con: duckdb.DuckDBPyConnection, i: int) -> object:
    return con.execute("INSERT INTO fetch_log (run_id, source, url, started_at, ok) "
                       "VALUES ('r', 's', ?, now()::TIMESTAMP, true)", [f"u{i}"])


def test_every_kind_of_write_reaches_the_snapshot_in_place(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    writes: list[Write] = [
        lambda c: [_doc(c, i) for i in range(300)],
        lambda c: [_log(c, i) for i in range(5)],
        lambda c: _doc(c, 1000),                                                   # insert
        lambda c: c.execute("UPDATE documents SET title = 'new' WHERE doc_id = 'd7'"),  # update in place
        lambda c: c.execute("INSERT OR REPLACE INTO cursors VALUES ('s', 'x', now()::TIMESTAMP)"),
        lambda c: c.execute("INSERT OR REPLACE INTO cursors VALUES ('s', 'y', now()::TIMESTAMP)"),  # replace
        lambda c: c.execute("DELETE FROM documents WHERE doc_id IN ('d3', 'd4')"),  # delete
        lambda c: [_log(c, i) for i in range(5, 9)],                               # keyless append
        lambda c: c.execute("UPDATE fetch_log SET ok = false WHERE url = 'u0'"),   # keyless update
        lambda c: c.execute("DELETE FROM fetch_log WHERE url = 'u1'"),             # keyless delete
        lambda c: None,                                                            # nothing
    ]
    paths = [_write(db, fn) for fn in writes]
    assert [g for g, _ in paths] == ["a", "b"] * 5 + ["a"]
    assert [in_place for _, in_place in paths][2:] == [True] * 9  # only the first two generations were copied
    with reader(db) as con:
        assert con.execute("SELECT title FROM documents WHERE doc_id = 'd7'").fetchall() == [("new",)]
        assert con.execute("SELECT count(*) FROM v_claims").fetchall() == [(0,)]  # the views are there


def test_a_reader_holding_a_generation_forces_a_copy_not_an_error(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    for i in range(3):
        _write(db, partial(_doc, i=i))
    stale = "b" if current_generation(db) == "a" else "a"
    # Another process (a `duckdb -readonly` left open) holds the generation the next publication refreshes.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); print("
         "'ready', flush=True); sys.stdin.readline(); print(c.execute(\"SELECT count(*) FROM documents WHERE "
         "doc_id = 'd99'\").fetchall()[0][0], flush=True)", str(generation_path(db, stale))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        gen, in_place = _write(db, lambda c: _doc(c, 99))
        assert gen == stale and not in_place  # copied beside the reader, who keeps the inode it opened
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "0"
    finally:
        holder.kill()
        holder.wait()
    assert _write(db, lambda c: _doc(c, 100))[1]  # and back to incremental


def test_a_session_that_died_before_journalling_means_full_copies(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    for i in range(3):
        _write(db, partial(_doc, i=i))
    try:
        with writer(db) as con:
            _doc(con, 50)  # committed, then the session dies before its journal entry
            raise RuntimeError("killed")
    except RuntimeError:
        pass
    assert State.load(db).open_session
    assert _write(db, lambda c: _doc(c, 51))[1] is False
    assert _write(db, lambda c: _doc(c, 52))[1] is False  # the other generation missed session 50 too
    assert _write(db, lambda c: _doc(c, 53))[1] is True


def test_a_schema_change_is_copied_in_full(tmp_path: Path) -> None:
    db = tmp_path / "claims.duckdb"
    for i in range(3):
        _write(db, partial(_doc, i=i))
    assert _write(db, lambda c: c.execute("CREATE TABLE extra (x INTEGER)"))[1] is False


def test_appending_journals_only_the_new_rows(tmp_path: Path) -> None:
    """Rows appended to a partly filled row group are journalled alone, not with the rows the group already held."""
    from warehouse.snapshot import journal_path

    db = tmp_path / "claims.duckdb"
    _write(db, lambda c: [_doc(c, i) for i in range(400)])
    _write(db, lambda c: None)  # both generations published: from here on every write is journalled

    def journalled(seq: int) -> list[tuple[str, ...]]:
        con = duckdb.connect(str(journal_path(db)), read_only=True)
        try:
            return con.execute("SELECT doc_id FROM documents WHERE _seq = ? ORDER BY doc_id", [seq]).fetchall()
        finally:
            con.close()

    _write(db, lambda c: [_doc(c, i) for i in range(400, 403)])  # three new rows in the same row group
    assert journalled(State.load(db).seq) == [("d400",), ("d401",), ("d402",)]
    _write(db, lambda c: c.execute("UPDATE documents SET title = 't' WHERE doc_id = 'd5'"))
    assert ("d5",) in journalled(State.load(db).seq)  # an updated row group is journalled whole
