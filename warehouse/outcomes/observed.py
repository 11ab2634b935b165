"""Releases observed in the stream (issue 12, item 4): release claims → `observed` facts in the registry.

A release claim (extractors/rules/releases.py) is one document saying a model is out. It is evidence, not yet a
fact: it enters the registry (release_facts, origin `observed`, through `merge_releases`) only when

- the lab's own feed says so: the document's source has a `lab` in sources.toml (table `source_labs`) and the
  model is not known to belong to another lab; or
- two independent outlets say so: documents on two different hosts (syndicated copies do not count).

Everything else stays a candidate (`v_release_candidates` shows every statement and whether its model made it).

Dates: a statement counts only when its document's publication date was written by the page or its feed (the
resolver's rule, `schemas.TRUSTED_DATE_SOURCES`), to the day or month. Its release day is the day the sentence
gives ("on Tuesday", "on March 3"), else the document's date when that is to the day. The registry takes the
lab's own earliest day, else the earliest day among the outlets. A model some other origin already dates
earlier keeps that date: a later "now available" is not its release.

Recomputed in full on every resolve: the observed facts are one replace-source batch
(`fetched_from = OBSERVED_FROM`), so a re-extraction that drops a statement withdraws the fact it supported.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb

from schemas import TRUSTED_DATE_PRECISIONS, TRUSTED_DATE_SOURCES
from warehouse.load import insert
from warehouse.outcomes.normalize import org_id
from warehouse.outcomes.releases import merge_releases

log = logging.getLogger(__name__)

__all__ = ["OBSERVED_FROM", "Statement", "corroborate", "record_observed_releases", "save_source_labs"]

# The `fetched_from` key of every observed fact: one full list, replaced on every resolve.
OBSERVED_FROM = "claimwatch:observed-releases"


def save_source_labs(con: duckdb.DuckDBPyConnection, labs: Mapping[str, str | None]) -> int:
    """Record which sources are a lab's own feed (source name → the `lab` of its watch-list entry, or None)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [{"source": name, "lab": lab, "organization": org_id(lab), "updated_at": now}
            for name, lab in sorted(labs.items())]
    return insert(con, "source_labs", rows, mode="replace") if rows else 0


def host_of(url: str) -> str:
    """The outlet a URL belongs to: its host (and port), without a leading www.

    >>> host_of("https://www.example.com/a"), host_of("http://127.0.0.1:8080/x")
    ('example.com', '127.0.0.1:8080')
    """
    return urlsplit(url).netloc.lower().removeprefix("www.")


@dataclass
class Statement:
    """One release claim with what its document says about where and when it was published."""

    claim_id: str
    model_id: str
    name: str
    group: dict[str, str]
    url: str
    source: str
    stated: tuple[date | None, date | None]  # the sentence's own day or interval (None: the publication date)
    doc_day: date | None  # the document's trusted publication date (None: not written by page or feed)
    doc_precision: str | None
    lab_org: str | None = None  # org id of the source's lab, when the source is a lab's own feed
    lab_name: str | None = None

    @property
    def day(self) -> date | None:
        """The release day this statement vouches for (None: it gives no usable day)."""
        if self.doc_day is None:
            return None
        start, end = self.stated
        if start is not None:
            return start if start == end else None
        return self.doc_day if self.doc_precision == "day" else None

    @property
    def own_lab(self) -> bool:
        """Announced by the lab's own feed (and not about another lab's model)."""
        return self.lab_org is not None and self.group.get("lab") in (None, self.lab_org)

    @property
    def host(self) -> str:
        """The outlet (host) that published the statement."""
        return host_of(self.url)


@dataclass
class Verdict:
    """What corroboration decided for one model."""

    model_id: str
    statements: list[Statement] = field(default_factory=list)
    fact: dict[str, Any] | None = None
    why: str = "uncorroborated"


_STATEMENTS_SQL = """
SELECT c.claim_id, c.models[1], c.subject, c.subject_group, d.canonical_url, d.source, c.deadline_start,
       c.deadline_end, CAST(d.published_at AS DATE), d.published_source, d.published_precision, s.organization, s.lab
FROM claims AS c
JOIN documents AS d USING (doc_id)
LEFT JOIN source_labs AS s ON s.source = d.source
WHERE c.kind = 'release' AND d.duplicate_of IS NULL AND len(c.models) > 0 AND NOT coalesce(c.negated, FALSE)
ORDER BY c.claim_id
"""


def load_statements(con: duckdb.DuckDBPyConnection) -> list[Statement]:
    """Every stored release claim of an original document, with its document's trusted date."""
    out = []
    for r in con.execute(_STATEMENTS_SQL).fetchall():
        trusted = r[9] in TRUSTED_DATE_SOURCES and r[10] in TRUSTED_DATE_PRECISIONS
        group = json.loads(r[3]) if isinstance(r[3], str) else dict(r[3] or {})
        out.append(Statement(claim_id=r[0], model_id=str(r[1]), name=r[2] or str(r[1]), group=group, url=r[4],
                             source=r[5], stated=(r[6], r[7]), doc_day=r[8] if trusted else None,
                             doc_precision=r[10] if trusted else None, lab_org=r[11], lab_name=r[12]))
    return out


def _fact(model_id: str, dated: list[Statement], own: list[Statement], why: str) -> dict[str, Any]:
    """The `observed` release fact for a corroborated model (evidence: the lab's statements first)."""
    lead = min(own or dated, key=lambda s: (s.day, s.url))
    day = lead.day
    urls = list(dict.fromkeys(s.url for s in sorted(dated, key=lambda s: (not s.own_lab, s.day, s.url))))
    group = next((s.group for s in own or dated if s.group.get("lab")), lead.group)
    openness = group.get("openness")
    return {
        "model_id": model_id, "display_name": lead.name, "organization": group.get("lab") or lead.lab_org,
        "organization_name": lead.lab_name if lead.own_lab else None, "country": group.get("country"),
        "countries": group.get("country"), "release_date": day,
        "open_weights": None if openness is None else openness == "open", "accessibility": None,
        "source_url": lead.url, "origin": "observed",
        "note": f"{why}; evidence: {' '.join(urls)}",
    }


def corroborate(statements: Iterable[Statement], known: Mapping[str, date] | None = None) -> list[Verdict]:
    """Decide per model: a fact when the lab's own feed or two outlets (hosts) give it a day, else a candidate.

    `known` maps models to the earliest release day another origin already gives: an observed day later than
    that is an announcement of availability, not the release, and is left out.
    """
    by_model: dict[str, list[Statement]] = {}
    for s in statements:
        by_model.setdefault(s.model_id, []).append(s)
    out = []
    for model_id, group in sorted(by_model.items()):
        v = Verdict(model_id, group)
        dated = [s for s in group if s.day is not None]
        own = [s for s in dated if s.own_lab]
        hosts = sorted({s.host for s in dated})
        if own:
            why = f"announced by the lab's own feed ({own[0].source})"
        elif len(hosts) >= 2:
            why = f"announced by {len(hosts)} outlets ({', '.join(hosts)})"
        else:
            v.why = "no dated statement" if not dated else "one outlet only"
            out.append(v)
            continue
        fact = _fact(model_id, dated, own, why)
        earlier = (known or {}).get(model_id)
        if earlier is not None and earlier < fact["release_date"]:
            v.why = f"already released {earlier} by another source"
        else:
            v.fact, v.why = fact, why
        out.append(v)
    return out


def _known_days(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    rows = con.execute("SELECT model_id, min(release_date) FROM release_facts WHERE origin <> 'observed' "
                       "AND release_date IS NOT NULL GROUP BY model_id").fetchall()
    return {str(m): d for m, d in rows}


def record_observed_releases(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Turn the stored release claims into `observed` facts (replacing the previous ones); return counts."""
    verdicts = corroborate(load_statements(con), _known_days(con))
    facts = [v.fact for v in verdicts if v.fact is not None]
    merge_releases(con, facts, fetched_from=OBSERVED_FROM, replace_source=True)
    counts = {"release_statements": sum(len(v.statements) for v in verdicts), "releases_observed": len(facts),
              "release_candidates": len(verdicts) - len(facts)}
    if verdicts:
        log.info("observed releases: %s", counts)
    return counts
