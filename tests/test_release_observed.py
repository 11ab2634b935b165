"""Releases observed in the stream (issue 12, items 4 and 5), end to end through the CLI on a loopback web.

A fictional lab (Corvid Labs) announces a model (Osprey 4) on its own feed; no dataset lists it. A fictional outlet
(The Lyon Ledger) had forecast it for March 2026, and an investor it quoted for February. After `claimwatch run`
and `claimwatch resolve`, the registry holds Osprey 4 as `observed` with the announcement as evidence, the March
forecast is confirmed and the February one incorrect. Every text below is written for this test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimwatch.cli import app
from tests.httpfixture import FixtureServer, running_server
from warehouse import reader

AS_OF = "2026-04-15"


def _rss(title: str, base: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS 2.0 feed: items are (title, path, RFC 822 date, summary)."""
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><guid isPermaLink=\"true\">{base}{p}</guid>"
        f"<pubDate>{d}</pubDate><description>{s}</description></item>" for t, p, d, s in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link><description>{title}</description>{entries}</channel></rss>")


def _page(title: str, iso_date: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{iso_date}"></head><body><article>'
            f"<h1>{title}</h1>{body}</article></body></html>")


LAB_POST = ("/news/introducing-osprey-4.html", "Introducing Osprey 4", "Tue, 17 Mar 2026 15:00:00 GMT",
            "2026-03-17T15:00:00Z", [
                "Today we are releasing Osprey 4, the most capable model Corvid Labs has built. Osprey 4 is "
                "available now in the Corvid API and in the Corvid chat app, with a context window of one "
                "million tokens.",
                "We trained Osprey 4 on our own cluster in Lyon over the winter. It writes and reviews code, reads "
                "long contracts and answers questions about charts, and it costs the same as the model it replaces.",
            ])
FORECAST_MARCH = ("/2026/02/10/corvid-readies-flagship.html", "Corvid Labs readies its next flagship",
                  "Tue, 10 Feb 2026 09:00:00 GMT", "2026-02-10T09:00:00Z", [
                      "Corvid Labs will launch its Osprey-4 model in March 2026, according to two people briefed "
                      "on the plans. The Lyon lab has been testing the model with a handful of banks since December.",
                      "Its current model, Osprey 3, is used by several European insurers for claims handling.",
                  ])
FORECAST_FEB = ("/2026/01/15/investor-notes.html", "An investor's notes on the Lyon AI scene",
                "Thu, 15 Jan 2026 09:00:00 GMT", "2026-01-15T09:00:00Z", [
                    "Corvid Labs will release the Osprey-4 model in February, one investor in the company "
                    "predicted in an interview with this newsletter.",
                    "The investor declined to say how much the lab has raised so far.",
                ])


def _serve(srv: FixtureServer, title: str, posts: list[tuple[str, str, str, str, list[str]]]) -> None:
    for path, head, _rfc, iso, paras in posts:
        srv.static(path, _page(head, iso, paras))
    srv.static("/feed.xml", _rss(title, srv.base, [(h, p, rfc, h) for p, h, rfc, _iso, _paras in posts]),
               "application/rss+xml")


@pytest.fixture(scope="module")
def web() -> Iterator[tuple[FixtureServer, FixtureServer]]:
    """The lab's site and the outlet's site: two loopback servers, two hosts."""
    with running_server() as lab, running_server() as outlet:
        _serve(lab, "Corvid Labs news", [LAB_POST])
        _serve(outlet, "The Lyon Ledger", [FORECAST_MARCH, FORECAST_FEB])
        yield lab, outlet


@pytest.fixture(scope="module")
def warehouse(web, prefect_api, tmp_path_factory) -> Path:
    """`claimwatch run` on a temporary watch list and warehouse, then `claimwatch resolve --as-of`."""
    lab, outlet = web
    tmp = tmp_path_factory.mktemp("observed")
    db, src = tmp / "w.duckdb", tmp / "sources.toml"
    src.write_text(
        f'[[source]]\nname = "corvid-news"\ntype = "rss"\nurl = "{lab.url("/feed.xml")}"\nallow_private = true\n'
        f'lab = "Corvid Labs"\n\n'
        f'[[source]]\nname = "lyon-ledger"\ntype = "rss"\nurl = "{outlet.url("/feed.xml")}"\nallow_private = true\n',
        encoding="utf-8")
    runner = CliRunner()
    ran = runner.invoke(app, ["run", "--sources", str(src), "--db", str(db)])
    assert ran.exit_code == 0, ran.output
    resolved = runner.invoke(app, ["resolve", "--db", str(db), "--as-of", AS_OF])
    assert resolved.exit_code == 0, resolved.output
    return db


def _rows(db: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    with reader(db) as con:
        cur = con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_lab_announcement_enters_the_registry_as_observed(warehouse: Path, web) -> None:
    lab, _outlet = web
    url = lab.url(LAB_POST[0])
    (rel,) = _rows(warehouse, "SELECT * FROM v_releases WHERE model_id = 'osprey-4'")
    assert rel["origin"] == "observed"
    assert str(rel["release_date"]) == "2026-03-17"
    assert rel["source_url"] == url
    assert rel["display_name"] == "Osprey 4"
    # no dataset lists it: the observed fact is the only one
    facts = _rows(warehouse, "SELECT origin, note FROM release_facts WHERE model_id = 'osprey-4'")
    assert [f["origin"] for f in facts] == ["observed"]
    assert url in facts[0]["note"] and "corvid-news" in facts[0]["note"]
    (stmt,) = _rows(warehouse, "SELECT * FROM v_release_candidates WHERE model_id = 'osprey-4'")
    assert stmt["status"] == "observed" and stmt["source_lab"] == "Corvid Labs" and stmt["url"] == url


def _forecast(db: Path, path: str, as_of: str = AS_OF) -> dict[str, Any]:
    """The outcome of the forecast in the article at `path`, as of a date (the run itself resolved as of today)."""
    (row,) = _rows(db, "SELECT o.* FROM outcomes AS o JOIN v_claims AS c USING (claim_id) "
                       "WHERE c.kind = 'forecast' AND c.url LIKE ? AND o.as_of = ?", [f"%{path}", as_of])
    return row


def test_forecast_for_the_release_month_is_confirmed(warehouse: Path, web) -> None:
    lab, _outlet = web
    fc = _forecast(warehouse, FORECAST_MARCH[0])
    assert (fc["verdict"], fc["reason"]) == ("confirmed", "release")
    (ev,) = json.loads(fc["evidence"])
    assert ev["model_id"] == "osprey-4" and ev["release_date"] == "2026-03-17"
    assert ev["origin"] == "observed" and ev["source_url"] == lab.url(LAB_POST[0])


def test_forecast_for_another_month_is_incorrect(warehouse: Path) -> None:
    fc = _forecast(warehouse, FORECAST_FEB[0])
    assert (fc["verdict"], fc["reason"]) == ("incorrect", "release")
    assert json.loads(fc["evidence"])[0]["release_date"] == "2026-03-17"
    assert "outside [2026-02-01, 2026-02-28]" in fc["note"]


def test_release_claims_are_not_scored_as_predictions(warehouse: Path) -> None:
    releases = _rows(warehouse, "SELECT claim_id FROM claims WHERE kind = 'release'")
    assert len(releases) == 1
    assert not _rows(warehouse, "SELECT * FROM outcomes JOIN claims USING (claim_id) WHERE kind = 'release'")
    assert not _rows(warehouse, "SELECT * FROM v_outcome_coverage WHERE kind = 'release'")
