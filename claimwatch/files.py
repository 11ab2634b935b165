"""Extraction from local files (the `claimwatch extract` command): no Prefect, no warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from schemas import Claim, RawItem, stable_id

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class FileDate:
    """The publication date used for a file and where it came from.

    source: flag (--published) | dateline (a visible line near the top) | meta | url | feed (HTML metadata)
    | none; `evidence` is the dateline line or a note on a date that was found but not used.
    """

    day: date | None
    source: str
    precision: str | None = None
    evidence: str | None = None

    def describe(self) -> str:
        """One line for the CLI, e.g. '2026-02-25 (dateline, day: "Feb 25, 2026 · 4 min read")'."""
        if self.day is None:
            return "no publication date (none)" + (f": {self.evidence}" if self.evidence else "")
        detail = ", ".join(x for x in (self.source, self.precision) if x)
        return f"{self.day} ({detail}" + (f': "{self.evidence}")' if self.evidence else ")")


NO_DATE = FileDate(None, "none")


def _html_document_date(published: datetime | None, source: str | None, precision: str | None) -> FileDate:
    if published is None:
        return NO_DATE
    if source == "guess":  # a date htmldate guessed from the content: shown, never used
        return FileDate(None, "none", None, f"ignored a date guessed from the content ({published.date()})")
    return FileDate(published.date(), source or "meta", precision)


def file_text(path: Path) -> tuple[str, FileDate]:
    """Return a file's text and the publication date it states (HTML metadata, or a dateline near the top)."""
    from extractors.dateline import find_dateline

    data = path.read_bytes()
    if path.suffix.lower() in HTML_SUFFIXES or data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        from extractors.article import parse_item

        item = RawItem(
            source="file", source_type="page", kind="page", url=path.resolve().as_uri(),
            fetched_at=datetime.now(UTC), status=200, content_type="text/html", body=data,
        )
        doc = parse_item(item)
        if doc is None:
            return "", NO_DATE
        return doc.text, _html_document_date(doc.published_at, doc.published_source, doc.published_precision)
    text = data.decode("utf-8", errors="replace")
    found = find_dateline(text)
    if found is None:
        return text, NO_DATE
    return text, FileDate(found.when.date(), "dateline", found.precision, found.line)


def extract_file_dated(path: Path, published: date | None = None) -> tuple[list[Claim], FileDate]:
    """Extract claims from one text or HTML file, with the date used; `published` overrides the file's own."""
    from extractors.claims import extract_claims

    text, found = file_text(path)
    used = FileDate(published, "flag", "day") if published is not None else found
    return extract_claims(text, used.day, stable_id(path.resolve().as_uri())), used


def extract_file(path: Path, published: date | None = None) -> list[Claim]:
    """Extract claims from one text or HTML file; `published` overrides the date found in the file."""
    return extract_file_dated(path, published)[0]
