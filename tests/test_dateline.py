"""Publication dates with provenance and precision: datelines in plain text, HTML pages, `claimwatch extract`."""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import extractors.dateline
from claimwatch.files import extract_file_dated, file_text
from extractors.article import parse_html
from extractors.dateline import find_dateline, parse_date_text

BIN = Path(sys.executable).parent / "claimwatch"


def test_docstring_examples() -> None:
    assert doctest.testmod(extractors.dateline).failed == 0


@pytest.mark.parametrize(("text", "day", "precision", "label"), [
    ("Why open models caught up\nFeb 25, 2026 · 4 min read\n\nBody.", date(2026, 2, 25), "day", ""),
    ("Published: 2026-02-25\n\nBody.", date(2026, 2, 25), "day", "published"),
    ("A headline\nJanuary 8, 2026\nBody text follows here.", date(2026, 1, 8), "day", ""),
    ("Publication Date: 2026-05-14 09:05:00\nBody.", date(2026, 5, 14), "day", "publication date"),
    ("Updated: 2026-04-13\nBody.", date(2026, 4, 13), "day", "updated"),
    ("Title\nBy Jane Doe, Feb 3, 2026\nBody.", date(2026, 2, 3), "day", ""),
    ("Title\nJane Doe | Posted on 3rd March 2026\nBody.", date(2026, 3, 3), "day", "posted"),
    ("Tuesday, February 24, 2026 at 9:05 a.m. ET\nBody.", date(2026, 2, 24), "day", ""),
    ("Monthly letter\nMarch 2026\nBody.", date(2026, 3, 1), "month", ""),
    ("Published: 2025\nBody.", date(2025, 1, 1), "year", "published"),
    ("Posted 2026/02/25 · 3 comments\nBody.", date(2026, 2, 25), "day", "posted"),
    ("Posted 14.09.2025\nBody.", date(2025, 9, 14), "day", "posted"),
    ("Title\n09/14/2025\nBody.", date(2025, 9, 14), "day", ""),
])
def test_find_dateline(text: str, day: date, precision: str, label: str) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.when.date(), found.precision, found.label) == (day, precision, label)
    assert found.line in text
    parsed = parse_date_text(text[found.start:found.end])  # the span is the date itself
    assert parsed is not None and parsed[0].date() == day


@pytest.mark.parametrize("text", [
    "OpenAI released GPT-5 on August 7, 2025.\nMore text.",  # a date inside a sentence
    "By March 2026, Chinese labs will have caught up.\nBody.",  # a deadline, not a dateline
    "2026\nA bare year is not a dateline.",
    "© 2025 Example Media. All rights reserved.",
    "In 2025 the gap was five months.",
    "03/04/2026 · News",  # March 4 or 3 April: ambiguous, not read
    "| Model | Released |\n|---|---|\n| Model X | March 2023 | first release |",  # a table row dates a release
    "",
])
def test_no_dateline(text: str) -> None:
    assert find_dateline(text) is None


def test_dateline_must_be_near_the_top() -> None:
    body = "\n".join(f"Paragraph {i} of the article." for i in range(20))
    assert find_dateline(body + "\nFeb 25, 2026\n") is None
    assert find_dateline("Feb 25, 2026\n" + body) is not None


def test_published_wins_over_updated_and_dates_keep_precision() -> None:
    found = find_dateline("Updated: April 13, 2026\nPublished: April 1, 2026\nBody.")
    assert found is not None and found.when.date() == date(2026, 4, 1) and found.label == "published"
    assert parse_date_text("2026-02") == (datetime(2026, 2, 1, tzinfo=UTC), "month")
    assert parse_date_text("2026") == (datetime(2026, 1, 1, tzinfo=UTC), "year")
    assert parse_date_text("Feb 2026") == (datetime(2026, 2, 1, tzinfo=UTC), "month")
    assert parse_date_text("2026-02-12T13:30:00Z") == (datetime(2026, 2, 12, 13, 30, tzinfo=UTC), "day")
    assert parse_date_text("sometime soon") is None


# ------------------------------------------------------------------------------------------- HTML pages

BODY = ("<p>Chinese open-source models are about five months behind Claude Sonnet 4.5, the analysts said in "
        "their report, which compared scores across many public benchmarks.</p>"
        "<p>Another paragraph with enough words to count as article text for the extractor fallback.</p>")


def _page(head: str = "", before_body: str = "", url: str = "https://news.example/story") -> tuple[str, str]:
    html = (f"<html><head><title>Gap report</title>{head}</head><body><article><h1>Gap report</h1>"
            f"{before_body}{BODY}</article></body></html>")
    return html, url


@pytest.mark.parametrize(("head", "before", "url", "hints", "expected"), [
    ('<meta property="article:published_time" content="2026-02-12T13:30:00Z">', "", "https://n.example/a", {},
     (datetime(2026, 2, 12, 13, 30, tzinfo=UTC), "meta", "day")),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-02"}</script>', "",
     "https://n.example/a", {}, (datetime(2026, 2, 1, tzinfo=UTC), "meta", "month")),
    ('<meta name="date" content="2025">', "", "https://n.example/a", {},
     (datetime(2025, 1, 1, tzinfo=UTC), "meta", "year")),
    ("", "", "https://n.example/2026/02/14/story", {}, (datetime(2026, 2, 14, tzinfo=UTC), "url", "day")),
    ("", '<time datetime="2026-02-10">Feb 10</time>', "https://n.example/a", {},
     (datetime(2026, 2, 10, tzinfo=UTC), "dateline", "day")),
    ("", "", "https://n.example/a", {"entry_published": "Wed, 11 Feb 2026 07:00:00 GMT"},
     (datetime(2026, 2, 11, 7, 0, tzinfo=UTC), "feed", "day")),
    ("", '<div class="meta"><span>By Ada Quill</span> · <span>Feb 25, 2026</span> · 4 min read</div>',
     "https://n.example/a", {}, (datetime(2026, 2, 25, tzinfo=UTC), "dateline", "day")),
    ("", "<p>Published: March 2026</p>", "https://n.example/a", {},
     (datetime(2026, 3, 1, tzinfo=UTC), "dateline", "month")),
])
def test_page_dates_record_provenance(head: str, before: str, url: str, hints: dict[str, str],
                                      expected: tuple[datetime, str, str]) -> None:
    html, url = _page(head, before, url)
    doc = parse_html(html, url, hints=hints)
    assert (doc.published_at, doc.published_source, doc.published_precision) == expected


def test_a_sidebar_time_is_not_the_page_date() -> None:
    html, url = _page("", "", "https://n.example/a")
    html = html.replace("</article>", '</article><aside><time datetime="2024-01-05">Related</time></aside>')
    doc = parse_html(html, url)
    assert doc.published_source != "dateline"


def test_years_in_the_text_are_never_a_day() -> None:
    """An undated page mentioning years: no date, or a guess no better than a month, never an exact day."""
    text = ("<p>In 2023 the gap was a year; by 2024 it had shrunk, and in 2025 analysts put it at five months. "
            "Forecasts for 2027 vary widely across the field.</p><p>Copyright 2025 Example</p>")
    html = f"<html><head><title>Gap</title></head><body><article><h1>Gap</h1>{text}{BODY}</article></body></html>"
    doc = parse_html(html, "https://n.example/undated")
    # htmldate guesses 1 January 2025 from the years in the text: kept as a year-precision guess, never a day
    assert (doc.published_at, doc.published_source, doc.published_precision) == (
        datetime(2025, 1, 1, tzinfo=UTC), "guess", "year")


@pytest.mark.parametrize("before", [
    "<p>OpenAI released GPT-5 on August 7, 2025.</p>",
    "<p>OpenAI released GPT-5 on <span>August 7, 2025</span>.</p>",
    "<p>OpenAI released GPT-5 on <b>Aug. 7, 2025</b>, to paying users first.</p>",
])
def test_dateline_in_a_sentence_is_not_the_page_date(before: str) -> None:
    doc = parse_html(*_page("", before, "https://n.example/a"))
    assert doc.published_source in (None, "guess")


# ------------------------------------------------------------------------------------- claimwatch extract

TEXT = ("Why open models caught up\nFeb 25, 2026 · 4 min read\n\nChinese open-source models are about five months "
        "behind Claude Sonnet 4.5, analysts said. Open models will reach Opus level by early 2025.\n")


def test_extract_file_uses_the_dateline(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT)
    claims, used = extract_file_dated(path)
    assert (used.day, used.source, used.precision, used.evidence) == (
        date(2026, 2, 25), "dateline", "day", "Feb 25, 2026 · 4 min read")
    assert claims and all(c.published_at == date(2026, 2, 25) for c in claims)
    forecast = next(c for c in claims if c.kind == "forecast")
    assert "deadline_before_publication" in forecast.flags
    claims, used = extract_file_dated(path, date(2024, 6, 1))
    assert (used.day, used.source) == (date(2024, 6, 1), "flag")
    path.write_text("No date here.\n\nChinese open-source models are about five months behind Claude Sonnet 4.5.")
    _text, used = file_text(path)
    assert (used.day, used.source) == (None, "none")
    assert "none" in used.describe()


def test_extract_cli_says_which_date_it_used(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT)
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR", "COLUMNS": "200"}
    res = subprocess.run([str(BIN), "extract", str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert f'{path}: published 2026-02-25 (dateline, day: "Feb 25, 2026 · 4 min read")' in res.stdout
    res = subprocess.run([str(BIN), "extract", "--format", "jsonl", "--published", "2026-01-02", str(path)],
                         capture_output=True, text=True, env=env, timeout=120)
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert rows and {(r["published_at"], r["published_source"]) for r in rows} == {("2026-01-02", "flag")}
