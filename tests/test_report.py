"""The HTML report: content, escaping of hostile text, empty and partial warehouses, and a headless-Chromium render."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimwatch.report import claim_summary, group_label, render_report, safe_href
from claimwatch.svg import date_ticks, esc, nice_ticks
from schemas import Claim, Document
from warehouse import writer
from warehouse.load import insert, load_documents, replace_extractions

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AS_OF = date(2025, 12, 1)
HOSTILE = 'Insiders say <script>alert(1)</script> "DeepSeek" is <b>3 months</b> behind & <img src=x onerror=alert(2)>.'


def _doc(n: int, published: date, *, outlet: str, url: str | None = None, title: str | None = None) -> Document:
    u = url or f"https://news.example.org/ai/{n}"
    return Document(url=u, canonical_url=u, source=outlet.lower().replace(" ", "-"), outlet=outlet,
                    title=title or f"Story {n} about the AI race", published_at=datetime(*published.timetuple()[:3], 9),
                    text=f"Body of story {n}.", authors=["A. Writer"])


def _claim(doc: Document, sentence: str, **kw: object) -> Claim:
    assert doc.published_at is not None
    return Claim(doc_id=doc.doc_id, extractor_version="test", sentence=sentence, start_char=0,
                 end_char=len(sentence), published_at=doc.published_at.date(), **kw)  # type: ignore[arg-type]


def _lag_rows(lagging: str, leading: str, start: date, end: date, base: float) -> list[dict[str, object]]:
    rows = []
    now = datetime.now(UTC).replace(tzinfo=None)
    d, i = start, 0
    while d <= end:
        lag = base + (i % 120) / 30.44  # grows one month per month, drops back every 120 days (a new release)
        rows.append({"lagging_group": lagging, "leading_group": leading, "metric": "eci", "day": d,
                     "lag_days": round(lag * 30.44), "lag_months": round(lag, 4), "censored": i < 30,
                     "lagging_best": 120.0 + i / 100, "lagging_model": "deepseek-v3", "leading_match_date": d,
                     "leading_best": 130.0, "computed_at": now})
        d += timedelta(days=1)
        i += 1
    return rows


def build_warehouse(db: Path, *, outcomes: bool = True, hostile: bool = True) -> dict[str, Claim]:
    """A small warehouse: gap claims, forecasts, a hostile sentence, a measured lag series and outcomes."""
    docs = [
        _doc(1, date(2025, 2, 3), outlet="The Example Wire"),
        _doc(2, date(2025, 5, 20), outlet="Frontier Weekly"),
        _doc(3, date(2025, 8, 11), outlet="The Example Wire"),
        _doc(4, date(2025, 10, 2), outlet="Policy Desk", url="javascript:alert(3)", title="<i>bad link</i>"),
        _doc(5, date(2025, 11, 15), outlet="Frontier Weekly"),
        _doc(6, date(2026, 1, 10), outlet="Future Post"),  # after the report date: not shown with as_of
    ]
    cn = {"country": "CN"}
    us = {"country": "US"}
    c = {
        "gap_range": _claim(docs[0], "Chinese labs are six to nine months behind the US frontier, analysts said.",
                            kind="gap", direction="behind", months_low=6, months_high=9, subject="Chinese labs",
                            subject_group=cn, reference="US frontier", reference_group=us,
                            attributed_to="Jane Analyst", hedged=True, confidence=0.7),
        "gap_point": _claim(docs[1], "Open models are five months behind Claude Sonnet 4.5.", kind="gap",
                            direction="behind", months_low=5, months_high=5, subject="Open models",
                            subject_group={"openness": "open"}, reference="Claude Sonnet 4.5",
                            reference_group={"model": "claude-sonnet-4.5"}),
        "gap_ahead": _claim(docs[2], "US labs lead by about seven months.", kind="gap", direction="ahead",
                            months_low=7, months_high=7, approximate=True, subject="US labs", subject_group=us,
                            reference="Chinese labs", reference_group=cn, attributed_to="R. Researcher"),
        "hostile": _claim(docs[3], HOSTILE if hostile else "DeepSeek is 3 months behind.", kind="gap",
                          direction="behind", months_low=3, months_high=3, subject="DeepSeek",
                          subject_group={"lab": "deepseek"}, reference="OpenAI", reference_group={"lab": "openai"}),
        "fc_confirmed": _claim(docs[0], "Open models will reach GPT-4o level by mid-2025.", kind="forecast",
                               subject="Open models", subject_group={"openness": "open"}, target="GPT-4o",
                               target_models=["gpt-4o"], deadline_text="mid-2025", deadline_start=date(2025, 2, 3),
                               deadline_end=date(2025, 6, 30), timeframe="future"),
        "fc_incorrect": _claim(docs[1], "China will catch up with the US by September 2025.", kind="forecast",
                               subject="China", subject_group=cn, target="US frontier", deadline_text="September 2025",
                               deadline_end=date(2025, 9, 30), timeframe="future", attributed_to="A. Pundit",
                               hedged=True, confidence=0.6),
        "fc_pending": _claim(docs[4], "Open weights will match Opus by the end of 2026.", kind="forecast",
                             subject="Open weights", subject_group={"openness": "open"}, target="Claude Opus",
                             target_models=["family:claude-opus"], deadline_text="the end of 2026",
                             deadline_end=date(2026, 12, 31), timeframe="future"),
        "fc_flagged": _claim(docs[2], "Chinese models will reach o3 by early 2025.", kind="forecast",
                             subject="Chinese models", subject_group=cn, target="o3", target_models=["o3"],
                             deadline_text="early 2025", deadline_end=date(2025, 4, 30), timeframe="future",
                             flags=["deadline_before_publication"]),
        "fc_open": _claim(docs[4], "Someone will eventually match GPT-5.", kind="forecast", subject="Someone",
                          target="GPT-5", target_models=["gpt-5"], timeframe="future"),
        "future": _claim(docs[5], "Chinese labs are two months behind.", kind="gap", direction="behind",
                         months_low=2, months_high=2, subject="Chinese labs", subject_group=cn,
                         reference="US labs", reference_group=us),
    }
    verdicts = {"gap_range": ("within", 7.5, 0.0), "gap_point": ("understated", 8.1, -3.1),
                "gap_ahead": ("overstated", 5.2, 1.8), "hostile": ("unmeasurable", None, None),
                "fc_confirmed": ("confirmed", None, None), "fc_incorrect": ("incorrect", None, None),
                "fc_pending": ("pending", None, None), "fc_flagged": ("flagged", None, None),
                "fc_open": ("unresolvable", None, None), "future": ("within", 2.0, 0.0)}
    now = datetime.now(UTC).replace(tzinfo=None)
    with writer(db) as con:
        load_documents(con, docs)
        replace_extractions(con, [d.doc_id for d in docs], "test", [], list(c.values()))
        if outcomes:
            insert(con, "lag_series", _lag_rows("country=CN", "country=US", date(2024, 6, 1), AS_OF, 4.0),
                   mode="append")
            insert(con, "lag_series", _lag_rows("openness=open", "openness=closed", date(2024, 9, 1), AS_OF, 2.0),
                   mode="append")
            rows = []
            for key, (verdict, measured, error) in verdicts.items():
                rows.append({"claim_id": c[key].claim_id, "as_of": AS_OF, "verdict": verdict,
                             "measured_months": measured, "error_months": error,
                             "evidence": [{"table": "scores", "model_id": "deepseek-v3"}],
                             "method": "test", "note": f"<u>note</u> for {key}", "computed_at": now})
                # an older resolution that the report must not pick
                rows.append({"claim_id": c[key].claim_id, "as_of": date(2025, 1, 1), "verdict": "pending",
                             "method": "test", "computed_at": now, "evidence": []})
            insert(con, "outcomes", rows, mode="append")
    return c


class _Collector(HTMLParser):
    """Collects tags with their attributes and the stack of enclosing element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None], tuple[str, ...]]] = []
        self.stack: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        ids = tuple(i for _, i in self.stack if i)
        self.tags.append((tag, a, ids))
        if tag not in ("meta", "br", "img", "link", "input", "hr"):
            self.stack.append((tag, a.get("id") or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a, tuple(i for _, i in self.stack if i)))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str, inside: str) -> int:
        return sum(1 for t, _, ids in self.tags if t == tag and inside in ids)


def _parse(html: str) -> _Collector:
    p = _Collector()
    p.feed(html)
    p.close()
    return p


def _assert_self_contained(html: str, parsed: _Collector) -> None:
    low = html.lower()
    assert "<script" not in low
    assert "@import" not in low and "url(" not in low
    for tag, a, _ in parsed.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "image", "use", "base"), tag
        assert "src" not in a, (tag, a)
        assert not any(k.startswith("on") for k in a), (tag, a)
        href = a.get("href") or a.get("xlink:href")
        if href is not None:
            assert tag == "a", (tag, href)  # only navigation links, never a loaded resource
            assert href.startswith("#") or re.match(r"https?://", href), href


def test_report_has_charts_tables_and_escapes_hostile_text(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    claims = build_warehouse(db)
    out = render_report(db, tmp_path / "out" / "report.html", as_of=AS_OF)
    html = out.read_text(encoding="utf-8")
    parsed = _parse(html)
    _assert_self_contained(html, parsed)

    # the hostile sentence is shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert HOSTILE in "".join(parsed.text)
    assert 'href="javascript' not in html
    assert "&lt;i&gt;bad link&lt;/i&gt;" in html
    assert "&lt;u&gt;note&lt;/u&gt;" in html

    # page structure and accessibility
    assert re.search(r"<title>claimwatch report — 2025-12-01</title>", html)
    assert [t for t, _, _ in parsed.tags].count("h2") == 5  # lag, forecasts, scorecard, claims, coverage
    assert 'id="coverage"' in html and "Verdict coverage" in html  # (e) claims per verdict and reason
    for chart in ("lag-chart", "forecast-chart"):
        svg = next(a for t, a, _ in parsed.tags if t == "svg" and a.get("id") == chart)
        assert svg.get("role") == "img" and svg.get("aria-labelledby")
        assert parsed.count("title", chart) > 3  # one tooltip per point / bar
    assert "months behind" in html and "legend" in html

    # (a) lag chart: claims as dots with range bars, two measured series
    assert parsed.count("circle", "lag-chart") >= 4
    assert parsed.count("path", "lag-chart") >= 2
    assert "measured: CN behind US (ECI)" in html
    assert "measured: open behind closed (ECI)" in html
    # (b) forecast timeline: one bar per dated forecast, all five verdicts in the legend
    assert parsed.count("rect", "forecast-chart") >= 4
    for verdict in ("confirmed", "incorrect", "pending", "flagged", "unresolvable"):
        assert f"{verdict} (1)" in html
    assert "no deadline" in html
    # (c) scorecard from v_source_scorecard; (d) latest claims with links and attribution
    assert "By claimant" in html and "By outlet" in html and "Jane Analyst" in html
    assert 'href="https://news.example.org/ai/1"' in html
    assert "hedged · confidence 0.70" in html
    # the report date cuts later claims and picks the latest outcome on or before it
    assert claims["future"].sentence not in html
    assert ">within<" in html and "overstated" in html


def test_report_on_empty_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with writer(db):
        pass
    html = render_report(db, tmp_path / "r.html", as_of=AS_OF).read_text(encoding="utf-8")
    _assert_self_contained(html, _parse(html))
    assert "No measured lag yet" in html and "claimwatch releases sync" in html
    assert "No claims in the warehouse yet" in html
    assert "No forecasts in the warehouse yet" in html
    assert "scorecard is empty" in html


def test_report_without_outcome_tables(tmp_path: Path) -> None:
    """A warehouse from before the outcomes migration (no releases/scores/outcomes/lag_series, no views)."""
    db = tmp_path / "old.duckdb"
    build_warehouse(db, outcomes=False)
    with writer(db) as con:
        for view in ("v_gap_timeline", "v_source_scorecard", "v_claim_outcomes"):
            con.execute(f"DROP VIEW {view}")
        for table in ("outcomes", "lag_series", "releases", "scores"):
            con.execute(f"DROP TABLE {table}")
        # keep writer() from recreating them on exit: it migrates only on open
    html = render_report(db, tmp_path / "r.html", as_of=AS_OF).read_text(encoding="utf-8")
    parsed = _parse(html)
    _assert_self_contained(html, parsed)
    assert "No measured lag yet" in html
    assert "No scorecard yet" in html
    assert "No outcomes yet" in html
    assert parsed.count("circle", "lag-chart") >= 3  # the claims are still plotted (unresolved)
    assert "claim: unresolved" in html


def test_report_reads_the_snapshot_not_the_live_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_warehouse(db, outcomes=False, hostile=False)
    doc = _doc(99, date(2025, 11, 20), outlet="Unpublished Yet")
    with writer(db, snapshot=False) as con:  # a load whose snapshot has not been published
        load_documents(con, [doc])
        replace_extractions(con, [doc.doc_id], "test", [], [_claim(doc, "Not in the snapshot yet.", kind="gap")])
    html = render_report(db, tmp_path / "r.html", as_of=AS_OF).read_text(encoding="utf-8")
    assert "Unpublished Yet" not in html
    assert "Open models are five months behind Claude Sonnet 4.5." in html


def test_helpers() -> None:
    assert safe_href("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("data:text/html,hi") is None
    assert safe_href("//evil.example/") is None
    assert safe_href(None) is None
    assert esc('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert nice_ticks(0, 13.2, 6) == [0, 2.5, 5, 7.5, 10, 12.5, 15]
    ticks = date_ticks(date(2024, 1, 10), date(2025, 12, 20))
    assert ticks[0][0] >= date(2024, 1, 10) and len(ticks) <= 9
    assert group_label("country=CN,openness=open") == "CN open"
    summary = claim_summary({"kind": "gap", "subject": "China", "reference": "US", "direction": "behind",
                             "months_low": 3.0, "months_high": 6.0, "approximate": True})
    assert summary == "China behind US by ~3–6 months"


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: run .ci/install-chromium.sh")
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_warehouse(db)
    page = render_report(db, tmp_path / "report.html", as_of=AS_OF)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    res = _chromium([f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()], tmp_path / "profile1")
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    res = _chromium(["--dump-dom", page.as_uri()], tmp_path / "profile2")
    assert res.returncode == 0, res.stderr[-2000:]
    dom = _parse(res.stdout)
    assert dom.count("circle", "lag-chart") > 0
    assert dom.count("path", "lag-chart") > 0
    assert dom.count("rect", "forecast-chart") > 0
    assert dom.count("script", "lag-chart") == 0 and "<script" not in res.stdout.lower()
    # the hostile sentence is text in the rendered DOM, not an element
    assert HOSTILE in "".join(dom.text)
    shutil.copy(page, ARTIFACTS / "report.html")


def test_report_caps_long_lists_and_defaults_to_today(tmp_path: Path) -> None:
    db = tmp_path / "big.duckdb"
    docs = [_doc(n, date(2025, 1, 1) + timedelta(days=n), outlet=f"Outlet {n % 7}") for n in range(120)]
    claims = []
    for n, d in enumerate(docs):
        claims.append(_claim(d, f"Forecast {n}: open models will reach GPT-5 by 2027.", kind="forecast",
                             subject="Open models", target="GPT-5", deadline_end=date(2027, 1, 1)))
        claims.append(_claim(d, f"Gap {n}: China is {n % 12} months behind.", kind="gap", direction="behind",
                             months_low=float(n % 12), months_high=float(n % 12 + 2), subject="China",
                             reference="US"))
    with writer(db) as con:
        load_documents(con, docs)
        replace_extractions(con, [d.doc_id for d in docs], "test", [], claims)
    html = render_report(db, tmp_path / "r.html").read_text(encoding="utf-8")
    parsed = _parse(html)
    _assert_self_contained(html, parsed)
    assert "Showing the 40 most recent of 120 forecasts" in html
    assert "Showing the 60 most recent of 240 claims" in html
    assert parsed.count("circle", "lag-chart") == 120
    assert re.search(r"<title>claimwatch report — \d{4}-\d{2}-\d{2}</title>", html)  # as_of None: today


def test_report_computes_the_headline_lag_from_scores_when_no_series_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    build_warehouse(db, outcomes=False)
    models = [("us-a", "US", date(2024, 1, 1), 100.0), ("us-b", "US", date(2024, 7, 1), 120.0),
              ("cn-a", "CN", date(2024, 5, 1), 100.0), ("cn-b", "CN", date(2025, 3, 1), 120.0)]
    url = "https://example.org/eci.csv"
    with writer(db) as con:
        insert(con, "releases", [{"model_id": m, "display_name": m, "organization": m, "country": c,
                                  "release_date": d, "source_url": url, "origin": "test"} for m, c, d, _ in models],
               mode="replace")
        insert(con, "scores", [{"model_id": m, "metric": "eci", "as_of": d, "value": v, "source_url": url,
                                "origin": "test"} for m, _, d, v in models], mode="replace")
    html = render_report(db, tmp_path / "r.html", as_of=AS_OF).read_text(encoding="utf-8")
    parsed = _parse(html)
    assert "measured: CN behind US (ECI)" in html
    assert "computed from the stored scores" in html
    assert parsed.count("path", "lag-chart") >= 1
