"""Verdicts rest only on trusted publication dates; forecasts without data wait, then need judgment; coverage view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from schemas import Claim, Document
from tests.test_outcomes import MODELS
from warehouse.db import migrate, open_db
from warehouse.load import insert, load_documents
from warehouse.outcomes.releases import merge_releases, upsert_scores
from warehouse.outcomes.resolve import REASONS, resolve

AUG = date(2024, 8, 1)
JAN = date(2025, 1, 15)
# key: (document date, source, precision) — None for a document without any date
DOCS: dict[str, tuple[date | None, str | None, str | None]] = {
    "meta_day": (AUG, "meta", "day"),
    "dateline_month": (AUG, "dateline", "month"),
    "guess_year": (date(2024, 1, 1), "guess", "year"),
    "meta_year": (date(2024, 1, 1), "meta", "year"),
    "legacy": (AUG, None, None),
    "nodate": (None, None, None),
    "fc_agi": (AUG, "feed", "day"),
    "fc_agi_open": (AUG, "url", "day"),
    "fc_undated": (date(2024, 1, 1), "guess", "year"),
    "fc_unscored": (AUG, "meta", "day"),
    "bound_open": (JAN, "meta", "day"),
    "bound_under": (JAN, "meta", "day"),
    "bound_straddle": (JAN, "meta", "day"),
    "bound_direction": (JAN, "meta", "day"),
    "past_censored": (JAN, "meta", "day"),
}


def _gap(key: str, **kw: object) -> Claim:
    day = DOCS[key][0]  # the extractor was given the document's date, as the pipeline does
    fields: dict[str, object] = {"direction": "behind", "months_low": 3, "months_high": 4,
                                 "subject_group": {"country": "CN"}, **kw}
    return Claim(kind="gap", sentence=f"claim {key}", start_char=0, end_char=10, doc_id=f"doc-{key}",
                 published_at=day, extractor_version="test", target=key, **fields)  # type: ignore[arg-type]


def _forecast(key: str, **kw: object) -> Claim:
    return Claim(kind="forecast", sentence=f"claim {key}", start_char=0, end_char=10, doc_id=f"doc-{key}",
                 published_at=DOCS[key][0], extractor_version="test", target=key, **kw)  # type: ignore[arg-type]


REF = {"model": "claude-ref"}
CLAIMS = [
    _gap("meta_day"), _gap("dateline_month"), _gap("guess_year"), _gap("meta_year"), _gap("legacy"),
    _gap("nodate"),
    _forecast("fc_agi", subject_group={"scope": "frontier"}, deadline_end=date(2030, 12, 31)),
    _forecast("fc_agi_open", subject_group={"scope": "frontier"}),
    # "open models will match Osprey 9 by mid-2026": a capability forecast whose target no dataset scores
    _forecast("fc_unscored", subject_group={"openness": "open"}, target_models=["osprey-9"],
              deadline_end=date(2026, 6, 30)),
    _forecast("fc_undated", subject_group={"openness": "open"}, target_models=["us-c"],
              deadline_end=date(2025, 6, 30)),
    # On 2025-01-15 no Chinese model has matched claude-ref (released 2024-10-27): the lag is at least 80 days.
    _gap("bound_open", months_low=3, months_high=None, reference_group=REF),       # "over three months"
    _gap("bound_under", months_low=1, months_high=1, reference_group=REF),         # "a month"
    _gap("bound_straddle", months_low=2, months_high=4, reference_group=REF),      # "two to four months"
    _gap("bound_direction", months_low=None, months_high=None, reference_group=REF),  # "behind"
    # "In mid 2024 China was a month behind Anthropic": Anthropic's first score (110) is above China's best (105)
    # all period long, so every day is censored; the smallest bound, 53 days on 2024-06-01, still decides.
    _gap("past_censored", months_low=1, months_high=1, reference_group={"lab": "anthropic"}, timeframe="past",
         as_of_text="in mid 2024"),
]


def _load(con: duckdb.DuckDBPyConnection) -> None:
    merge_releases(con, [
        {"model_id": m, "display_name": m, "organization": o, "country": c, "release_date": d, "open_weights": ow,
         "source_url": f"https://example.org/{m}", "origin": "seed"} for m, o, c, ow, d, _ in MODELS])
    upsert_scores(con, [{"model_id": m, "metric": "eci", "as_of": d, "value": v, "source_url": "https://e/eci.csv",
                         "origin": "epoch"} for m, _, _, _, d, v in MODELS], None)
    docs = []
    for key, (day, source, precision) in DOCS.items():
        when = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
        doc = Document(url=f"https://news.example/{key}", canonical_url=f"https://news.example/{key}",
                       source="feed", text="t", published_at=when, published_source=source,  # type: ignore[arg-type]
                       published_precision=precision)  # type: ignore[arg-type]
        docs.append(doc.model_copy(update={"doc_id": f"doc-{key}"}))
    load_documents(con, docs)
    insert(con, "claims", CLAIMS)


@pytest.fixture()
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = open_db(tmp_path / "w.duckdb")
    migrate(c)
    _load(c)
    yield c
    c.close()


def _outcomes(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT c.target, o.verdict, o.reason, o.measured_months, o.note "
        "FROM outcomes o JOIN claims c USING (claim_id) WHERE o.as_of = ?", [as_of]).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_only_trusted_day_or_month_dates_get_a_verdict(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    out = _outcomes(con, date(2025, 6, 1))
    assert out["meta_day"][:2] == ("within", "measured")
    assert out["dateline_month"][:2] == ("within", "measured")
    for key in ("guess_year", "meta_year", "legacy", "nodate"):
        assert out[key][:2] == ("unmeasurable", "undated"), key
        assert out[key][2] is None, key  # nothing measured
    assert "guess" in out["guess_year"][3] and "year precision" in out["meta_year"][3]
    assert "provenance" in out["legacy"][3]
    assert out["fc_undated"][:2] == ("unresolvable", "undated")


def test_forecast_without_data_waits_then_needs_judgment(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    out = _outcomes(con, date(2025, 6, 1))
    assert out["fc_agi"][:2] == ("pending", "no-data-source")
    assert out["fc_agi_open"][:2] == ("needs-judgment", "no-data-source")  # no deadline to wait for
    resolve(con, date(2031, 1, 2))
    assert _outcomes(con, date(2031, 1, 2))["fc_agi"][:2] == ("needs-judgment", "no-data-source")


def test_capability_forecast_without_a_target_score_waits_then_needs_judgment(
        con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    verdict, reason, _m, note = _outcomes(con, date(2025, 6, 1))["fc_unscored"]
    assert (verdict, reason) == ("pending", "no-target-score") and "osprey-9" in note
    resolve(con, date(2026, 7, 1))
    verdict, reason, _m, note = _outcomes(con, date(2026, 7, 1))["fc_unscored"]
    assert (verdict, reason) == ("needs-judgment", "no-target-score")  # never silently unresolvable
    assert "osprey-9" in note and "judgment" in note


def test_lower_bound_decides_when_the_range_lies_on_one_side(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    out = _outcomes(con, date(2025, 6, 1))
    lower = (JAN - date(2024, 10, 27)).days / 30.44
    assert out["bound_open"][:2] == ("within", "bound") and out["bound_open"][2] == pytest.approx(lower, abs=0.01)
    assert out["bound_under"][:2] == ("understated", "bound")
    assert out["bound_direction"][:2] == ("within", "bound")
    assert out["bound_straddle"][:2] == ("unmeasurable", "lower-bound")
    assert "lower bound" in out["bound_under"][3]
    assert out["past_censored"][:2] == ("understated", "bound")
    assert out["past_censored"][2] == pytest.approx((date(2024, 6, 1) - date(2024, 4, 9)).days / 30.44, abs=0.01)


def test_resolver_docstring_examples() -> None:
    import doctest

    import warehouse.outcomes.resolve as module

    assert doctest.testmod(module).failed == 0


def test_every_outcome_has_a_known_reason(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    reasons = {r[0] for r in con.execute("SELECT reason FROM outcomes").fetchall()}
    assert reasons <= set(REASONS) and None not in reasons


def test_coverage_view_counts_latest_verdicts_and_reasons(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    resolve(con, date(2031, 1, 2))  # the latest as-of wins
    insert(con, "claims", [_gap("meta_day", months_low=7, months_high=7)])  # extracted after the last resolve
    rows = con.execute("SELECT kind, verdict, reason, resolved, claims FROM v_outcome_coverage").fetchall()
    cov = {(k, v, r): (res, n) for k, v, r, res, n in rows}
    assert cov[("gap", "unmeasurable", "undated")] == (False, 4)
    assert cov[("gap", "within", "measured")] == (True, 2)
    assert cov[("gap", "not-resolved", "not-resolved")] == (False, 1)
    assert cov[("forecast", "needs-judgment", "no-data-source")] == (False, 2)
    assert ("forecast", "pending", "no-data-source") not in cov
    assert sum(n for _, n in cov.values()) == con.execute("SELECT count(*) FROM claims").fetchall()[0][0]
    shares = con.execute("SELECT kind, sum(share_of_kind) FROM v_outcome_coverage GROUP BY kind").fetchall()
    assert all(s == pytest.approx(1.0, abs=0.01) for _, s in shares)


def test_v_claims_shows_date_provenance(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT target, published_at, published_source, published_precision, published_usable FROM v_claims"
    ).fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert got["meta_day"] == (AUG, "meta", "day", True)
    assert got["dateline_month"] == (AUG, "dateline", "month", True)
    assert got["guess_year"] == (date(2024, 1, 1), "guess", "year", False)
    assert got["legacy"] == (AUG, None, None, False)
    assert got["nodate"] == (None, None, None, False)


def test_report_shows_coverage_and_date_provenance(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    from claimwatch.report import render_report

    resolve(con, date(2025, 6, 1))
    con.close()
    html = render_report(tmp_path / "w.duckdb", tmp_path / "r.html", as_of=date(2025, 6, 1)).read_text()
    section = html[html.index('id="coverage"'):]
    assert "<code>undated</code>" in section and "<code>no-data-source</code>" in section
    assert "needs-judgment" in section and "<code>bound</code>" in section
    assert "meta, day" in html and "dateline, month" in html and "guess, year" in html
