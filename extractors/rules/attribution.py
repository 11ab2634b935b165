"""Who makes a claim: "according to X", "X said", "said X, a fellow at Y", "a report from X"."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.cues import cues

_NAME = (r"(?:@\w+|(?:[A-Z][\w.&'’-]*|[a-z]+[A-Z][\w.&'’-]*|\d+\.[A-Z]\w*)"
         r"(?:\s+(?:[A-Z][\w.&'’-]*|of|for|and|&|de|at|the|von|van))*)")
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "the", "this", "that", "these", "those", "you", "one", "some",
             "many", "others", "critics", "analysts", "experts", "researchers", "officials"}


def _clean_name(name: str) -> str | None:
    n = name.strip(" ,.;:’'\"")
    n = re.sub(r"\s+(?:of|for|and|&|de|at|the|von|van)$", "", n)
    n = re.sub(r"^(?:The|A|An)\s+", "", n)
    n = re.sub(r"'s$|’s$", "", n)
    if not n or n.lower() in _PRONOUNS or not (n[0].isupper() or n[0] in "@0123456789" or re.match(r"[a-z]+[A-Z]", n)):
        return None
    return n


@lru_cache(maxsize=1)
def attr_res() -> dict[str, re.Pattern[str]]:
    """Attribution regexes, compiled once (they embed the cue lists from patterns/cues.jsonl)."""
    verb = cues().attribution_verb
    source = (r"(?:report|analysis|study|paper|survey|blog\s+post|post|estimate|estimates|memo|note|data|research|"
              r"tracker|chart|index|leaderboard|tally)")
    return {
        "gate": re.compile(rf"according|\bper\b|\bvia\b|words\s+of|prediction|forecast|{source}|{verb}", re.I),
        "according": re.compile(r"\baccording\s+to\s+(?:a|an|the|one|new|recent)\b([^.;]{0,140})", re.I),
        "by": re.compile(rf"\b(?:by|from|at|of)\s+(?:the\s+)?({_NAME})"),
        "lead": re.compile(rf"\b(?:according\s+to|per|via|in\s+the\s+words\s+of)\s+(?:(?:a|an|the)\s+)?"
                           rf"(?:new\s+|recent\s+|latest\s+)?(?:{source}\s+(?:from|by|of)\s+)?"
                           rf"(?:[a-z][\w-]*\s+){{0,3}}?({_NAME})"),
        "made_by": re.compile(rf"\b(?:prediction|forecast|estimate|claim|assessment|view|warning|timeline|bet)s?\s+"
                              rf"(?:by|from|of)\s+(?:the\s+)?({_NAME})"),
        "who": re.compile(rf"(?<![\w-])({_NAME}),\s+who\s+(?:\w+\s+)?(?i:{verb})\b"),
        "source": re.compile(rf"\b(?:(?:a|an|the)\s+)?(?:new\s+|recent\s+|latest\s+)?{source}\s+(?:from|by)\s+"
                             rf"(?:the\s+)?({_NAME})"),
        "appositive": re.compile(rf"(?<![\w-])({_NAME}),\s+[^,]{{2,80}},\s+(?:{verb})\b"),
        "inverted": re.compile(rf"\b(?:{verb})\s+({_NAME})"),
        "generic": re.compile(rf"^[-•*#\s]*((?:[A-Z][\w’'-]*)(?:\s+(?!(?:is|are|was|were|be|been|has|have|had|that|"
                              rf"will|would|could|may|might)\b)[\w’'().&-]+){{0,7}}?)\s+(?:(?:currently|now|also|still|"
                              rf"recently|all|both)\s+)?(?i:{verb})\b"),
        "subject": re.compile(rf"(?<![\w-])({_NAME})(?:['’]s)?(?:\s+(?:(?:previous|first|latest|new|recent|own|"
                              rf"annual|latest)\s+)?(?:researchers|analysts|economists|scientists|"
                              rf"staff|team|engineers|founder|CEO|chief\s+executive|co-founder|president|"
                              rf"spokesperson|bettors|forecasters|community|users|{source}))?\s+"
                              rf"(?:(?:has|have|had)\s+)?(?:(?:currently|now|also|still|recently|previously|already|"
                              rf"publicly|repeatedly|reportedly|further|then)\s+)?(?i:{verb})\b"),
        "verb_that": re.compile(rf"(?:{verb})\s+(?:that\s+)?", re.I),
    }


def attribution(text: str) -> str | None:
    """Return who a sentence attributes the claim to, or None.

    >>> attribution("Chinese models are five months behind, according to a new report from Epoch AI.")
    'Epoch AI'
    >>> attribution("US labs lead by seven months, Jane Roe, an analyst at Foo Research, said.")
    'Jane Roe'
    """
    r = attr_res()
    if not r["gate"].search(text):
        return None
    m = r["according"].search(text)
    if m:
        by = r["by"].search(m.group(1))
        if by:
            name = _clean_name(by.group(1))
            if name:
                return name
    for key in ("lead", "source", "appositive", "made_by", "who"):
        m = r[key].search(text)
        if m:
            name = _clean_name(m.group(1))
            if name:
                return name
    m = r["inverted"].search(text)
    if m and re.search(r",[\"'”’]?\s*$", text[: m.start()]):
        name = _clean_name(m.group(1))
        if name:
            return name
    for m in r["subject"].finditer(text):
        name = _clean_name(m.group(1))
        if name and not re.match(r"(?:Chinese|American|US|U\.S\.|Western|Open|Closed)\b", name):
            return name
    m = r["generic"].match(text)
    if m and not _SIDE.search(m.group(1)):
        return _clean_name(m.group(1))
    return None


# A sentence-initial noun phrase that is a side of the claim ("Chinese models show …"), not its source.
_SIDE = re.compile(r"\b(?:models?|labs?|China|Chinese|US|U\.S\.|America\w*|companies|firms|systems|AI|LLMs?|"
                   r"open|closed|frontier|it|they|this|that|these|those|we|I)\b", re.I)

