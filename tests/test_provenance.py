"""Documents stored before dates had a provenance get one from their raw page, and only then a verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas import Document, RawItem
from warehouse.db import migrate, open_db
from warehouse.load import insert, load_documents
from warehouse.provenance import backfill_date_provenance

FILLER = "<p>" + "Open models trail the frontier by some months, analysts say. " * 8 + "</p>"
PAGES = {
    # key: (html, date the old parser stored)
    "meta": (f'<html><head><meta property="article:published_time" content="2026-02-11T09:30:00Z"></head>'
             f"<body><article><h1>A</h1>{FILLER}</article></body></html>", datetime(2026, 2, 11, 9, 30)),
    "years": (f"<html><body><article><h1>B</h1><p>In 2023 and 2024 the gap shrank.</p>{FILLER}"
              "<p>Copyright 2025 Example</p></article></body></html>", datetime(2025, 1, 1)),
    "dateline": (f"<html><body><article><h1>C</h1><p>Feb 25, 2026 · 4 min read</p>{FILLER}</article></body></html>",
                 datetime(2026, 2, 25)),
}


def _legacy_warehouse(path: Path) -> None:
    con = open_db(path)
    migrate(con)
    items, docs = [], []
    for key, (html, stored) in PAGES.items():
        item = RawItem(source="s", source_type="rss", kind="article", url=f"https://n.example/{key}",
                       fetched_at=datetime.now(UTC), content_type="text/html", body=html.encode())
        items.append(item)
        docs.append(Document(url=item.url, canonical_url=item.url, source="s", text="t", raw_item_id=item.item_id,
                             published_at=stored.replace(tzinfo=UTC)))
    docs.append(Document(url="https://bsky.app/p/1", canonical_url="https://bsky.app/p/1", source="b", kind="post",
                         text="t", published_at=datetime(2026, 1, 2, tzinfo=UTC)))
    docs.append(Document(url="https://n.example/noraw", canonical_url="https://n.example/noraw", source="s",
                         text="t", published_at=datetime(2026, 1, 3, tzinfo=UTC)))
    insert(con, "raw_items", items)
    load_documents(con, docs)  # Documents without provenance, as parsed before migration 0006
    con.close()


def test_backfill_records_where_old_dates_came_from(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    _legacy_warehouse(db)
    con = open_db(db)
    assert backfill_date_provenance(con) == 4
    got = {r[0].rsplit("/", 1)[-1]: r[1:] for r in con.execute(
        "SELECT url, published_at, published_source, published_precision FROM documents").fetchall()}
    assert got["meta"] == (datetime(2026, 2, 11, 9, 30), "meta", "day")
    assert got["years"] == (datetime(2025, 1, 1), "guess", "year")  # the old "exact" 1 January is a year guess
    assert got["dateline"] == (datetime(2026, 2, 25), "dateline", "day")
    assert got["1"][1:] == ("feed", "day")  # a post's platform timestamp
    assert got["noraw"][1:] == (None, None)  # nothing to re-read: stays without provenance (undated)
    assert backfill_date_provenance(con) == 0  # done once
    con.close()


def test_extraction_never_anchors_on_a_guessed_date(tmp_path: Path) -> None:
    from warehouse.documents import document_texts

    db = tmp_path / "w.duckdb"
    _legacy_warehouse(db)
    con = open_db(db)
    backfill_date_provenance(con)
    ids = {r[1].rsplit("/", 1)[-1]: r[0] for r in con.execute("SELECT doc_id, url FROM documents").fetchall()}
    got = {doc_id: day for doc_id, _text, day in document_texts(con, list(ids.values()))}
    assert got[ids["years"]] is None  # a year guessed from the text
    assert str(got[ids["meta"]]) == "2026-02-11"
    con.close()
