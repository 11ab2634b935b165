"""Release claims (issue 12, item 4): the extraction rule on literal strings; corroboration into the registry on a
real DuckDB file; release forecasts resolved against the registry (item 5). All texts are written for these tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractors.claims import extract, extract_claims
from schemas import Claim, Document
from warehouse.db import migrate, open_db
from warehouse.load import insert, load_documents
from warehouse.outcomes.observed import OBSERVED_FROM, save_source_labs
from warehouse.outcomes.releases import merge_releases
from warehouse.outcomes.resolve import resolve

PUB = date(2026, 3, 19)  # a Thursday


def _releases(text: str, pub: date | None = PUB) -> list[tuple[Any, ...]]:
    return [(c.models[0], c.deadline_start, c.timeframe) for c in extract_claims(text, pub) if c.kind == "release"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Today we are releasing Osprey 4, our most capable model yet.", [("osprey-4", None, "current")]),
    ("Introducing Wren 2\n\nWren 2 is a small model for phones.", [("wren-2", None, "current")]),
    ("Corvid Labs launched Osprey 4 on Tuesday.", [("osprey-4", date(2026, 3, 17), "past")]),
    ("OpenAI launched GPT-5.2 yesterday.", [("gpt-5.2", date(2026, 3, 18), "past")]),
    ("GPT-5.2 is now available in the API for all developers.", [("gpt-5.2", None, "current")]),
    ("After Corvid Labs released Osprey 4, rivals cut their prices.", []),  # a subordinate clause sets the scene
    ("Heron 3 was released on March 2, 2026.", [("heron-3", date(2026, 3, 2), "past")]),
    ("Corvid Labs has released Osprey 4 to paying customers.", [("osprey-4", None, "past")]),
])
def test_release_announcements_are_found(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert _releases(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Today we are releasing Osprey 4 and Osprey 4 Mini.", ["osprey-4", "osprey-4-mini"]),
    ("Corvid Labs launched Osprey 4, Osprey 4 Mini and Wren 2 on Tuesday.", ["osprey-4", "osprey-4-mini", "wren-2"]),
    ("Heron 3 and Heron 3 Flash are now available in the API.", ["heron-3", "heron-3-flash"]),
    ("Corvid Labs released Osprey 4 / Osprey 4 Pro today.", ["osprey-4", "osprey-4-pro"]),
    # a model named after the list is no part of it (a rival)
    ("Corvid Labs released Osprey 4 today, a rival to Heron 3.", ["osprey-4"]),
    ("Corvid Labs released Osprey 4 today and Quill answered with Heron 3.", ["osprey-4"]),
])
def test_every_model_of_one_announcement_is_a_release(text: str, expected: list[str]) -> None:
    got = _releases(text)
    assert [m for m, _day, _tf in got] == expected
    assert len({(day, tf) for _m, day, tf in got}) <= 1  # one announcement: one day, one timeframe for all


@pytest.mark.parametrize("text", [
    "Corvid Labs will launch Osprey 4 next month.",            # a plan: a forecast, not a release
    "Osprey 4 is expected to be available in April.",
    "We are not releasing Osprey 4 yet.",
    "Two years ago, OpenAI released GPT-4.",                   # a past release dated only relative to now
    "Five months later, Alibaba shipped Qwen3-Max.",
    "OpenAI launched a new voice mode for GPT-4o on Monday.",  # a feature, not the model
    "If the tests go well, Osprey 4 is available in May.",
    "The company released its annual report on Windows 11 on Tuesday.",
    "Corvid Labs released Osprey 4, its new model, on April 2.",  # a day after publication: not yet out
])
def test_non_releases_are_not_claims(text: str) -> None:
    assert _releases(text) == []


def test_one_release_per_model_per_document_and_the_sentence_is_the_evidence() -> None:
    text = "Introducing Osprey 4\n\nToday we are releasing Osprey 4. Osprey 4 is available now in the Corvid API."
    ex = extract(text, PUB, doc_id="d1")
    (c,) = [c for c in ex.claims if c.kind == "release"]
    assert text[c.start_char: c.end_char] == c.sentence
    assert c.flags == [] and c.published_at == PUB and c.doc_id == "d1"


def test_release_rule_leaves_gap_and_forecast_claims_alone() -> None:
    text = ("Today we are releasing Osprey 4. Chinese open models trail the US frontier by about seven months, "
            "and Corvid Labs will launch Osprey 5 in June 2026.")
    kinds = sorted(c.kind for c in extract_claims(text, PUB))
    assert kinds == ["forecast", "gap", "release"]


# ------------------------------------------------------------------------------------------ corroboration

LAB_SOURCE, OUTLET_A, OUTLET_B = "corvid-news", "ledger", "wire"


def _doc(key: str, url: str, source: str, day: date | None, date_source: str | None = "feed") -> Document:
    return Document(url=url, canonical_url=url, source=source, text="t", published_at=day,
                    published_source=date_source if day else None, published_precision="day" if day else None)


def _release_claim(doc: Document, model: str, name: str, group: dict[str, str] | None = None,
                   day: date | None = None) -> Claim:
    return Claim(kind="release", subject=name, subject_group=group or {"model": model}, models=[model], target=name,
                 deadline_start=day, deadline_end=day, sentence=f"{name} is out.", start_char=0, end_char=10,
                 doc_id=doc.doc_id, extractor_version="test")


@pytest.fixture()
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = open_db(tmp_path / "w.duckdb")
    migrate(c)
    save_source_labs(c, {LAB_SOURCE: "Corvid Labs", OUTLET_A: None, OUTLET_B: None})
    yield c
    c.close()


def _store(con: duckdb.DuckDBPyConnection, pairs: list[tuple[Document, list[Claim]]]) -> None:
    load_documents(con, [d for d, _ in pairs])
    insert(con, "claims", [c for _, cs in pairs for c in cs])


def _registry(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Any, ...]]:
    rows = con.execute("SELECT model_id, release_date, origin, source_url FROM releases").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_two_outlets_corroborate_one_does_not(con: duckdb.DuckDBPyConnection) -> None:
    a = _doc("a", "https://ledger.example/heron", OUTLET_A, date(2026, 3, 3))
    b = _doc("b", "https://www.wire.example/heron-3", OUTLET_B, date(2026, 3, 4))
    c = _doc("c", "https://ledger.example/wren", OUTLET_A, date(2026, 3, 5))
    c2 = _doc("c2", "https://ledger.example/wren-again", OUTLET_A, date(2026, 3, 6))
    _store(con, [(a, [_release_claim(a, "heron-3", "Heron 3", day=date(2026, 3, 2))]),
                 (b, [_release_claim(b, "heron-3", "Heron 3")]),
                 (c, [_release_claim(c, "wren-2", "Wren 2")]), (c2, [_release_claim(c2, "wren-2", "Wren 2")])])
    counts = resolve(con, date(2026, 4, 1))
    reg = _registry(con)
    # the earliest day either outlet gives; evidence: both URLs
    assert reg["heron-3"] == (date(2026, 3, 2), "observed", "https://ledger.example/heron")
    note = con.execute("SELECT note FROM release_facts WHERE model_id = 'heron-3'").fetchall()[0][0]
    assert "https://www.wire.example/heron-3" in note and "2 outlets" in note
    assert "wren-2" not in reg  # one outlet, twice: a candidate
    status = dict(con.execute("SELECT model_id, any_value(status) FROM v_release_candidates GROUP BY 1").fetchall())
    assert status == {"heron-3": "observed", "wren-2": "candidate"}
    assert counts["releases_observed"] == 1


def test_lab_feed_vouches_only_for_its_own_models(con: duckdb.DuckDBPyConnection) -> None:
    own = _doc("own", "https://corvid.example/osprey-4", LAB_SOURCE, date(2026, 3, 17))
    other = _doc("other", "https://corvid.example/partner", LAB_SOURCE, date(2026, 3, 18))
    _store(con, [(own, [_release_claim(own, "osprey-4", "Osprey 4")]),
                 (other, [_release_claim(other, "gpt-9", "GPT-9", {"model": "gpt-9", "lab": "openai"})])])
    resolve(con, date(2026, 4, 1))
    reg = _registry(con)
    assert reg["osprey-4"] == (date(2026, 3, 17), "observed", "https://corvid.example/osprey-4")
    assert "gpt-9" not in reg


def test_undated_documents_and_known_earlier_releases_do_not_enter(con: duckdb.DuckDBPyConnection) -> None:
    guessed = _doc("g", "https://corvid.example/kite", LAB_SOURCE, date(2026, 1, 1), date_source="guess")
    late = _doc("l", "https://corvid.example/finch", LAB_SOURCE, date(2026, 3, 1))
    merge_releases(con, [{"model_id": "finch-1", "display_name": "Finch 1", "organization": "corvidlabs",
                          "release_date": date(2025, 6, 1), "source_url": "https://epoch.example/finch",
                          "origin": "epoch"}])
    _store(con, [(guessed, [_release_claim(guessed, "kite-1", "Kite 1")]),
                 (late, [_release_claim(late, "finch-1", "Finch 1")])])
    resolve(con, date(2026, 4, 1))
    reg = _registry(con)
    assert "kite-1" not in reg  # a guessed publication date is no release day
    assert reg["finch-1"][:2] == (date(2025, 6, 1), "epoch")  # "now available" later is not the release


def test_re_extraction_withdraws_an_observed_release(con: duckdb.DuckDBPyConnection) -> None:
    own = _doc("own", "https://corvid.example/osprey-4", LAB_SOURCE, date(2026, 3, 17))
    _store(con, [(own, [_release_claim(own, "osprey-4", "Osprey 4")])])
    resolve(con, date(2026, 4, 1))
    assert "osprey-4" in _registry(con)
    con.execute("DELETE FROM claims WHERE kind = 'release'")  # what a re-extraction without the claim leaves
    resolve(con, date(2026, 4, 1))
    assert "osprey-4" not in _registry(con)
    assert not con.execute("SELECT * FROM release_facts WHERE fetched_from = ?", [OBSERVED_FROM]).fetchall()


# ------------------------------------------------------------------------------------------ release forecasts


def _forecast(doc: Document, key: str, start: date | None, end: date, **kw: Any) -> Claim:
    return Claim(kind="forecast", sentence=f"forecast {key}", start_char=0, end_char=10, doc_id=doc.doc_id,
                 extractor_version="test", target=kw.pop("target", key), deadline_start=start, deadline_end=end,
                 timeframe="future", **kw)


def test_release_forecasts_resolve_against_the_registry(con: duckdb.DuckDBPyConnection) -> None:
    merge_releases(con, [{"model_id": m, "display_name": m, "organization": "corvidlabs", "release_date": d,
                          "source_url": f"https://corvid.example/{m}", "origin": "seed"}
                         for m, d in (("osprey-4", date(2026, 3, 17)), ("kite-1", date(2026, 1, 20)))])
    doc = _doc("f", "https://ledger.example/forecasts", OUTLET_A, date(2026, 1, 10))
    v4 = {"model": "osprey-4", "lab": "corvidlabs"}
    claims = [
        # as the extractor stores "Osprey 4 is expected in March": the model is subject and target
        _forecast(doc, "in-window", date(2026, 3, 1), date(2026, 3, 31), subject_group=v4, models=["osprey-4"],
                  target_models=["osprey-4"]),
        # "Corvid will launch Osprey 4 in May": released in March, before the window → incorrect at once
        _forecast(doc, "too-late", date(2026, 5, 1), date(2026, 5, 31), subject_group={"lab": "corvidlabs"},
                  target_models=["osprey-4"]),
        # an unseen name the extractor could not resolve: the target text names it
        _forecast(doc, "by-name", date(2026, 1, 1), date(2026, 1, 31), target="the Kite-1 model"),
        # a capability forecast keeps the score route: open models reaching Osprey 4's level
        _forecast(doc, "capability", None, date(2026, 12, 31), subject_group={"openness": "open"},
                  target_models=["osprey-4"], direction="parity"),
    ]
    _store(con, [(doc, claims)])
    resolve(con, date(2026, 4, 1))
    rows = con.execute("SELECT c.target, o.verdict, o.reason, o.evidence, o.note FROM outcomes o "
                       "JOIN claims c USING (claim_id)").fetchall()
    out = {r[0]: r[1:] for r in rows}
    assert out["in-window"][:2] == ("confirmed", "release")
    ev = json.loads(out["in-window"][2])[0]
    assert (ev["release_date"], ev["origin"], ev["source_url"]) == ("2026-03-17", "seed",
                                                                   "https://corvid.example/osprey-4")
    assert out["too-late"][:2] == ("incorrect", "release") and "outside [2026-05-01, 2026-05-31]" in out["too-late"][3]
    assert out["the Kite-1 model"][:2] == ("confirmed", "release")
    assert out["capability"][1] in ("no-target-score", "window-open")  # scores route, not the registry
