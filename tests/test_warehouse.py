import threading
import time
from datetime import UTC, date, datetime

import duckdb
import pytest

import warehouse.db
from schemas import Claim, Document, Mention, RawItem
from warehouse import migrate, reader, schema_version, snapshot_path, writer
from warehouse.db import MIGRATIONS_DIR, read_only_query
from warehouse.load import (
    CLAIMS_SCHEMA,
    MENTIONS_SCHEMA,
    concat_extractions,
    extraction_tables,
    insert,
    load_documents,
    load_raw_items,
    replace_extractions,
    table_types,
)

NOW = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)
LATEST = max(int(p.name[:4]) for p in MIGRATIONS_DIR.glob("[0-9]*.sql"))


def test_fresh_and_existing_database_end_at_latest(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    applied = migrate(con)
    assert applied and schema_version(con) == LATEST
    assert migrate(con) == []  # applying twice is a no-op
    recorded = con.execute("SELECT count(*) FROM schema_migrations").fetchall()[0][0]
    assert recorded == len(applied)
    con.close()
    con = duckdb.connect(str(path))
    assert migrate(con) == [] and schema_version(con) == LATEST
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"raw_items", "documents", "mentions", "claims", "v_claims", "fetch_log", "cursors"} <= tables
    con.close()


def test_partially_migrated_database_catches_up(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    first = sorted(MIGRATIONS_DIR.glob("0001_*.sql"))[0]
    con.execute(first.read_text())
    con.execute("INSERT INTO schema_migrations VALUES (1, ?, 'x', now())", [first.name])
    applied = migrate(con)
    assert first.name not in applied
    assert schema_version(con) == LATEST
    con.close()


def _doc(url="https://news.example/a", text="Chinese models are five months behind."):
    return Document(url=url, canonical_url=url, source="feed", title="A", published_at=NOW, text=text)


def test_loaders_are_idempotent(tmp_path):
    db = tmp_path / "w.duckdb"
    item = RawItem(source="s", source_type="rss", kind="article", url="https://news.example/a", fetched_at=NOW,
                   body=b"<html>", meta={"k": 1})
    doc = _doc()
    claim = Claim(kind="gap", direction="behind", months_low=5, months_high=5, sentence=doc.text, start_char=0,
                  end_char=len(doc.text), doc_id=doc.doc_id, extractor_version="v1", subject_group={"country": "CN"})
    mention = Mention(label="GROUP", text="Chinese models", start_char=0, end_char=14, doc_id=doc.doc_id,
                      extractor_version="v1")
    for expected_new in (1, 0):
        with writer(db) as con:
            assert load_raw_items(con, [item, item]) == expected_new
            assert load_documents(con, [doc]) == expected_new
            replace_extractions(con, [doc.doc_id], "v1", [mention], [claim])
    with reader(db) as con:
        counts = [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("raw_items", "documents", "mentions", "claims", "extractions")]
        assert counts == [1, 1, 1, 1, 1]
        row = con.execute(
            "SELECT url, title, published_at, months_low, subject_group->>'country' FROM v_claims").fetchall()
        assert row == [("https://news.example/a", "A", date(2026, 2, 10), 5.0, "CN")]


def test_reextraction_replaces_old_version(tmp_path):
    db = tmp_path / "w.duckdb"
    doc = _doc()
    old = Claim(kind="gap", direction="behind", months_low=4, months_high=4, sentence="x", start_char=0, end_char=1,
                doc_id=doc.doc_id, extractor_version="v1")
    new = Claim(kind="gap", direction="behind", months_low=5, months_high=5, sentence="x", start_char=0, end_char=1,
                doc_id=doc.doc_id, extractor_version="v2")
    with writer(db) as con:
        load_documents(con, [doc])
        replace_extractions(con, [doc.doc_id], "v1", [], [old])
        replace_extractions(con, [doc.doc_id], "v2", [], [new])
        rows = con.execute("SELECT extractor_version, months_low FROM claims").fetchall()
        assert rows == [("v2", 5.0)]
        assert con.execute("SELECT extractor_version FROM extractions").fetchall() == [("v2",)]


def test_handoff_schemas_match_the_tables(tmp_path):
    with writer(tmp_path / "w.duckdb") as con:
        for table, schema in (("mentions", MENTIONS_SCHEMA), ("claims", CLAIMS_SCHEMA)):
            assert list(table_types(con, table).items()) == list(zip(schema.names, schema.types, strict=True))


def _extraction(doc, version="v1"):
    claims = [Claim(kind="gap", direction="behind", months_low=n, months_high=n + 2, sentence=f"s{n}", start_char=n,
                    end_char=n + 1, doc_id=doc.doc_id, extractor_version=version, subject_group={"country": "CN"},
                    models=["gpt-5"], flags=["x"] if n else [], published_at=date(2026, 2, 10)) for n in range(3)]
    mentions = [Mention(label="MODEL", text="GPT-5", start_char=n, end_char=n + 5, doc_id=doc.doc_id,
                        extractor_version=version, attrs={"family": "gpt"} if n else {}) for n in range(2)]
    return mentions, claims


def _stored(con):
    return [con.execute(f"SELECT * EXCLUDE (extracted_at) FROM {t} ORDER BY ALL" if t == "extractions"
                        else f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("mentions", "claims", "extractions")]


def test_columnar_handoff_loads_the_same_rows_as_records(tmp_path):
    docs = [_doc(), _doc("https://news.example/b"), _doc("https://news.example/c")]
    parts = [_extraction(d) for d in docs[:2]]
    stored = []
    for name, hand_off in (
        ("records", ([m for p in parts for m in p[0]], [c for p in parts for c in p[1]])),
        # one batch per document plus an empty one, as the extraction stage hands them over
        ("tables", concat_extractions([*(extraction_tables(*p) for p in parts), extraction_tables([], [])])),
    ):
        with writer(tmp_path / f"{name}.duckdb") as con:
            load_documents(con, docs)
            assert replace_extractions(con, [d.doc_id for d in docs], "v1", *hand_off) == (4, 6)
            stored.append(_stored(con))
    assert stored[0] == stored[1]
    assert sorted(r[2:] for r in stored[1][2]) == [(0, 0), (2, 3), (2, 3)]  # (n_mentions, n_claims) per document


def test_columnar_handoff_collapses_keys_repeated_across_batches(tmp_path):
    doc = _doc()
    mentions, claims = _extraction(doc)
    twice = concat_extractions([extraction_tables(mentions, claims), extraction_tables(mentions, claims[:1])])
    assert twice[1].num_rows == 4
    with writer(tmp_path / "w.duckdb") as con:
        load_documents(con, [doc])
        assert replace_extractions(con, [doc.doc_id], "v1", *twice) == (2, 3)


def test_insert_collapses_duplicate_keys_in_one_batch(tmp_path):
    with writer(tmp_path / "w.duckdb") as con:
        rows = [{"source": "a", "cursor": "1"}, {"source": "a", "cursor": "2"}]
        insert(con, "cursors", rows, mode="replace", key=("source",))
        assert con.execute("SELECT source, cursor FROM cursors").fetchall() == [("a", "2")]


def test_snapshot_serves_readers_while_a_writer_holds_the_file(tmp_path):
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        load_documents(con, [_doc()])
    assert snapshot_path(db).exists()
    started = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writer(db) as con:
            load_documents(con, [_doc("https://news.example/b")])
            started.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    assert started.wait(10)
    try:
        # the writer holds the main file; the reader still answers, from the last published snapshot
        assert read_only_query(db, "SELECT count(*) FROM documents")[1] == [(1,)]
    finally:
        release.set()
        t.join()
    assert read_only_query(db, "SELECT count(*) FROM documents")[1] == [(2,)]


def test_second_writer_waits_instead_of_failing(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    order: list[str] = []
    holding, release, second_waiting = threading.Event(), threading.Event(), threading.Event()
    real_sleep = time.sleep

    def observed_sleep(seconds: float) -> None:
        # write_lock sleeps only after finding the lock taken: the second writer is provably waiting.
        if threading.current_thread().name == "second":
            second_waiting.set()
        real_sleep(seconds)

    monkeypatch.setattr(warehouse.db.time, "sleep", observed_sleep)

    def first() -> None:
        with writer(db):
            order.append("first-in")
            holding.set()
            assert release.wait(30)
            order.append("first-out")

    def second() -> None:
        with writer(db):
            order.append("second-in")

    t1 = threading.Thread(target=first, name="first")
    t1.start()
    assert holding.wait(30)
    t2 = threading.Thread(target=second, name="second")
    t2.start()
    assert second_waiting.wait(30), "the second writer never found the lock taken"
    assert order == ["first-in"]  # still waiting, not failed and not in
    release.set()
    t1.join(30)
    t2.join(30)
    assert order == ["first-in", "first-out", "second-in"]


@pytest.mark.parametrize("query", [
    "CREATE TABLE x (a INT)",
    "DELETE FROM claims",
    "COPY claims TO '/tmp/claimwatch-should-not-exist.csv'",
    "ATTACH '/tmp/claimwatch-other.duckdb' AS other",
])
def test_read_only_query_refuses_writes(tmp_path, query):
    db = tmp_path / "w.duckdb"
    with writer(db):
        pass
    with pytest.raises(duckdb.Error):
        read_only_query(db, query)


def test_a_warehouse_another_writer_is_creating_is_not_rejected(tmp_path):
    """Two runs starting on a new warehouse: the second may see the file before its header is written."""
    from warehouse.db import WarehouseError, check_warehouse

    partial = tmp_path / "new.duckdb"
    partial.write_bytes(b"")
    assert check_warehouse(partial, partial_ok=True) == partial
    with pytest.raises(WarehouseError, match="not a DuckDB database"):
        check_warehouse(partial)
    other = tmp_path / "notes.txt"
    other.write_text("this is not a warehouse at all")
    with pytest.raises(WarehouseError, match="not a DuckDB database"):
        check_warehouse(other, partial_ok=True)


def test_connections_get_the_duckdb_limits(tmp_path, monkeypatch):
    """Writers, readers and snapshot publication open DuckDB with the memory limit and threads of the settings."""
    monkeypatch.setattr(warehouse.db, "DUCKDB_MEMORY_LIMIT", "64MB")
    monkeypatch.setattr(warehouse.db, "DUCKDB_THREADS", 1)
    db = tmp_path / "w.duckdb"
    query = "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('max_vacuum_tasks')"
    with writer(db) as con:
        assert con.execute(query).fetchall() == [("61.0 MiB", 1, 0)]  # DuckDB's MB are 10^6 bytes; no vacuum
    with reader(db) as con:
        assert con.execute(query).fetchall() == [("61.0 MiB", 1, 0)]
    with writer(db) as con:  # a second session: publication applies its journal through the limited connection
        con.execute("CREATE TABLE t (x INTEGER)")
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    monkeypatch.setattr(warehouse.db, "DUCKDB_MEMORY_LIMIT", "")
    monkeypatch.setattr(warehouse.db, "DUCKDB_THREADS", 0)
    monkeypatch.setattr(warehouse.db, "DUCKDB_VACUUM", True)
    assert warehouse.db.duckdb_config() == {}  # empty, zero and vacuuming: DuckDB's own defaults
