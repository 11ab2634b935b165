"""Warehouse integrity checks that can fail: duplicate content, and duplicate keys in the history tables.

Each check looks at a property the keys do not enforce by themselves: the same body stored twice under two ids,
two originals with one content, claims left over from another run's extraction of the same document. The history
tables carry no PRIMARY KEY index (migration 0010, warehouse/keys.py): their loaders keep the keys, checked here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from warehouse.keys import HISTORY_KEYS

# name → query returning the offending rows (none expected)
CHECKS: dict[str, str] = {
    # One row per body fetched at a URL: a re-run or a concurrent run must not store the same content again.
    "raw_items: a body stored twice": (
        "SELECT url, sha256, count(*) FROM raw_items GROUP BY url, sha256 HAVING count(*) > 1"
    ),
    # One original per content: a syndicated copy points at the original instead of standing beside it.
    "documents: two originals with one content": (
        "SELECT content_sha256, count(*) FROM documents WHERE duplicate_of IS NULL AND kind <> 'post' "
        "GROUP BY content_sha256 HAVING count(*) > 1"
    ),
    # A copy points at an existing original with the same content.
    "documents: a copy linked to a missing or different original": (
        "SELECT d.doc_id FROM documents d LEFT JOIN documents o ON o.doc_id = d.duplicate_of "
        "WHERE d.duplicate_of IS NOT NULL AND (o.doc_id IS NULL OR o.content_sha256 <> d.content_sha256)"
    ),
    # Each document's claims and mentions are exactly those of its one recorded extraction.
    "claims: not exactly one extraction's worth per document": (
        "SELECT e.doc_id, e.n_claims, count(c.claim_id) FROM extractions e "
        "LEFT JOIN claims c ON c.doc_id = e.doc_id AND c.extractor_version = e.extractor_version "
        "GROUP BY e.doc_id, e.n_claims HAVING count(c.claim_id) <> coalesce(e.n_claims, 0)"
    ),
    "claims: rows of a document that has no extraction, or of another version": (
        "SELECT c.claim_id FROM claims c LEFT JOIN extractions e ON e.doc_id = c.doc_id "
        "WHERE e.doc_id IS NULL OR e.extractor_version <> c.extractor_version"
    ),
    "mentions: not exactly one extraction's worth per document": (
        "SELECT e.doc_id, e.n_mentions, count(m.mention_id) FROM extractions e "
        "LEFT JOIN mentions m ON m.doc_id = e.doc_id AND m.extractor_version = e.extractor_version "
        "GROUP BY e.doc_id, e.n_mentions HAVING count(m.mention_id) <> coalesce(e.n_mentions, 0)"
    ),
}


for _table, _key in HISTORY_KEYS.items():
    _cols = ", ".join(_key)
    CHECKS[f"{_table}: a key stored twice"] = (
        f"SELECT {_cols}, count(*) FROM {_table} GROUP BY {_cols} HAVING count(*) > 1"
    )


def content_problems(con: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Run every check; return the failing ones with their first offending rows (empty when all hold)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for name, query in CHECKS.items():
        rows = con.execute(query).fetchall()
        if rows:
            found[name] = rows[:5]
    return found


def syndicated_links(con: Any) -> list[tuple[str, str]]:
    """(copy URL, original URL) of every fetched page stored as another document: by rel=canonical or content."""
    return [(str(a), str(b)) for a, b in con.execute(
        "SELECT r.url, d.url FROM parsed_items p JOIN raw_items r USING (item_id) "
        "JOIN documents d ON d.doc_id = p.doc_id WHERE r.kind = 'article' AND d.raw_item_id <> p.item_id "
        "UNION SELECT d.url, o.url FROM documents d JOIN documents o ON o.doc_id = d.duplicate_of "
        "ORDER BY 1").fetchall()]


def dump_tables(path: Path) -> dict[str, list[str]]:
    """Every table of a DuckDB file as sorted row strings (to compare a warehouse with its snapshot)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {t: sorted(map(str, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
    finally:
        con.close()

