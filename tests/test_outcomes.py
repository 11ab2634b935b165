"""Claim resolution on small hand-built data with known answers; history per as_of; the outcome views."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from claimwatch.outcomes_cli import resolve_claims
from schemas import Claim, Document
from warehouse.db import migrate, open_db, reader, writer
from warehouse.load import insert, load_documents
from warehouse.outcomes.releases import merge_releases, upsert_scores
from warehouse.outcomes.resolve import default_reference, resolve

DAYS = 30.44
# US closed frontier and Chinese open models on one metric (values and dates chosen for round answers).
MODELS = [
    # model_id, org, country, open, release, eci
    ("us-a", "openai", "US", False, date(2024, 1, 1), 100.0),
    ("us-b", "anthropic", "US", False, date(2024, 4, 10), 110.0),
    ("us-c", "google", "US", False, date(2024, 7, 19), 120.0),
    ("claude-ref", "anthropic", "US", False, date(2024, 10, 27), 130.0),
    ("cn-a", "deepseek", "CN", True, date(2024, 6, 1), 105.0),
    ("cn-b", "alibaba", "CN", True, date(2024, 11, 1), 115.0),
    ("cn-c", "moonshot", "CN", True, date(2025, 3, 1), 131.0),
]
# On 2024-08-01 China's best is cn-a (105); the US passed 105 on 2024-04-10 → lag = 114 days.
LAG_AUG_2024 = (date(2024, 8, 1) - date(2024, 4, 9)).days / DAYS


def _claim(key: str, kind: str, published: date, **kw: object) -> Claim:
    return Claim(kind=kind, sentence=f"claim {key}", start_char=0, end_char=10, doc_id=f"doc-{key}",  # type: ignore[arg-type]
                 published_at=published, extractor_version="test", target=key, **kw)  # type: ignore[arg-type]


CLAIMS = {
    "gap_within": _claim("gap_within", "gap", date(2024, 8, 1), direction="behind", months_low=3, months_high=4,
                         subject_group={"country": "CN"}, attributed_to="Alice", confidence=0.9),
    "gap_over": _claim("gap_over", "gap", date(2024, 8, 1), direction="behind", months_low=12, months_high=12,
                       subject_group={"country": "CN"}, attributed_to="Alice", confidence=0.9),
    "gap_under": _claim("gap_under", "gap", date(2024, 8, 1), direction="behind", months_low=1, months_high=1,
                        subject_group={"country": "CN"}, reference_group={"country": "US"}, attributed_to="Bob"),
    "gap_nodata": _claim("gap_nodata", "gap", date(2024, 8, 1), direction="behind", months_low=3, months_high=3,
                         subject_group={"country": "JP"}, attributed_to="Bob"),
    "gap_ahead": _claim("gap_ahead", "gap", date(2024, 8, 1), direction="ahead", months_low=3, months_high=4,
                        subject_group={"country": "US"}, reference_group={"country": "CN"}, attributed_to="Bob"),
    "gap_model": _claim("gap_model", "gap", date(2025, 4, 1), direction="behind", months_low=4, months_high=4,
                        subject_group={"country": "CN", "openness": "open"},
                        reference_group={"model": "claude-ref"}, attributed_to="Bob"),
    "fc_confirmed": _claim("fc_confirmed", "forecast", date(2024, 8, 1), subject_group={"openness": "open"},
                           target_models=["us-c"], deadline_end=date(2025, 6, 30), attributed_to="Carol",
                           confidence=0.6),
    "fc_incorrect": _claim("fc_incorrect", "forecast", date(2024, 8, 1), subject_group={"openness": "open"},
                           target_models=["us-c"], deadline_end=date(2024, 12, 31), attributed_to="Carol",
                           confidence=0.8),
    "fc_pending": _claim("fc_pending", "forecast", date(2024, 8, 1),
                         subject_group={"country": "CN", "openness": "closed"}, target_models=["claude-ref"],
                         deadline_end=date(2026, 12, 31), attributed_to="Carol"),
    "fc_no_target_score": _claim("fc_no_target_score", "forecast", date(2024, 8, 1), subject_group={"country": "CN"},
                              target_models=["no-such-model"], deadline_end=date(2025, 1, 1)),
    "fc_flag_flag": _claim("fc_flag_flag", "forecast", date(2024, 8, 1), subject_group={"country": "CN"},
                           target_models=["us-a"], deadline_end=date(2024, 6, 30),
                           flags=["deadline_before_publication"]),
    "fc_flag_dates": _claim("fc_flag_dates", "forecast", date(2024, 8, 1), subject_group={"country": "CN"},
                            target_models=["us-a"], deadline_end=date(2024, 7, 31)),
    "fc_release": _claim("fc_release", "forecast", date(2024, 12, 1), models=["cn-c"],
                         deadline_start=date(2025, 1, 1), deadline_end=date(2025, 6, 30), attributed_to="Carol"),
}


def _load(con: duckdb.DuckDBPyConnection) -> None:
    merge_releases(con, [
        {"model_id": m, "display_name": m, "organization": o, "country": c, "release_date": d, "open_weights": ow,
         "source_url": f"https://example.org/{m}", "origin": "seed"} for m, o, c, ow, d, _ in MODELS])
    upsert_scores(con, [{"model_id": m, "metric": "eci", "as_of": d, "value": v, "source_url": "https://e/eci.csv",
                         "origin": "epoch"} for m, _, _, _, d, v in MODELS], None)
    docs = [Document(url=f"https://news.example/{k}", canonical_url=f"https://news.example/{k}", source="feed",
                     text="t", outlet="Example Times" if k.startswith("gap") else "Forecast Weekly")
            for k in CLAIMS]
    docs = [d.model_copy(update={"doc_id": f"doc-{k}"}) for d, k in zip(docs, CLAIMS, strict=True)]
    load_documents(con, docs)
    insert(con, "claims", list(CLAIMS.values()))


@pytest.fixture()
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = open_db(tmp_path / "w.duckdb")
    migrate(c)
    _load(c)
    yield c
    c.close()


def _outcomes(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, tuple]:
    rows = con.execute(
        "SELECT c.target, o.verdict, o.measured_months, o.error_months, o.evidence, o.note "
        "FROM outcomes o JOIN claims c USING (claim_id) WHERE o.as_of = ?", [as_of]).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_gap_verdicts_and_errors(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    out = _outcomes(con, date(2025, 6, 1))
    assert out["gap_within"][0] == "within" and out["gap_within"][1] == pytest.approx(LAG_AUG_2024, abs=0.01)
    assert out["gap_within"][2] == 0.0
    assert out["gap_over"][0] == "overstated" and out["gap_over"][2] == pytest.approx(12 - LAG_AUG_2024, abs=0.01)
    assert out["gap_under"][0] == "understated" and out["gap_under"][2] == pytest.approx(1 - LAG_AUG_2024, abs=0.01)
    assert out["gap_nodata"][0] == "unmeasurable"
    assert out["gap_ahead"][0] == "within"  # US ahead of China = China behind the US
    # behind a named model: China first matched claude-ref (2024-10-27) with cn-c on 2025-03-01 → 125 days
    assert out["gap_model"][0] == "within" and out["gap_model"][1] == pytest.approx(125 / DAYS, abs=0.01)
    ev = json.loads(out["gap_within"][3])
    assert ev[0]["table"] == "lag" and ev[0]["lag_days"] == 114
    assert {e.get("model_id") for e in ev[1:]} == {"cn-a", "us-b"}  # China's best and the US model that passed it


def test_forecast_verdicts(con: duckdb.DuckDBPyConnection) -> None:
    counts = resolve(con, date(2025, 6, 1))
    out = _outcomes(con, date(2025, 6, 1))
    assert out["fc_confirmed"][0] == "confirmed"
    assert [e["model_id"] for e in json.loads(out["fc_confirmed"][3])][:2] == ["cn-c", "us-c"]
    assert out["fc_incorrect"][0] == "incorrect"
    assert out["fc_pending"][0] == "pending"
    assert out["fc_no_target_score"][0] == "needs-judgment"  # no dataset scores the target: a person decides
    assert out["fc_flag_flag"][0] == "flagged" and out["fc_flag_dates"][0] == "flagged"
    assert out["fc_release"][0] == "confirmed"
    assert json.loads(out["fc_release"][3])[0]["release_date"] == "2025-03-01"
    assert counts["claims"] == len(CLAIMS) and counts["flagged"] == 2


def test_as_of_history_is_kept_and_recompute_replaces(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2024, 12, 31))
    early = _outcomes(con, date(2024, 12, 31))
    # before cn-c existed: the forecast is still open, and the deadline of fc_incorrect has not passed yet
    assert early["fc_confirmed"][0] == "pending" and early["fc_incorrect"][0] == "pending"
    assert early["fc_release"][0] == "pending"
    resolve(con, date(2025, 6, 1))
    resolve(con, date(2025, 6, 1))
    n = con.execute("SELECT as_of, count(*) FROM outcomes GROUP BY 1 ORDER BY 1").fetchall()
    assert n == [(date(2024, 12, 31), len(CLAIMS)), (date(2025, 6, 1), len(CLAIMS))]
    latest = dict(con.execute("SELECT target, verdict FROM v_claim_outcomes").fetchall())
    assert latest["fc_confirmed"] == "confirmed" and len(latest) == len(CLAIMS)


def test_views_scorecard_and_timeline(con: duckdb.DuckDBPyConnection) -> None:
    resolve(con, date(2025, 6, 1))
    card = {(r[0], r[1]): r[2:] for r in con.execute(
        "SELECT level, name, claims, resolved, hits, hit_rate, mae_months, brier FROM v_source_scorecard").fetchall()}
    claims, resolved, hits, hit_rate, mae, brier = card[("claimant", "Alice")]
    assert (claims, resolved, hits, hit_rate) == (2, 2, 1, 0.5)
    assert mae == pytest.approx((12 - LAG_AUG_2024) / 2, abs=0.01)
    assert brier == pytest.approx(((0.9 - 1) ** 2 + 0.9**2) / 2)
    carol = card[("claimant", "Carol")]
    assert carol[:3] == (4, 3, 2)  # confirmed, incorrect, release confirmed; the pending one is not resolved
    assert card[("outlet", "Example Times")][0] == 6 and ("outlet", "Forecast Weekly") in card
    tl = con.execute("SELECT claim_id, claimed_mid, measured_months, verdict FROM v_gap_timeline").fetchall()
    assert len(tl) == 6 and all(r[3] for r in tl)


def test_default_reference_group() -> None:
    assert default_reference({"country": "CN"}) == {"country": "US"}
    assert default_reference({"country": "US"}) == {"country": "!US"}
    assert default_reference({"openness": "open"}) == {"openness": "closed"}
    assert default_reference({"lab": "deepseek"}) == {"scope": "frontier", "lab": "!deepseek"}


def test_resolve_claims_command_on_warehouse_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with writer(db) as c:
        _load(c)
    counts = resolve_claims(db, date(2025, 6, 1))
    assert counts["claims"] == len(CLAIMS) and counts["within"] == 3
    with reader(db) as c:
        assert c.execute("SELECT count(*) FROM v_claim_outcomes WHERE evidence <> '[]'").fetchall()[0][0] >= 9


EXTRA = {
    # named model inside a lab reference ("caught up with OpenAI's o1" → the model), extra attrs on model groups
    "gap_parity_model": _claim("gap_parity_model", "gap", date(2024, 12, 1), direction="parity",
                               subject_group={"lab": "alibaba", "country": "CN"},
                               reference_group={"lab": "google", "country": "US"}, models=["us-c"]),
    # one model vs another, never matched: lower bound 2025-03-01 - 2024-10-27 = 125 days > 1 + 0.5 months
    "gap_lower": _claim("gap_lower", "gap", date(2025, 3, 1), direction="behind", months_low=1, months_high=1,
                        subject_group={"model": "cn-b", "lab": "alibaba", "country": "CN", "openness": "open"},
                        reference_group={"model": "claude-ref", "lab": "anthropic", "country": "US"}),
    # published after the last score (2025-03-01) but within a quarter: measured on the last day with data
    "gap_late": _claim("gap_late", "gap", date(2025, 5, 1), direction="behind", months_low=0, months_high=1,
                       subject_group={"country": "CN"}),
    "gap_stale": _claim("gap_stale", "gap", date(2026, 1, 1), direction="behind", months_low=0, months_high=1,
                        subject_group={"country": "CN"}),
    # past claim about a period: lags measured across mid-2024 (May-Aug)
    "gap_past": _claim("gap_past", "gap", date(2025, 5, 1), direction="behind", months_low=8, months_high=8,
                       subject_group={"country": "CN"}, timeframe="past", as_of_text="in mid-2024"),
}


def test_refinements_bounds_horizon_and_past_periods(tmp_path: Path) -> None:
    c = open_db(tmp_path / "w.duckdb")
    migrate(c)
    _load(c)
    load_documents(c, [Document(doc_id=f"doc-{k}", url=f"https://x/{k}", canonical_url=f"https://x/{k}",
                                source="feed", text="t") for k in EXTRA])
    insert(c, "claims", list(EXTRA.values()))
    resolve(c, date(2026, 6, 1))
    out = _outcomes(c, date(2026, 6, 1))
    # alibaba's cn-b (115, 2024-11-01) vs us-c (120): never reached by 2024-12-01; lower bound 135 days
    verdict, measured, _, ev, note = out["gap_parity_model"]
    assert verdict == "understated" and measured == pytest.approx(135 / DAYS, abs=0.01)
    assert "us-c" in note and {e.get("model_id") for e in json.loads(ev)} >= {"us-c", "cn-b"}
    assert out["gap_lower"][0] == "understated" and out["gap_lower"][1] == pytest.approx(125 / DAYS, abs=0.01)
    # on 2025-03-01 China (cn-c, 131) is ahead of every US model → lag 0, within [0, 1]
    assert out["gap_late"][0] == "within" and out["gap_late"][1] == 0.0 and "2025-03-01" in out["gap_late"][4]
    assert out["gap_stale"][0] == "unmeasurable" and "more than 92 days" in out["gap_stale"][4]
    # May-Aug 2024: China's best is cn-a (105) from 2024-06-01; the US passed 105 on 2024-04-10 → 53..144 days
    verdict, measured, error, _, note = out["gap_past"]
    assert verdict == "overstated" and error == pytest.approx(8 - 144 / DAYS, abs=0.01)
    assert "2024-05-01..2024-08-31" in note
    c.close()


def test_past_period_parsing() -> None:
    from warehouse.outcomes.resolve import past_period

    assert past_period("in 2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert past_period("early 2024") == (date(2024, 1, 1), date(2024, 4, 30))
    assert past_period("in late-2025") == (date(2025, 9, 1), date(2025, 12, 31))
    assert past_period("last spring") is None


def test_default_reference_prefers_lab_over_country():
    from warehouse.outcomes.resolve import default_reference

    assert default_reference({"lab": "openai", "country": "US"}) == {"scope": "frontier", "lab": "!openai"}
    assert default_reference({"country": "CN", "openness": "open"}) == {"openness": "closed"}
    assert default_reference({"country": "CN"}) == {"country": "US"}
