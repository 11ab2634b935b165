"""Records that cross stage boundaries: sources → extractors → warehouse → outcomes.

Every record is a pydantic model so that it validates at the boundary and round-trips through JSON.
Keys are deterministic (hashes of natural keys) so that every load is an idempotent upsert.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "TRUSTED_DATE_PRECISIONS",
    "TRUSTED_DATE_SOURCES",
    "Claim",
    "Document",
    "FetchLog",
    "Mention",
    "Outcome",
    "RawItem",
    "Release",
    "Score",
    "model_slug",
    "stable_id",
]


def stable_id(*parts: object) -> str:
    """Return a short deterministic id (hex SHA-256 prefix) for the given natural-key parts."""
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:24]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


ItemKind = Literal["feed", "article", "page", "post", "api"]


class RawItem(_Record):
    """One fetched body (or one API object) exactly as received; the unit of the append-only raw log."""

    item_id: str = ""
    source: str
    source_type: str
    kind: ItemKind
    url: str
    final_url: str | None = None
    fetched_at: datetime
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    encoding: str | None = None
    sha256: str = ""
    body: bytes = b""
    parent_url: str | None = Field(
        default=None, description="the feed entry or post this item was discovered through"
    )
    meta: dict[str, Any] = Field(
        default_factory=dict, description="connector-specific fields (post author, feed entry)"
    )

    def model_post_init(self, __context: Any) -> None:
        """Fill in derived keys and hashes."""
        if not self.sha256:
            self.sha256 = hashlib.sha256(self.body).hexdigest()
        if not self.item_id:
            self.item_id = stable_id(self.url, self.sha256)


class FetchLog(_Record):
    """One HTTP attempt (success or failure), kept so a run can say exactly what failed and why."""

    run_id: str
    source: str
    url: str
    started_at: datetime
    duration_ms: float
    status: int | None = None
    ok: bool
    error_class: str | None = None
    message: str | None = None
    bytes: int = 0
    not_modified: bool = False


DocKind = Literal["article", "post", "page"]
# Provenance and precision of a publication date (extractors.dateline holds the rules that use them).
DateSource = Literal["feed", "meta", "url", "dateline", "guess"]
DatePrecision = Literal["day", "month", "year"]
# Dates a claim may be measured on: written by the page or its feed, to the day or the month.
TRUSTED_DATE_SOURCES: frozenset[str] = frozenset({"feed", "meta", "url", "dateline"})
TRUSTED_DATE_PRECISIONS: frozenset[str] = frozenset({"day", "month"})


class Document(_Record):
    """Parsed text of an article, page or post, keyed by its canonical URL."""

    doc_id: str = ""
    url: str
    canonical_url: str
    source: str
    kind: DocKind = "article"
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: datetime | None = None
    published_source: DateSource | None = Field(
        default=None, description="where published_at came from: feed | meta | url | dateline | guess"
    )
    published_precision: DatePrecision | None = Field(
        default=None, description="day | month | year: a month or year date is stored as its first day"
    )
    updated_at: datetime | None = None
    text: str
    lang: str | None = None
    content_sha256: str = ""
    duplicate_of: str | None = None
    discovered_via: str | None = None
    raw_item_id: str | None = None
    outlet: str | None = None
    meta: dict[str, Any] = Field(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        """Fill in derived keys and hashes."""
        if not self.doc_id:
            self.doc_id = stable_id(self.canonical_url)
        if not self.content_sha256:
            normalized = " ".join(self.text.split()).lower()
            self.content_sha256 = hashlib.sha256(normalized.encode("utf-8")).hexdigest()


MentionLabel = Literal["MODEL", "ORG", "GROUP", "DATE", "PERSON"]


class Mention(_Record):
    """An entity found in a document: a model name, lab, subject group or date, with its span."""

    mention_id: str = ""
    doc_id: str = ""
    extractor_version: str = ""
    label: MentionLabel
    text: str
    canonical_id: str | None = None
    org: str | None = None
    country: str | None = None
    start_char: int
    end_char: int
    attrs: dict[str, Any] = Field(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        """Fill in derived keys and hashes."""
        if not self.mention_id:
            self.mention_id = stable_id(self.doc_id, self.extractor_version, self.label, self.start_char, self.end_char)


# A release claim reports a model as out (issue 12): its model in `models`, its day in deadline_start/end when
# the sentence gives one (else the publication date); never resolved as a prediction.
ClaimKind = Literal["gap", "forecast", "release"]
Direction = Literal["behind", "ahead", "parity"]
Timeframe = Literal["past", "current", "future"]


class Claim(_Record):
    """A gap, forecast or release claim with its evidence sentence; the contract every later stage reads.

    Offsets (start_char, end_char) point into the text the extractor was given and bound the sentence.
    """

    claim_id: str = ""
    kind: ClaimKind
    direction: Direction | None = None
    months_low: float | None = None
    months_high: float | None = None
    approximate: bool = False
    subject: str | None = None
    subject_group: dict[str, str] = Field(default_factory=dict)
    reference: str | None = None
    reference_group: dict[str, str] = Field(default_factory=dict)
    models: list[str] = Field(default_factory=list)
    target: str | None = None
    target_models: list[str] = Field(default_factory=list)
    deadline_text: str | None = None
    deadline_start: date | None = None
    deadline_end: date | None = None
    timeframe: Timeframe = "current"
    as_of_text: str | None = None
    hedged: bool = False
    confidence: float = Field(default=0.9, ge=0.0, le=1.0, description="probability implied by the hedging band")
    attributed_to: str | None = None
    negated: bool = False
    conditional: bool = False
    is_goal: bool = False
    flags: list[str] = Field(default_factory=list)
    sentence: str
    start_char: int
    end_char: int
    doc_id: str = ""
    published_at: date | None = None
    extractor_version: str = ""

    def model_post_init(self, __context: Any) -> None:
        """Fill in derived keys and hashes."""
        if not self.claim_id:
            self.claim_id = stable_id(
                self.doc_id, self.extractor_version, self.kind, self.start_char, self.end_char,
                self.direction, self.months_low, self.months_high, self.timeframe, self.target,
                *((self.deadline_text, self.deadline_end) if self.kind != "gap" else ()),
            )


class Release(_Record):
    """A model release fact: who shipped what, when, and whether the weights are open."""

    model_id: str
    display_name: str
    organization: str
    country: str | None = None
    release_date: date | None = None
    open_weights: bool | None = None
    source_url: str
    origin: str = "seed"


class Score(_Record):
    """One capability score of a model on a metric, as of a date."""

    model_id: str
    metric: str
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    as_of: date | None = None
    source_url: str
    origin: str = "seed"


Verdict = Literal[
    "within", "overstated", "understated", "unmeasurable",
    "confirmed", "incorrect", "pending", "unresolvable", "flagged", "needs-judgment",
]


class Outcome(_Record):
    """How a claim compares with what happened, as of a date, with the evidence that decided it."""

    claim_id: str
    as_of: date
    verdict: Verdict
    measured_months: float | None = None
    error_months: float | None = None
    evidence: list[dict[str, Any]] = Field(default_factory=list)
    method: str = ""
    reason: str | None = Field(
        default=None, description="short code of why this verdict (measured, undated, no-data-source, ...)"
    )
    note: str | None = None


def model_slug(name: str) -> str:
    """Return the canonical model id for a display name: lowercase, parentheticals dropped, spaces → '-'.

    >>> model_slug("Claude Sonnet 4.5"), model_slug("DeepSeek-V3.2-Exp"), model_slug("Gemini 2.5 Pro (Jun 2025)")
    ('claude-sonnet-4.5', 'deepseek-v3.2-exp', 'gemini-2.5-pro')
    """
    text = re.sub(r"\([^)]*\)", " ", name).strip().lower()
    text = re.sub(r"[\s_/]+", "-", text)
    text = re.sub(r"[^a-z0-9.+\-]", "", text)
    return re.sub(r"-{2,}", "-", text).strip("-.")
