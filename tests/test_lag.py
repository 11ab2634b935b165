"""Measured lag: synthetic series with known answers, group filters, storage, and the real Epoch ECI snapshot."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from claimwatch.outcomes_cli import lag_command, releases_sync_command
from warehouse.db import migrate, open_db, reader
from warehouse.outcomes.lag import (
    DAYS_PER_MONTH,
    ModelPoint,
    compute_lag,
    group_key,
    matches,
    parse_group,
    series_from_points,
)
from warehouse.outcomes.releases import merge_releases, upsert_scores

D0 = date(2024, 1, 1)


def _pt(mid: str, day: int, value: float, country: str) -> ModelPoint:
    return ModelPoint(mid, D0 + timedelta(days=day), value, country, None, None, None)


def test_linear_series_shifted_by_k_days_lags_exactly_k() -> None:
    k = 45
    lead = [_pt(f"us-{d}", d, float(d), "US") for d in range(0, 400)]
    lag = [_pt(f"cn-{d}", d, float(d - k), "CN") for d in range(k, 400)]
    s = series_from_points(lead + lag, {"country": "CN"}, {"country": "US"})
    assert {p.lag_days for p in s.points} == {k}
    summ = s.summary()
    assert summ.mean == summ.min == summ.max == summ.now == pytest.approx(k / DAYS_PER_MONTH)
    assert summ.censored_days == 0


def test_step_series_known_lags_and_censoring() -> None:
    lead = [_pt("a1", 0, 100, "US"), _pt("a2", 100, 110, "US"), _pt("a3", 200, 120, "US"), _pt("a4", 300, 130, "US")]
    lag = [_pt("b0", 50, 95, "CN"), _pt("b1", 150, 105, "CN"), _pt("b2", 250, 115, "CN"), _pt("b3", 380, 125, "CN")]
    s = series_from_points(lead + lag, {"country": "CN"}, {"country": "US"})
    at = {p.day: p for p in s.points}
    # day 50: 95 is below the leader's first known score → only a lower bound
    assert at[D0 + timedelta(days=50)].censored
    # day 150: best 105; leader passed 105 on day 100 → last day at or below is day 99 → 51 days
    p = at[D0 + timedelta(days=150)]
    assert (p.lag_days, p.censored, p.leading_match_date) == (51, False, D0 + timedelta(days=99))
    assert at[D0 + timedelta(days=249)].lag_days == 150  # lag grows while the lagging best stands still
    assert at[D0 + timedelta(days=250)].lag_days == 51
    assert at[D0 + timedelta(days=379)].lag_days == 180
    assert at[D0 + timedelta(days=380)].lag_days == 81
    summ = s.summary()
    assert summ.max == pytest.approx(180 / DAYS_PER_MONTH) and summ.min == pytest.approx(51 / DAYS_PER_MONTH)
    assert summ.censored_days == 100
    assert [round(v * DAYS_PER_MONTH) for _, _, v in summ.at_releases] == [51, 51, 81]


def test_lagging_group_ahead_means_zero_lag() -> None:
    lead = [_pt("a", 0, 100, "US")]
    lag = [_pt("b", 10, 120, "CN")]
    s = series_from_points(lead + lag, {"country": "CN"}, {"country": "US"}, end=D0 + timedelta(days=20))
    assert {p.lag_days for p in s.points} == {0}


def test_group_filters() -> None:
    p = ModelPoint("deepseek-r1", D0, 1.0, "CN", True, "deepseek")
    assert matches({"country": "CN"}, p) and not matches({"country": "US"}, p)
    assert matches({"country": "!US"}, p) and matches({"country": "US|CN"}, p)
    assert matches({"openness": "open"}, p) and not matches({"openness": "closed"}, p)
    assert matches({"lab": "DeepSeek"}, p) and matches({"lab": "!openai"}, p)
    assert matches({"model": "DeepSeek-R1"}, p) and matches({"model": "family:deepseek"}, p)
    assert matches({"country": "CN", "openness": "open", "scope": "frontier"}, p)
    assert not matches({"country": "CN", "openness": "closed"}, p)
    assert parse_group("country=cn, openness=Open") == {"country": "CN", "openness": "open"}
    assert group_key({"openness": "open", "country": "CN"}) == "country=CN,openness=open"
    with pytest.raises(ValueError):
        parse_group("china")


def test_compute_lag_reads_warehouse_and_replaces_stored_series(tmp_path: Path) -> None:
    con = open_db(tmp_path / "w.duckdb")
    migrate(con)
    rel = [{"model_id": m, "display_name": m, "organization": o, "country": c, "release_date": d, "open_weights": ow,
            "source_url": "https://example.org", "origin": "seed"}
           for m, o, c, d, ow in [("us-a", "openai", "US", D0, False),
                                  ("us-b", "anthropic", "US", D0 + timedelta(days=100), False),
                                  ("cn-a", "deepseek", "CN", D0 + timedelta(days=150), True)]]
    merge_releases(con, rel)
    upsert_scores(con, [
        {"model_id": "us-a", "metric": "eci", "as_of": D0, "value": 100.0, "source_url": "s", "origin": "t"},
        {"model_id": "us-b", "metric": "eci", "as_of": D0 + timedelta(days=100), "value": 110.0, "source_url": "s",
         "origin": "t"},
        {"model_id": "cn-a", "metric": "eci", "as_of": D0 + timedelta(days=150), "value": 105.0, "source_url": "s",
         "origin": "t"},
    ], None)
    s = compute_lag(con, "country=CN", "country=US")
    assert s.points[0].lag_days == 51 and len(s.points) == 1
    s2 = compute_lag(con, {"openness": "open"}, {"openness": "closed"}, end=D0 + timedelta(days=160))
    assert len(s2.points) == 11
    compute_lag(con, {"openness": "open"}, {"openness": "closed"}, end=D0 + timedelta(days=160))
    rows = con.execute("SELECT lagging_group, leading_group, count(*) FROM lag_series GROUP BY ALL ORDER BY 1"
                       ).fetchall()
    assert rows == [("country=CN", "country=US", 1), ("openness=open", "openness=closed", 11)]
    con.close()


@pytest.fixture(scope="module")
def eci_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("eci") / "w.duckdb"
    releases_sync_command(db, None, None)
    return db


def test_cn_vs_us_on_real_eci_snapshot_is_near_epochs_reading(eci_db: Path) -> None:
    """Epoch (Jan 2026): Chinese models trailed the US by ~7 months on average since 2023, 4 at least, 14 at most."""
    text = lag_command(eci_db, {"country": "CN"}, {"country": "US"}, "eci", date(2023, 1, 1))
    assert "mean" in text and "record-setting" in text
    with reader(eci_db) as con:
        from warehouse.outcomes.lag import compute_lag as cl

        s = cl(con, "country=CN", "country=US", start=date(2023, 1, 1), write=False)
        stored = con.execute("SELECT count(*) FROM lag_series WHERE lagging_group = 'country=CN'").fetchall()[0][0]
    summ = s.summary()
    assert stored == len(s.points)
    assert summ.mean is not None and summ.min is not None and summ.max is not None
    # every day since the first Chinese model: 8.3 months mean, 1.1-18.2 (see docs in the report)
    assert 5.0 <= summ.mean <= 11.0
    assert 0.5 <= summ.min <= 5.0
    assert 12.0 <= summ.max <= 20.0
    rs = summ.release_stats()
    assert rs is not None
    # at the days China set a new record: 5.8 months mean, 1.1-13.8 — Epoch's max of 14 reproduced
    assert 4.0 <= rs[0] <= 9.0 and 12.0 <= rs[2] <= 15.0
    assert all(not p.censored for p in s.points if p.day >= date(2023, 10, 1))
