"""Extraction from local files (the `claimwatch extract` command): no Prefect, no warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from schemas import Claim, RawItem, stable_id

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def file_text(path: Path) -> tuple[str, date | None]:
    """Return a file's text and its publication date when the file states one (HTML metadata)."""
    data = path.read_bytes()
    if path.suffix.lower() in HTML_SUFFIXES or data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        from extractors.article import parse_item

        item = RawItem(
            source="file", source_type="page", kind="page", url=path.resolve().as_uri(),
            fetched_at=datetime.now(UTC), status=200, content_type="text/html", body=data,
        )
        doc = parse_item(item)
        if doc is None:
            return "", None
        return doc.text, doc.published_at.date() if doc.published_at else None
    return data.decode("utf-8", errors="replace"), None


def extract_file(path: Path, published: date | None = None) -> list[Claim]:
    """Extract claims from one text or HTML file; `published` overrides the date found in the file."""
    from extractors.claims import extract_claims

    text, found = file_text(path)
    return extract_claims(text, published or found, stable_id(path.resolve().as_uri()))
