from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from schemas import Claim, Document, FetchLog, Mention, Outcome, RawItem, Release, Score, model_slug, stable_id

NOW = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)


def _claim() -> Claim:
    return Claim(
        kind="gap", direction="behind", months_low=5, months_high=5, approximate=True,
        subject="Chinese open-source models", subject_group={"country": "CN", "openness": "open"},
        reference="Claude Sonnet 4.5", reference_group={"model": "claude-sonnet-4.5"},
        models=["claude-sonnet-4.5"], timeframe="current", hedged=False, confidence=0.9,
        attributed_to="Epoch AI", sentence="Chinese open-source models are about five months behind Claude Sonnet 4.5.",
        start_char=10, end_char=84, doc_id="d1", published_at=date(2026, 2, 10), extractor_version="claims.v1",
    )


@pytest.mark.parametrize(
    "record",
    [
        RawItem(source="s", source_type="rss", kind="feed", url="http://127.0.0.1/feed.xml", fetched_at=NOW,
                body=b"<rss/>", meta={"title": "x"}),
        FetchLog(run_id="r", source="s", url="http://127.0.0.1/", started_at=NOW, duration_ms=1.5, status=500,
                 ok=False, error_class="HTTPStatusError", message="500"),
        Document(url="http://a/1?utm_source=x", canonical_url="http://a/1", source="s", title="T", authors=["A B"],
                 published_at=NOW, text="Some text."),
        Mention(label="MODEL", text="GPT-5", canonical_id="gpt-5", org="openai", country="US", start_char=0,
                end_char=5, doc_id="d1"),
        _claim(),
        Claim(kind="forecast", subject="open models", target="Opus level", target_models=["family:claude-opus"],
              deadline_text="by early 2025", deadline_start=date(2025, 1, 1), deadline_end=date(2025, 4, 30),
              timeframe="future", hedged=True, confidence=0.7, flags=["deadline_before_publication"],
              sentence="s", start_char=0, end_char=1),
        Release(model_id="gpt-5", display_name="GPT-5", organization="openai", country="US",
                release_date=date(2025, 8, 7), open_weights=False,
                source_url="https://openai.com/index/introducing-gpt-5/"),
        Score(model_id="gpt-5", metric="eci", value=150.0, as_of=date(2025, 12, 19), source_url="https://epoch.ai/"),
        Outcome(claim_id="c", as_of=date(2026, 3, 1), verdict="within", measured_months=5.2, error_months=0.0,
                evidence=[{"model_id": "gpt-5"}]),
    ],
    ids=lambda r: type(r).__name__,
)
def test_json_round_trip(record):
    again = type(record).model_validate_json(record.model_dump_json())
    assert again == record


def _claim_with(**changes) -> Claim:
    data = {**_claim().model_dump(), **changes, "claim_id": ""}
    return Claim(**data)


def test_keys_are_deterministic():
    claim = _claim()
    # The documented key: document, extractor version, span and the claim's values (pinned, so a change shows).
    assert claim.claim_id == stable_id("d1", "claims.v1", "gap", 10, 84, "behind", 5.0, 5.0, "current", None)
    # Fields outside the key (hedging, confidence, attribution) leave it alone; each key part changes it.
    assert _claim_with(hedged=True, confidence=0.4, attributed_to="someone else").claim_id == claim.claim_id
    changed = [_claim_with(**{k: v}).claim_id for k, v in (
        ("doc_id", "d2"), ("extractor_version", "claims.v2"), ("start_char", 11), ("direction", "ahead"),
        ("months_high", 6), ("timeframe", "past"), ("target", "Opus level"))]
    assert claim.claim_id not in changed and len(set(changed)) == len(changed)
    doc = Document(url="u", canonical_url="http://a/1", source="s", text="Hello  world")
    assert doc.doc_id == stable_id("http://a/1")
    # content hash ignores whitespace and case, so a re-wrapped syndicated copy still matches
    other = Document(url="v", canonical_url="http://b", source="s", text="hello world")
    assert doc.content_sha256 == other.content_sha256
    item = RawItem(source="s", source_type="rss", kind="feed", url="http://x", fetched_at=NOW, body=b"abc")
    assert item.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_validation_rejects_bad_values():
    with pytest.raises(ValidationError):
        Claim(kind="rumour", sentence="s", start_char=0, end_char=1)
    with pytest.raises(ValidationError):
        Claim(kind="gap", sentence="s", start_char=0, end_char=1, confidence=1.5)
    with pytest.raises(ValidationError):
        Mention(label="MODEL", text="x", start_char=0, end_char=1, unexpected=True)


def test_model_slug():
    assert model_slug("Claude Sonnet 4.5") == "claude-sonnet-4.5"
    assert model_slug("DeepSeek-V3.2-Exp") == "deepseek-v3.2-exp"
    assert model_slug("Gemini 2.5 Pro (Jun 2025)") == "gemini-2.5-pro"
    assert model_slug("Kimi K2 Thinking") == "kimi-k2-thinking"
