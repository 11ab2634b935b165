"""History tables without indexes (issue 15): the loaders keep their keys, and a write journals only what it did.

The tables that grow with every run carry no PRIMARY KEY (migration 0010; a checkpoint rewrote the whole ART
index of each changed table). These tests use real DuckDB files and check the dispositions the keys used to
give: insert-or-ignore adds nothing on a re-run, replace swaps rows atomically (also inside a caller's
transaction), parsing finds exactly the unparsed items, and the read snapshot still follows every write.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from schemas import RawItem
from tests.integrity import content_problems, dump_tables
from warehouse import writer
from warehouse.db import transaction
from warehouse.documents import pending_raw_items
from warehouse.keys import HISTORY_KEYS
from warehouse.load import insert, load_raw_items
from warehouse.snapshot import State, snapshot_link

T0 = datetime(2026, 3, 1, 12, 0)


def _item(i: int, body: bytes = b"<html><body><p>x</p></body></html>") -> RawItem:
    return RawItem(source="s", source_type="rss", kind="article", url=f"https://news.example/{i}", fetched_at=T0,
                   status=200, body=body + str(i).encode())


def test_history_tables_carry_no_index(tmp_path: Path) -> None:
    with writer(tmp_path / "w.duckdb", snapshot=False) as con:
        keyed = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        indexed = con.execute("SELECT count(*) FROM duckdb_indexes()").fetchall()[0][0]
    assert not keyed & set(HISTORY_KEYS)
    assert "cursors" in keyed  # small tables keep theirs
    assert indexed == 0


def test_insert_or_ignore_by_key_adds_nothing_on_a_rerun(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    items = [_item(i) for i in range(5)]
    with writer(db) as con:
        assert load_raw_items(con, items) == 5
    with writer(db) as con:
        assert load_raw_items(con, items + items[:2]) == 0
        assert load_raw_items(con, [*items, _item(9)]) == 1
        assert con.execute("SELECT count(*) FROM raw_items").fetchall()[0][0] == 6
        assert content_problems(con) == {}
    assert dump_tables(db) == dump_tables(snapshot_link(db))


def _mark(item_id: str, status: str) -> dict[str, object]:
    return {"item_id": item_id, "url": "u", "status": status, "parsed_at": T0}


def test_replace_by_key_swaps_rows_and_last_row_wins(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        insert(con, "parsed_items", [_mark("a", "skipped"), _mark("b", "error")], mode="replace")
    with writer(db) as con:
        insert(con, "parsed_items", [_mark("a", "error"), _mark("a", "document"), _mark("c", "skipped")],
               mode="replace")
        rows = con.execute("SELECT item_id, status FROM parsed_items ORDER BY item_id").fetchall()
        assert content_problems(con) == {}
    assert rows == [("a", "document"), ("b", "error"), ("c", "skipped")]
    assert dump_tables(db) == dump_tables(snapshot_link(db))


def test_replace_inside_a_transaction_rolls_back_with_it(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        insert(con, "parsed_items", [_mark("a", "skipped")], mode="replace")
    with writer(db) as con:
        with pytest.raises(RuntimeError), transaction(con):
            insert(con, "parsed_items", [_mark("a", "document"), _mark("b", "document")], mode="replace")
            raise RuntimeError("crash midway")
        rows = con.execute("SELECT item_id, status FROM parsed_items").fetchall()
    assert rows == [("a", "skipped")]


def test_pending_raw_items_are_the_unparsed_ones_in_fetch_order(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    items = [_item(i).model_copy(update={"fetched_at": T0.replace(minute=59 - i)}) for i in range(40)]
    with writer(db) as con:
        load_raw_items(con, items)
        insert(con, "parsed_items", [_mark(i.item_id, "document") for i in items[::3]], mode="replace")
        pending = pending_raw_items(con)
        first = pending_raw_items(con, 5)
    want = sorted((i for k, i in enumerate(items) if k % 3), key=lambda i: (i.fetched_at, i.item_id))
    assert [p.item_id for p in pending] == [i.item_id for i in want]
    assert [p.body for p in pending] == [i.body for i in want]
    assert [p.item_id for p in first] == [i.item_id for i in want[:5]]


def test_a_session_that_only_reads_journals_nothing_and_updates_still_reach_the_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        load_raw_items(con, [_item(i) for i in range(50)])
    with writer(db) as con:
        load_raw_items(con, [_item(i) for i in range(50, 60)])
    seq = State.load(db).seq
    with writer(db) as con:
        pending_raw_items(con, 10)
    assert State.load(db).seq == seq  # no journal entry: the session committed nothing
    with writer(db) as con:  # an update in place of one big table, beside an append to another
        con.execute("UPDATE raw_items SET status = 304 WHERE url = 'https://news.example/3'")
        insert(con, "parsed_items", [_mark("x", "skipped")], mode="replace")
    assert dump_tables(db) == dump_tables(snapshot_link(db))
