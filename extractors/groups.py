"""Subject groups ("Chinese open-source models", "US labs", "the frontier") → normalized attributes.

A group phrase is composed from the lexicon in patterns/groups.jsonl: optional scope/country/openness modifiers
followed by a head noun ("models", "labs", "developers"), or one of the fixed phrases ("the frontier", "China").
At least one modifier is required, so "models" alone is not a group.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from extractors.models import ModelHit, org_info
from extractors.retrie import trie_alternation

__all__ = ["GroupHit", "find_groups", "lab_group", "model_group"]


@dataclass(frozen=True)
class GroupHit:
    """A subject-group phrase with its attributes (country, openness, scope, region)."""

    start: int
    end: int
    text: str
    attrs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class _Lexicon:
    rx: re.Pattern[str]
    modifier: dict[str, dict[str, str]]
    phrase: dict[str, dict[str, str]]


def _alt(terms: list[str]) -> str:
    return trie_alternation(terms)  # longest term preferred, as in a longest-first list, but much cheaper


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    text = resources.files("extractors").joinpath("patterns", "groups.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    modifier: dict[str, dict[str, str]] = {}
    phrase: dict[str, dict[str, str]] = {}
    by_type: dict[str, list[str]] = {}
    for r in rows:
        by_type.setdefault(r["type"], []).extend(r["terms"])
        for t in r["terms"]:
            if r["type"] == "phrase":
                phrase[t.lower()] = r["attrs"]
            elif r["type"] != "head":
                modifier[t.lower()] = dict(r["attrs"])
    mod = _alt(by_type["country"] + by_type["openness"] + by_type["scope"] + by_type.get("filler", []))
    head = _alt(by_type["head"])
    post = rf"(?P<post>\s+(?:from|in|out\s+of|based\s+in|built\s+in|made\s+in)\s+(?P<place>{_alt(_PLACES)}))?"
    # "open" must not be the first half of "OpenAI"; modifiers are separated by spaces, commas or "and".
    composed = (rf"(?P<comp>(?:(?:the|its|their|a|an|other)\s+)?"
                rf"(?P<coord>(?:(?:{mod})(?:\s+|-))*?(?:{mod})\s+(?:and|or|versus|vs\.?)\s+)?"
                rf"(?P<mods>(?:(?:{mod})(?:\s+|-))+)"
                rf"(?:AI\s+|artificial\s+intelligence\s+|AI-|generative\s+AI\s+|frontier\s+)?(?P<head>{head}){post})")
    fixed = rf"(?P<fixed>{_alt(by_type['phrase'])})"
    rx = re.compile(rf"(?<![\w.-])(?:{composed}|{fixed})(?![\w-])", re.IGNORECASE)
    return _Lexicon(rx, modifier, phrase)


_PLACES = ["China", "the US", "the U.S.", "the United States", "America", "Europe", "France", "the EU"]
_PLACE_ATTRS = {"china": "CN", "the us": "US", "the u.s.": "US", "the united states": "US", "america": "US",
                "europe": "EU", "the eu": "EU", "france": "FR"}

# Words that are ordinary lowercase words too ("us", "china", "america" in names) need their capital; the
# nationality adjectives do not: posts often write "chinese open models".
_CASE_SENSITIVE = {"us", "u.s.", "uk", "u.k.", "eu", "prc", "america", "china", "europe", "washington", "beijing",
                   "us-based", "u.s.-based", "france"}


# Fillers that on their own mean the frontier ("the best models"); with another modifier they only qualify it.
_TOP = re.compile(r"\b(?:best|top|strongest|most\s+capable|leading|top-tier|most\s+advanced|most\s+powerful|"
                  r"best-performing|top-performing|highest-performing|most\s+sophisticated)\b", re.I)


# "the Chinese" / "the Americans" name a side only when a verb or a clause break follows.
_PEOPLE = {"the chinese", "the americans"}
_PEOPLE_NEXT = re.compile(r"\s*(?:[,.;:!?)—–]|$|(?:are|were|is|was|have|has|had|remain|remains|now|still|lag|"
                          r"lags|trail|trails|lead|leads|will|could|may|might|can|would|should|already|only|about|roughly|"
                          r"seem|seems|appear|appears|probably|perhaps|maybe)\b)", re.I)


def _attrs_for(m: re.Match[str], lex: _Lexicon) -> dict[str, str] | None:
    if m.group("fixed"):
        text = m.group("fixed")
        key = " ".join(text.lower().split())
        if key in _CASE_SENSITIVE and not text[0].isupper():
            return None
        if key in _PEOPLE and not _PEOPLE_NEXT.match(m.string, m.end()):
            return None  # "the Chinese team", "the Americans' lead": an adjective or possessive, not the people
        return dict(lex.phrase.get(key, {}))
    mods = m.group("mods")
    attrs = _parse_mods(mods, lex)
    if m.group("head").lower() == "frontier":  # "the US frontier"
        attrs["scope"] = "frontier"
    if m.group("place") and "country" not in attrs:
        attrs["country"] = _PLACE_ATTRS[" ".join(m.group("place").lower().split())]
    if not attrs and _TOP.search(mods):
        attrs = {"scope": "frontier"}  # "the most advanced models", "leading systems": the frontier, unqualified
    if not attrs:
        return None
    raw_mods = mods.strip()
    first = raw_mods.split()[0] if raw_mods.split() else ""
    if first.lower().rstrip(",") in _CASE_SENSITIVE and not first[:1].isupper():
        return None
    return attrs


def _parse_mods(mods: str, lex: _Lexicon) -> dict[str, str]:
    attrs: dict[str, str] = {}
    # Longest-first scan of the modifier run; the lexicon keys are lowercase.
    keys = sorted(lex.modifier, key=len, reverse=True)
    rest = " ".join(re.split(r"\s*,\s*|\s+and\s+|\s+", mods.strip(" ,-"))).lower()
    rest = rest.replace("- ", "-")
    while rest:
        rest = rest.strip(" ,-")
        if rest.startswith("and "):
            rest = rest[4:]
        for k in keys:
            if rest.startswith(k) and (len(rest) == len(k) or rest[len(k)] in " ,-"):
                attrs.update(lex.modifier[k])
                rest = rest[len(k):]
                break
        else:
            break
    return attrs


def find_groups(text: str, offset: int = 0) -> list[GroupHit]:
    """Find subject-group phrases and their attributes.

    >>> [(g.text, g.attrs) for g in find_groups("Chinese open-source models trail US labs")]
    [('Chinese open-source models', {'country': 'CN', 'openness': 'open'}), ('US labs', {'country': 'US'})]
    """
    lex = _lexicon()
    out: list[GroupHit] = []
    for m in lex.rx.finditer(text):
        attrs = _attrs_for(m, lex)
        if attrs is None:
            continue
        s, e = m.start(), m.end()
        if m.group("comp") and m.group("coord"):
            cs = m.start("coord")
            conj = re.search(r"\s+(?:and|or|versus|vs\.?)\s+$", m.group("coord"))
            cattrs = _parse_mods(m.group("coord")[: conj.start()] if conj else m.group("coord"), lex)
            # Shared modifiers distribute over the coordination: "Chinese and American frontier models".
            for k, v in list(cattrs.items()):
                if k == "scope":
                    attrs.setdefault(k, v)
            for k, v in attrs.items():
                if k == "scope" or (k not in cattrs and k in ("country", "openness") and not (
                        {"country", "openness"} & set(cattrs))):
                    cattrs.setdefault(k, v)
            if conj and cattrs:
                out.append(GroupHit(cs + offset, cs + conj.start() + offset, text[cs: cs + conj.start()], cattrs))
            s = m.start("mods")
            out.append(GroupHit(s + offset, e + offset, text[s:e], attrs))
            continue
        grp = m.group(0)
        lead = re.match(r"(?:the|its|their|a|an|other)\s+", grp, re.IGNORECASE) if m.group("comp") else None
        if lead and not m.group("comp").lower().startswith("the "):
            s += lead.end()
        out.append(GroupHit(s + offset, e + offset, text[s:e], attrs))
    return out


@lru_cache(maxsize=512)
def lab_group(lab_id: str) -> dict[str, str]:
    """The group dict for a lab: its id and, when the gazetteer knows it, its country.

    >>> lab_group("deepseek"), lab_group("openai")
    ({'lab': 'deepseek', 'country': 'CN'}, {'lab': 'openai', 'country': 'US'})
    """
    out = {"lab": lab_id}
    row = org_info(lab_id)
    if row and row.get("country"):
        out["country"] = str(row["country"])
    return out


def model_group(hit: ModelHit) -> dict[str, str]:
    """The group dict for a model mention: model id, lab, country and openness (from open_weights) when known.

    >>> from extractors.models import find_models
    >>> model_group(find_models("Kimi K2 Thinking")[0])
    {'model': 'kimi-k2-thinking', 'lab': 'moonshot', 'country': 'CN', 'openness': 'open'}
    """
    out = {"model": hit.canonical_id}
    if hit.org:
        out["lab"] = hit.org
    if hit.country:
        out["country"] = hit.country
    ow = hit.attrs.get("open_weights")
    if ow is not None:
        out["openness"] = "open" if ow else "closed"
    return out
