"""Parse Epoch AI's published CSVs: the ECI scores file and the AI-models files (notable, all, frontier, large-scale).

Columns are matched by name through alias sets (case and punctuation ignored) because Epoch renames headers over
time; parsing goes through the csv module because cells hold quoted newlines and comma lists of countries.
Header names were checked against Epoch's files (https://epoch.ai/data/eci_scores.csv and
https://epoch.ai/data/notable_ai_models.csv: "Model", "Organization", "Publication date",
"Country (of organization)", "Model accessibility", "Parameters", "Training compute (FLOP)", "Open model weights?").
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schemas import model_slug
from warehouse.outcomes.normalize import countries_iso2, open_weights_from, org_id

log = logging.getLogger(__name__)

# Normalized header (lowercase, letters and digits only) → field. Several spellings per field on purpose.
ALIASES: dict[str, tuple[str, ...]] = {
    "model": ("model", "modelname", "system", "name"),
    "display": ("displayname", "modeldisplayname"),
    "eci": ("eci", "eciscore", "epochcapabilitiesindex", "ecivalue", "capabilitiesindex"),
    "ci_low": ("ecicilow", "cilow", "eci90cilow", "ecilower", "lowerci", "ecilow"),
    "ci_high": ("ecicihigh", "cihigh", "eci90cihigh", "eciupper", "upperci", "ecihigh"),
    "date": ("date", "releasedate", "publicationdate", "modelreleasedate", "published", "publicationdateutc"),
    "organization": ("organization", "organisation", "organizations", "organisations", "developer", "lab"),
    "country": ("countryoforganization", "countryoforganisation", "country", "countries", "countryoforigin"),
    "accessibility": ("modelaccessibility", "accessibility", "access"),
    "open_flag": ("openmodelweights", "openweights", "isopenweights"),
    "source_url": ("sourceurl", "source"),
    "link": ("link", "url", "reference link"),
    "parameters": ("parameters", "parametercount", "params"),
    "compute": ("trainingcomputeflop", "trainingcompute", "computeflop"),
    "frontier": ("frontiermodel", "isfrontier"),
}

_DATE_WORDS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*\d{4}|\d{4}(-\d{2})?(-\d{2})?"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bmt])\s*$", re.IGNORECASE)


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def match_columns(headers: list[str]) -> dict[str, str]:
    """Return field → actual header for the headers present (first match wins, exact alias before prefix)."""
    normed = {_norm(h): h for h in headers if h is not None}
    out: dict[str, str] = {}
    for fld, aliases in ALIASES.items():
        for alias in aliases:
            key = _norm(alias)
            if key in normed and normed[key] not in out.values():
                out[fld] = normed[key]
                break
    return out


def parse_date(text: str | None) -> date | None:
    """Parse the date forms Epoch uses ("2025-11-18", "2025-11-18 00:00:00", "2025/11/18"); None if unusable."""
    if not text or not text.strip():
        return None
    t = text.strip().replace("/", "-")
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", t)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    t = text.strip().replace(",", "")
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        return None


def display_name(name: str) -> str:
    """Drop date/version parentheticals ("GPT-4o (Nov 2024)" → "GPT-4o") but keep size ones ("(32B)")."""
    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        return m.group(0) if _SIZE.match(inner) else ""
    return " ".join(re.sub(r"\(([^)]*)\)", repl, name).split())


def epoch_model_id(name: str) -> str:
    """Canonical id for an Epoch row name; a pure size parenthetical is kept ("Qwen2.5-Coder (32B)" → "...-32b")."""
    sizes = [m.group(1) for m in re.finditer(r"\(([^)]*)\)", name) if _SIZE.match(m.group(1))]
    base = model_slug(name)
    for s in sizes:
        base = f"{base}-{s.strip().lower().replace(' ', '')}"
    return base


@dataclass
class EpochParsed:
    """What one Epoch CSV yielded: release rows, score rows, rows kept aside, and how columns were matched."""

    kind: str
    releases: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)
    undated: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    n_rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)


def _decode(body: bytes | str) -> str:
    if isinstance(body, str):
        return body
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace")


def _cell(row: dict[str, Any], cols: dict[str, str], fld: str) -> str | None:
    """The row's text in the column matched for `fld`, or None (no such column, or a missing cell)."""
    h = cols.get(fld)
    if h is None:
        return None
    v = row.get(h)
    return v if isinstance(v, str) else None


def _stripped(row: dict[str, Any], cols: dict[str, str], fld: str) -> str | None:
    """The cell with surrounding space removed; None when it is missing or blank."""
    return (_cell(row, cols, fld) or "").strip() or None


def _release_row(row: dict[str, Any], cols: dict[str, str], kind: str, name: str, mid: str, day: date | None,
                 source_url: str) -> dict[str, Any]:
    """The release fact one CSV row states (the models files' own link is preferred as its source URL)."""
    country_list = countries_iso2(_cell(row, cols, "country"))
    access = _stripped(row, cols, "accessibility")
    link = _stripped(row, cols, "link")
    own_link = kind == "epoch-models" and link and link.startswith("http")
    return {
        "model_id": mid,
        "display_name": display_name(name),
        "organization": org_id(_cell(row, cols, "organization")),
        "organization_name": _stripped(row, cols, "organization"),
        "country": country_list[0] if country_list else None,
        "countries": ",".join(country_list) or None,
        "release_date": day,
        "open_weights": open_weights_from(access, _cell(row, cols, "open_flag")),
        "accessibility": access,
        "source_url": link if own_link else _row_url(row, cols, source_url),
        "origin": "epoch",
        "note": None if day else "source row has no usable date",
    }


def _row_url(row: dict[str, Any], cols: dict[str, str], source_url: str) -> str:
    """The row's own source URL column, else the URL of the file."""
    return _stripped(row, cols, "source_url") or source_url


def _keep_earliest(releases: dict[str, dict[str, Any]], rel: dict[str, Any]) -> None:
    """Keep one release per model: the earliest dated row, its blanks filled from the row it replaces."""
    mid, day = rel["model_id"], rel["release_date"]
    prev = releases.get(mid)
    if prev is None or (day is not None and (prev["release_date"] is None or day < prev["release_date"])):
        if prev is not None:
            for k in ("country", "countries", "open_weights", "accessibility", "organization"):
                rel[k] = rel[k] if rel[k] is not None else prev[k]
        releases[mid] = rel


def _undated_row(i: int, mid: str, name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row kept aside because it has no usable date, with the raw cells for review."""
    return {
        "row_number": i, "model_id": mid, "source_model": name, "reason": "no usable date",
        "raw": json.dumps({k: v for k, v in row.items() if isinstance(k, str)}, ensure_ascii=False),
    }


def _keep_best_scores(scores: dict[tuple[str, str, date], dict[str, Any]], row: dict[str, Any],
                      cols: dict[str, str], kind: str, name: str, mid: str, day: date, source_url: str) -> None:
    """Add the row's score (ECI, or training compute for the models files), keeping the highest per model/day."""
    metrics: list[tuple[str, float | None, float | None, float | None]] = []
    if kind == "epoch-eci":
        metrics.append(("eci", _float(_cell(row, cols, "eci")), _float(_cell(row, cols, "ci_low")),
                        _float(_cell(row, cols, "ci_high"))))
    else:
        metrics.append(("training_compute_flop", _float(_cell(row, cols, "compute")), None, None))
    for metric, value, lo, hi in metrics:
        if value is None:
            continue
        key = (mid, metric, day)
        cur = scores.get(key)
        if cur is not None and cur["value"] >= value:
            continue
        scores[key] = {
            "model_id": mid, "metric": metric, "as_of": day, "value": value, "ci_low": lo, "ci_high": hi,
            "source_model": (_cell(row, cols, "display") or name).strip(),
            "source_url": _row_url(row, cols, source_url), "origin": "epoch",
        }


def parse_epoch_csv(body: bytes | str, source_url: str) -> EpochParsed:
    """Parse an Epoch CSV (ECI scores or AI models) into release and score rows; never raises on a bad row."""
    text = _decode(body)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = list(reader.fieldnames or [])
    cols = match_columns(headers)
    kind = "epoch-eci" if "eci" in cols else "epoch-models"
    out = EpochParsed(kind=kind, columns=cols)
    if "model" not in cols:
        log.warning("no model column in %s (headers: %s); nothing parsed", source_url, headers[:12])
        return out

    releases: dict[str, dict[str, Any]] = {}
    scores: dict[tuple[str, str, date], dict[str, Any]] = {}
    for i, row in enumerate(reader, start=1):
        out.n_rows += 1
        name = " ".join((_cell(row, cols, "model") or "").split())
        if not name:
            out.skipped.append({"row_number": i, "reason": "no model name"})
            continue
        mid = epoch_model_id(name)
        if not mid:
            out.skipped.append({"row_number": i, "reason": f"empty id for {name!r}"})
            continue
        day = parse_date(_cell(row, cols, "date"))
        _keep_earliest(releases, _release_row(row, cols, kind, name, mid, day, source_url))
        if day is None:
            out.undated.append(_undated_row(i, mid, name, row))
            continue
        _keep_best_scores(scores, row, cols, kind, name, mid, day, source_url)
    out.releases = list(releases.values())
    out.scores = list(scores.values())
    log.info("parsed %s: %d rows → %d releases, %d scores, %d undated", kind, out.n_rows, len(out.releases),
             len(out.scores), len(out.undated))
    return out
