"""Cue lists (hedges, attribution, negation, conditionals, goals) loaded from patterns/cues.jsonl as regexes.

Hedge confidence bands (the value a Claim carries in ``confidence``):
    0.9  plain assertion, no hedge ("are five months behind", "will reach")
    0.8  a stated estimate ("estimated", "by some estimates")
    0.7  expectation or second-hand report ("expected", "likely", "reportedly", "should")
    0.6  opinion or inference ("I think", "seems", "suggests")
    0.5  bare possibility ("may", "could", "might")
When several cues occur the lowest band wins.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extractors.retrie import trie_alternation

__all__ = ["PLAIN_CONFIDENCE", "Cues", "cues"]

PLAIN_CONFIDENCE = 0.9


def _alt(terms: list[str]) -> str:
    """One alternation with shared word boundaries (a boundary per term would make every scan much slower)."""
    def esc(t: str) -> str:
        return re.escape(t).replace(r"\ ", r"\s+")

    words = sorted({t for t in terms if t[0].isalnum() and t[-1].isalnum() and not t.startswith(("n'", "n’"))},
                   key=len, reverse=True)
    other = sorted(set(terms) - set(words), key=len, reverse=True)
    parts = []
    if words:
        parts.append(r"(?<![\w'])" + trie_alternation(words, fold_case=False) + r"(?![\w'])")
    parts += [esc(t) + (r"(?![\w'])" if t[-1].isalnum() else "") for t in other]
    return "|".join(parts)


@dataclass
class Cues:
    """Compiled cue regexes."""

    hedges: list[tuple[re.Pattern[str], float]]
    approx: re.Pattern[str]
    negation: re.Pattern[str]
    rejection: re.Pattern[str]
    conditional: re.Pattern[str]
    goal: re.Pattern[str]
    attribution_verb: str
    attribution_lead: str

    def confidence(self, text: str) -> tuple[bool, float]:
        """Return (hedged, confidence band) for a sentence or clause."""
        best = PLAIN_CONFIDENCE
        hedged = False
        for rx, conf in self.hedges:
            if rx.search(text):
                hedged = True
                best = min(best, conf)
        return hedged, best


@lru_cache(maxsize=1)
def cues() -> Cues:
    """Load and compile patterns/cues.jsonl once."""
    text = resources.files("extractors").joinpath("patterns", "cues.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    by: dict[str, list[str]] = {}
    hedges: list[tuple[re.Pattern[str], float]] = []
    for r in rows:
        by.setdefault(r["type"], []).extend(r["terms"])
        if r["type"] == "hedge":
            hedges.append((re.compile(_alt(r["terms"]), re.IGNORECASE), float(r["confidence"])))
    return Cues(
        hedges=hedges,
        approx=re.compile(_alt(by["approx"]), re.IGNORECASE),
        negation=re.compile(_alt(by["negation"]), re.IGNORECASE),
        rejection=re.compile(_alt(by["rejection"]), re.IGNORECASE),
        conditional=re.compile(_alt(by["conditional"]), re.IGNORECASE),
        goal=re.compile(_alt(by["goal"]), re.IGNORECASE),
        attribution_verb=_alt(by["attribution_verb"]),
        attribution_lead=_alt(by["attribution_lead"]),
    )
