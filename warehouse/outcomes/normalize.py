"""Normalization shared by every release source: country names → ISO2, organization names → ids, openness;
one release row per model from an API's list of model objects."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# Country spellings seen in Epoch AI's files (which use UN-style long names) and common short forms → ISO-3166 alpha-2.
# Matched as substrings of the cell, longest first, so names that themselves contain commas
# ("Taiwan, Province of China") or parentheses ("Korea (Republic of)") survive quote-aware CSV cells.
COUNTRY_ISO2: dict[str, str] = {
    "united states of america": "US",
    "united states": "US",
    "usa": "US",
    "united kingdom of great britain and northern ireland": "GB",
    "united kingdom": "GB",
    "china": "CN",
    "people's republic of china": "CN",
    "hong kong": "HK",
    "taiwan, province of china": "TW",
    "taiwan": "TW",
    "france": "FR",
    "germany": "DE",
    "canada": "CA",
    "israel": "IL",
    "japan": "JP",
    "korea (republic of)": "KR",
    "republic of korea": "KR",
    "south korea": "KR",
    "korea": "KR",
    "india": "IN",
    "singapore": "SG",
    "switzerland": "CH",
    "netherlands": "NL",
    "russian federation": "RU",
    "russia": "RU",
    "united arab emirates": "AE",
    "saudi arabia": "SA",
    "finland": "FI",
    "sweden": "SE",
    "spain": "ES",
    "italy": "IT",
    "australia": "AU",
    "brazil": "BR",
    "viet nam": "VN",
    "vietnam": "VN",
    "poland": "PL",
    "denmark": "DK",
    "norway": "NO",
    "austria": "AT",
    "belgium": "BE",
    "ireland": "IE",
    "turkey": "TR",
    "türkiye": "TR",
    "indonesia": "ID",
    "iran": "IR",
    "czechia": "CZ",
    "czech republic": "CZ",
    "portugal": "PT",
    "greece": "GR",
    "egypt": "EG",
    "qatar": "QA",
    "kazakhstan": "KZ",
    "thailand": "TH",
    "malaysia": "MY",
}

_COUNTRY_KEYS = sorted(COUNTRY_ISO2, key=len, reverse=True)


def countries_iso2(cell: str | None) -> list[str]:
    """Return the ISO2 codes named in a country cell, in the order they appear (first = primary).

    >>> countries_iso2("United States of America,United Kingdom of Great Britain and Northern Ireland")
    ['US', 'GB']
    """
    if not cell:
        return []
    text = " ".join(cell.split()).lower()
    if len(text) == 2 and text.upper().isalpha():
        return [text.upper()]
    taken = [False] * len(text)
    found: list[tuple[int, str]] = []
    for key in _COUNTRY_KEYS:
        for m in re.finditer(r"(?<![a-z])" + re.escape(key) + r"(?![a-z])", text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), COUNTRY_ISO2[key]))
    out: list[str] = []
    for _, code in sorted(found):
        if code not in out:
            out.append(code)
    return out


# Organization spellings → the lowercase org ids the extractor emits (docs/TEAM.md).
ORG_IDS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google deepmind": "google",
    "google": "google",
    "google brain": "google",
    "deepmind": "google",
    "google research": "google",
    "meta ai": "meta",
    "meta": "meta",
    "facebook ai research": "meta",
    "facebook": "meta",
    "xai": "xai",
    "mistral ai": "mistral",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "deepseek-ai": "deepseek",
    "alibaba": "alibaba",
    "alibaba cloud": "alibaba",
    "alibaba group": "alibaba",
    "qwen": "alibaba",
    "qwen team": "alibaba",
    "moonshot": "moonshot",
    "moonshot ai": "moonshot",
    "moonshotai": "moonshot",
    "zhipu ai": "zhipu",
    "zhipu": "zhipu",
    "z.ai": "zhipu",
    "z.ai (zhipu ai)": "zhipu",
    "zai-org": "zhipu",
    "thudm": "zhipu",
    "minimax": "minimax",
    "minimaxai": "minimax",
    "bytedance": "bytedance",
    "bytedance seed": "bytedance",
    "baidu": "baidu",
    "tencent": "tencent",
    "stepfun": "stepfun",
    "01.ai": "01ai",
    "01-ai": "01ai",
    "microsoft": "microsoft",
    "microsoft research": "microsoft",
    "nvidia": "nvidia",
    "amazon": "amazon",
    "technology innovation institute": "tii",
    "tiiuae": "tii",
    "cohere": "cohere",
    "cohereforai": "cohere",
    "ai21 labs": "ai21",
    "baichuan": "baichuan",
    "baichuan-inc": "baichuan",
    "mosaicml": "mosaicml",
    "databricks": "databricks",
    "salesforce": "salesforce",
    "cerebras systems": "cerebras",
    "hugging face": "huggingface",
    "huggingface": "huggingface",
    "meta-llama": "meta",
    "mistralai": "mistral",
    "openai-community": "openai",
}


def org_id(name: str | None) -> str | None:
    """Return the org id of the first organization in a cell ("DeepSeek,Peking University" → "deepseek")."""
    if not name or not name.strip():
        return None
    whole = " ".join(name.split()).lower()
    if whole in ORG_IDS:
        return ORG_IDS[whole]
    first = whole.split(",")[0].strip()
    if first in ORG_IDS:
        return ORG_IDS[first]
    slug = re.sub(r"[^a-z0-9]+", "", first)
    return slug or None


def open_weights_from(accessibility: str | None, flag: str | None = None) -> bool | None:
    """Map Epoch's "Model accessibility" wording (or an "Open model weights?" Yes/No) to True/False/None."""
    if flag is not None and flag.strip():
        f = flag.strip().lower()
        if f in {"yes", "true", "1", "y"}:
            return True
        if f in {"no", "false", "0", "n"}:
            return False
    if not accessibility or not accessibility.strip():
        return None
    a = accessibility.strip().lower()
    if a.startswith("open weights") or a.startswith("open source"):
        return True
    if a.startswith(("api access", "hosted access", "unreleased", "closed")):
        return False
    return None


def earliest_releases(items: Iterable[Any], to_release: Callable[[dict[str, Any]], dict[str, Any] | None],
                      ) -> list[dict[str, Any]]:
    """One release row per model id: `to_release` of each object (non-objects and rejected ones skipped),
    keeping the earliest release_date (the first seen on a tie), in first-seen order of the ids."""
    rows: dict[str, dict[str, Any]] = {}
    for obj in items:
        if not isinstance(obj, dict):
            continue
        rel = to_release(obj)
        if rel is None:
            continue
        prev = rows.get(rel["model_id"])
        if prev is None or rel["release_date"] < prev["release_date"]:
            rows[rel["model_id"]] = rel
    return list(rows.values())
