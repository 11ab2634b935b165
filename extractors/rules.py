"""Claim rule families: gap claims (behind / ahead / parity) and forecast claims, one sentence at a time.

Each rule family is a small function over a ``SentCtx`` (the sentence text, its entities and dates) that
returns claim drafts (dicts of ``schemas.Claim`` fields without the document-level ones). The functions are
plain Python over regexes so they are cheap; the spaCy components in ``extractors.claims`` decide which
sentences reach them.

What is deliberately not a claim (see the golden negatives): ranks ("third behind the US"), score gaps
("trails by 8 points"), time anchors ("six months ago"), cadences and intervals ("every 4-6 months",
"15 months after R1"), doubling times, notice periods, and anything negated, rejected or conditional.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from extractors.cues import cues
from extractors.dates import DateInterval
from extractors.numbers import DURATION_RE, NUM, Duration, duration_from_match, word_number

__all__ = ["Ent", "SentCtx", "attribution", "forecast_claims", "gap_claims", "parity_claims"]


@dataclass
class Ent:
    """An entity in a sentence (sentence-relative offsets): a subject group, a model or a lab."""

    start: int
    end: int
    text: str
    kind: str  # GROUP | MODEL | ORG
    attrs: dict[str, str]
    model_id: str | None = None


class SentCtx:
    """One candidate sentence with everything the rules need; entities and the neighbour are built lazily."""

    def __init__(self, start: int, text: str, ents: list[Ent] | Callable[[], list[Ent]],
                 dates: list[tuple[int, int, DateInterval]] | Callable[[], list[tuple[int, int, DateInterval]]],
                 published: date | None, prev: SentCtx | Callable[[], SentCtx | None] | None = None,
                 doc_about_ai: bool | Callable[[], bool] = False) -> None:
        self.start = start
        self.text = text
        self.published = published
        self._ents = ents
        self._dates = dates
        self._prev = prev
        self._doc_about_ai = doc_about_ai
        self.earlier: list[dict[str, Any]] = []  # claims of the sentence right before, if it had any
        self.cached: tuple[tuple[bool, float], str | None] | None = None  # (hedging, attribution) once computed
        self._asides: list[tuple[int, int]] | None = None

    @property
    def asides(self) -> list[tuple[int, int]]:
        """Character spans of parentheticals and appositives ("DeepSeek, the lab whose R1 …, is …")."""
        if self._asides is None:
            self._asides = [(m.start(), m.end()) for m in _ASIDE.finditer(self.text)]
        return self._asides

    @property
    def doc_about_ai(self) -> bool:
        """Whether the whole document names a model or lab or talks about AI (computed on first use)."""
        if callable(self._doc_about_ai):
            self._doc_about_ai = self._doc_about_ai()
        return self._doc_about_ai

    @property
    def ents(self) -> list[Ent]:
        """Entities (groups, models, labs) in sentence-relative offsets, computed on first use."""
        if callable(self._ents):
            self._ents = self._ents()
        return self._ents

    @property
    def dates(self) -> list[tuple[int, int, DateInterval]]:
        """Date phrases in sentence-relative offsets, computed on first use."""
        if callable(self._dates):
            self._dates = self._dates()
        return self._dates

    @property
    def prev(self) -> SentCtx | None:
        """The sentence right before this one (for subject fallback), computed on first use."""
        if callable(self._prev):
            self._prev = self._prev()
        return self._prev


Draft = dict[str, Any]

# Parentheticals and appositives: names inside them describe something else, they are not the subject.
_CLAUSE_SEP = re.compile(r";\s*|\s+[—–]\s+")
_ASIDE = re.compile(r"\([^()]{1,200}\)|,\s+(?:the|a|an|whose|which|who|once|itself|formerly)\b[^,;()]{1,150},")

# --- shared regexes -------------------------------------------------------------------------------------------

_BEHIND_POST = re.compile(
    r"^[\s\"'”’)]*(?:(?P<behind>behind(?!\s+(?:closed\s+doors|the\s+scenes|bars|schedule|the\s+wheel))|back|adrift|"
    r"off\s+the\s+pace|late|away\s+from|short\s+of|shy\s+of)|"
    r"(?P<ahead>ahead|in\s+front|clear\s+of))\b", re.I)
_TRAIL_BY = re.compile(
    r"\b(?:(?P<behind>trail(?:s|ed|ing)?|lag(?:s|ged|ging)?|behind|f[ae]ll(?:s|en|ing)?\s+behind|are\s+behind)|"
    r"(?P<ahead>lead(?:s|ing)?|led|ahead|outpac(?:e|es|ed|ing)|edg(?:e|es|ed|ing)\s+out))\b"
    r"(?P<mid>(?:[^.;:]|\.\d){0,80}?)\bby\s+$", re.I)
_NOUN_ADJ_POST = re.compile(
    r"^['’]?\s*(?:(?P<behind>lag|gap|deficit|time\s+lag|gulf|shortfall|delay\s+behind)|"
    r"(?P<ahead>lead|head\s*start|advantage|edge|buffer|moat))\b", re.I)
_NOUN_PRE = re.compile(
    r"\b(?:(?P<behind>lag|gap|deficit|time\s+lag|gulf|distance|shortfall)|"
    r"(?P<ahead>lead(?!\s+(?:times?|authors?|investors?|engineers?|developers?|researchers?|scientists?|"
    r"designers?|counsel|role|story|generation|architect|analyst))|head\s*start|advantage|edge|moat))\b(?P<mid>(?:[^.;]|\.\d){0,120}?)"
    r"(?:\b(?:is|was|are|were|of|at|to|stands\s+at|sits\s+at|stood\s+at|remains|remained|has\s+been|had\s+been|"
    r"now|down\s+to|up\s+to|just|only|roughly|about|around|estimated\s+at|put\s+at|pegged\s+at|measured\s+at|"
    r"amounts\s+to|closer\s+to|is\s+now|be|will\s+be|of\s+only|of\s+just|of\s+about|of\s+around|"
    r"rang(?:e|es|ed|ing)\s+from|anywhere\s+from|somewhere\s+(?:from|between))|[:—–])\s*$", re.I)
_POST_EXCL = re.compile(
    r"^\s*(?:ago|earlier|later|after|afterwards|before|beforehand|prior|previously|from\s+now|since|into|of\b|"
    r"'?\s*notice|’\s*notice|to\s+(?:double|train|build|ship|release|develop)|old|long|in\s+which|apart|"
    r"between\s+releases|per\b)", re.I)
_PRE_EXCL = re.compile(
    r"(?:\bevery|\beach|\bper|\bfor|\bover|\bduring|\bpast|\blast|\bnext|\bfirst|\bafter|\bonce|\bin|\bthe)\s*$",
    re.I)
_NARROW_PRE = re.compile(
    r"\b(?:narrow\w*|shr[aiu]nk\w*|clos(?:ed|ing|es)(?![- ](?:models?|source|weights?|systems?|labs?|AI|ones|rivals))|"
    r"f[ae]ll(?:en)?|dropp?\w*|compress\w*|widen\w*|gr[oe]wn?|"
    r"grew|increas\w*|expand\w*|decreas\w*|contract\w*|collaps\w*|cut|went|gone|c[oa]me\s+down|slipp?\w*|"
    r"reduc\w*|shortened|lengthened|moved|changed)\b[^.;]{0,40}?\bfrom\s+$", re.I)
_IMPLICIT_VERB = re.compile(
    r"\b(?:reach\w*|match\w*|equal\w*|rival\w*|caught\s+up|catch\w*\s+up|perform\w*\s+(?:at|like)|"
    r"(?:the\s+)?level\s+of|scor\w*\s+where|(?:are|is|now|sits?|stands?)\s+(?:(?:roughly|about|around|basically|"
    r"just|already|now|approximately|more\s+or\s+less|today)\s+)*where|what)\b", re.I)
_IMPLICIT_LINK = re.compile(
    r"\b(?:released|launched|shipped|introduced|unveiled|came\s+out|debuted|arrived|achieved|reached|did|was|"
    r"were|had\s+been|managed|hit|set|posted|published)\b", re.I)
_PARITY = re.compile(
    r"\b(?:(?:(?:has|have|had)\s+(?:now\s+|largely\s+|effectively\s+|essentially\s+|all\s+but\s+|finally\s+|"
    r"basically\s+|more\s+or\s+less\s+|mostly\s+|already\s+)?)?caught\s+up(?:\s+(?:with|to))?|"
    r"(?:(?:has|have|had)\s+(?:now\s+|effectively\s+|essentially\s+|all\s+but\s+|largely\s+)?)?closed\s+the\s+gap|"
    r"(?:reached|achieved|at|near|hit|rough|reaching|achieving)\s+parity|parity\s+with|on\s+par\s+with|"
    r"neck\s+and\s+neck|(?:pulled|drawn|drew)\s+level|level\s+with|"
    r"erased\s+the\s+(?:gap|lead)|(?:matche[sd]|rivals|rivaled|equals|equalled|equaled)\s+(?:the\s+)?"
    r"(?:performance|capabilities|level|quality)\s+of)\b", re.I)
_FUT = re.compile(
    r"\b(?:will|won't|would|shall|is\s+going\s+to|are\s+going\s+to|(?:is|are|was|were)?\s*expected\s+to|"
    r"expects?\s+to|(?:expects?|wants?|needs?|hopes?\s+for)\s+(?:[\w.'-]+\s+){1,4}?to(?=\s)|(?:is|are)\s+set\s+to|likely\s+to|poised\s+to|on\s+track\s+to|on\s+course\s+to|on\s+pace\s+to|"
    r"slated\s+to|scheduled\s+to|due\s+to|plans?\s+to|planning\s+to|aims?\s+to|aiming\s+to|aimed\s+to|"
    r"goal\s+(?:of|is\s+to)|target\s+of|targets?|targeting|targeted|hopes?\s+to|hoping\s+to|intends?\s+to|wants?\s+to|seeks?\s+to|"
    r"seeking\s+to|vowed\s+to|vows\s+to|pledged\s+to|pledges\s+to|predicts?|predicted|forecasts?|could|may|might|"
    r"should|projected\s+to|anticipated\s+to|promised\s+to|promises\s+to|tipped\s+to|strives?\s+to|ambition\s+to|"
    r"ambition\s+of|'ll|in\s+order\s+to|bid\s+to|race\s+to|push\s+to|mission\s+to|preparing\s+to|"
    r"getting\s+ready\s+to|gearing\s+up\s+to|readying\s+to|poised\s+to|"
    r"(?:my|our|the)\s+(?:bet|guess|prediction|forecast|call)(?:\s+is)?|predictions?\s*:|I\s+bet|"
    r"I(?:'d|’d|\s+would)?\s+(?:guess|bet|predict)|"
    r"bet(?:ting)?\s+(?:that|on)|hot\s+take\s*:)(?![\w-])", re.I)
_RELEASE_PLAN = re.compile(
    r"\b(?:slated\s+for|scheduled\s+for|due\s+(?:out\s+)?(?:in|by|for|before)|planned\s+for|"
    r"(?:is|are)\s+expected\s+(?:in|by|before|around)|set\s+for\s+(?:release|launch)|earmarked\s+for|"
    r"pencilled\s+in\s+for|penciled\s+in\s+for|coming\s+(?:in|by))\b", re.I)
_TARGET = re.compile(
    r"\b(?P<verb>(?P<parity>reach(?:es|ing)?\s+parity|achiev(?:e|es|ing)\s+parity|reach(?:es|ing)?|match(?:es|ing)?|"
    r"catch(?:es|ing)?\s+up|close[sd]?\s+(?:the|that|this)\s+(?:\w+\s+)?gap|closing\s+(?:the|that|this)\s+(?:\w+\s+)?gap|"
    r"hit|attain|be\s+at(?!\s+(?:least|most|risk|odds|work|stake|war|pains|the\s+(?:end|start|mercy)))|"
    r"rival|pull\s+level|draw\s+level|be\s+on\s+par|be\s+at\s+parity|be\s+level|be\s+as\s+good\s+as|"
    r"have\s+caught\s+up|have\s+closed\s+the\s+gap|have\s+reached|have\s+matched|equal|level\s+with|parity)|"
    r"(?P<ahead>surpass(?:es|ing)?|overtak(?:e|es|ing)|outperform(?:s|ing)?|beat|exceed|pull\s+ahead|lead|"
    r"take\s+the\s+lead|leapfrog|have\s+surpassed|have\s+overtaken|be\s+ahead\s+of|pull\s+away\s+from|"
    r"move\s+ahead\s+of|outpace|dominate)|"
    r"(?P<release>releas(?:e|es|ing)|launch(?:es|ing)?|ship(?:s|ping)?|arrive|debut|unveil|open-source|"
    r"be\s+released|be\s+launched|be\s+unveiled|be\s+open-sourced|come\s+out|be\s+available|land|go\s+live|"
    r"roll\s+out|hit\s+the\s+market|publish))\b", re.I)
_NEG_IGNORE = re.compile(r"\b(?:no\s+doubt|no\s+question|not\s+only|not\s+just|no\s+surprise|no\s+secret|"
                         r"not\s+least|nothing\s+short|no\s+more\s+than|no\s+less\s+than|no\s+later\s+than|"
                         r"not\s+later\s+than)\b", re.I)
_FORECAST_NEG = re.compile(r"\b(?:unlikely|no\s+chance|doubtful|won't|will\s+not|cannot|can't|never)\b", re.I)
_PAST_MARK = re.compile(
    r"\b(?:at\s+the\s+time|back\s+then|at\s+launch|at\s+(?:its|their)\s+(?:launch|release)|used\s+to|previously|"
    r"initially|originally|a\s+year\s+ago|last\s+year|in\s+the\s+past|once)\b", re.I)
_PAST_LEAD = re.compile(r"\b(?:previously|earlier|once|initially|originally)\s+(?:\w+\s+)?\w+(?:ed|ing)\b[^,;.]{0,30}$",
                        re.I)
_PAST_VERB = re.compile(r"\b(?:was|were|had\s+been|stood|used\s+to|lagged|trailed|led|had)\b", re.I)
_FUTURE_GAP = re.compile(
    r"\b(?:will|'ll|(?:is|are)\s+(?:expected|set|projected|forecast|likely|going)\s+to|would)\b", re.I)
_STRONG_BREAK = re.compile(r";|,?\s+but\s+|,\s+while\s+|,?\s+whereas\s+|\s+—\s+")
_WEAK_MODAL = re.compile(r"\b(?:could|may|might)\b", re.I)
_REF_PREP = re.compile(r"(?:\b(?:over|on|behind|to|with|vs\.?|versus|than|of|from)\s+(?:that\s+of\s+|those\s+of\s+)?"
                       r"(?:the\s+)?(?:best\s+|top\s+|leading\s+|latest\s+)?)$", re.I)
_CLAUSE_BREAK = re.compile(r"[;:—–()]|,\s+(?:but|while|whereas|although|though|and|which|who)\b|\bbut\b|,")


def _neg_window(text: str, pos: int) -> str:
    """The clause before pos (back to the last clause break), with harmless "no doubt"-style phrases removed."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    return _NEG_IGNORE.sub(" ", text[start:pos])


def is_negated(text: str, pos: int) -> bool:
    """True when the clause leading to pos negates it ("are not six months behind", "aren't years behind")."""
    return bool(cues().negation.search(_neg_window(text, pos)))


def is_rejected(text: str) -> bool:
    """True when the speaker rejects the claim ("dismissed claims that…", "…is a myth")."""
    return bool(cues().rejection.search(text))


def is_conditional(text: str, pos: int) -> bool:
    """True for "if/unless/assuming…" anywhere before pos, or "if" right after the claim in the same clause."""
    c = cues().conditional
    before = text[:pos]
    if c.search(before) or re.match(r"\s*(?:Were|Had|Should)\s+\w+(?:\s+\w+)?\s+(?:to|be|have)\b", text):
        return True
    after = text[pos: pos + 80]
    m = re.search(r"\b(?:if|unless|assuming|provided\s+that)\b", after, re.I)
    return bool(m and not re.search(r"[;.]", after[: m.start()]) and not re.search(r"\bif\s+anything\b", after, re.I))


# --- entities -------------------------------------------------------------------------------------------------


def _ents_between(ctx: SentCtx, lo: int, hi: int) -> list[Ent]:
    return [e for e in ctx.ents if e.start >= lo and e.end <= hi]


def _subject_before(ctx: SentCtx, pos: int, exclude: tuple[Ent | None, ...] = ()) -> Ent | None:
    """Pick the subject among entities before pos: first group, else first model, else first lab.

    Entities after an attribution verb win ("OpenAI's chief scientist said Chinese models…" → Chinese models),
    and entities that are objects of "by/from/than/over" are skipped when others exist.
    """
    text = ctx.text
    lo = 0
    for m in _attr_res()["verb_that"].finditer(text, 0, pos):
        lo = m.end()
    cands = [e for e in ctx.ents if e.end <= pos and e.start >= lo and e not in exclude]
    if not cands:
        cands = [e for e in ctx.ents if e.end <= pos and e not in exclude]
    if not cands:
        return None
    if ctx.asides:
        outside = [e for e in cands if not any(a <= e.start and e.end <= b for a, b in ctx.asides if b <= pos)]
        cands = outside or cands
    brk = max((m.end() for m in _CLAUSE_SEP.finditer(text, 0, pos)), default=0)
    if brk:  # "Frontier models are far ahead; open models trail …": the subject is in the claim's own clause
        cands = [e for e in cands if e.start >= brk] or cands
    free = [e for e in cands if not re.search(
        r"\b(?:by|from|than|over|behind|with|to|of|according\s+to|per|via|against|versus|vs\.?)\s+(?:the\s+)?$",
        text[: e.start], re.I)]
    pool = free or cands
    for kind in ("GROUP", "MODEL", "ORG"):
        ks = [e for e in pool if e.kind == kind]
        if ks:
            return ks[0]
    return None


def _reference_after(ctx: SentCtx, pos: int, limit: int = 70) -> Ent | None:
    """First entity starting within limit chars after pos, not across a clause break ("OpenAI's o1" → o1)."""
    for i, e in enumerate(ctx.ents):
        if pos <= e.start <= pos + limit:
            gap = ctx.text[pos: e.start]
            if re.search(r";|\.(?!\d)|,\s|\b(?:but|while|according|said|says)\b", gap):
                return None
            return _possessed(ctx, i)
    return None


def _possessed(ctx: SentCtx, i: int) -> Ent:
    """A lab followed by its model ("OpenAI's o1", "DeepSeek's V3.2") stands for the model."""
    e = ctx.ents[i]
    if e.kind == "ORG" and i + 1 < len(ctx.ents):
        nxt = ctx.ents[i + 1]
        if nxt.kind == "MODEL" and re.fullmatch(r"(?:'s|’s)\s+(?:new\s+|latest\s+|flagship\s+)?",
                                                ctx.text[e.end: nxt.start]):
            return nxt
    return e


def _neighbour_subject(ctx: SentCtx) -> Ent | None:
    prev = ctx.prev
    if prev is None:
        return None
    return _subject_before(prev, len(prev.text))


def _group_of(e: Ent | None) -> dict[str, str]:
    return dict(e.attrs) if e else {}


def _models_in(ctx: SentCtx) -> list[str]:
    out: list[str] = []
    for e in ctx.ents:
        if e.kind == "MODEL" and e.model_id and e.model_id not in out:
            out.append(e.model_id)
    return out


# --- attribution ----------------------------------------------------------------------------------------------

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
def _attr_res() -> dict[str, re.Pattern[str]]:
    """Attribution regexes, compiled once (they embed the cue lists from patterns/cues.jsonl)."""
    verb = cues().attribution_verb
    source = (r"(?:report|analysis|study|paper|survey|blog\s+post|post|estimate|estimates|memo|note|data|research|"
              r"tracker|chart|index|leaderboard|tally)")
    return {
        "gate": re.compile(rf"according|\bper\b|\bvia\b|words\s+of|{source}|{verb}", re.I),
        "according": re.compile(r"\baccording\s+to\s+(?:a|an|the|one|new|recent)\b([^.;]{0,140})", re.I),
        "by": re.compile(rf"\b(?:by|from|at|of)\s+(?:the\s+)?({_NAME})"),
        "lead": re.compile(rf"\b(?:according\s+to|per|via|in\s+the\s+words\s+of)\s+(?:(?:a|an|the)\s+)?"
                           rf"(?:new\s+|recent\s+|latest\s+)?(?:{source}\s+(?:from|by|of)\s+)?({_NAME})"),
        "source": re.compile(rf"\b(?:(?:a|an|the)\s+)?(?:new\s+|recent\s+|latest\s+)?{source}\s+(?:from|by)\s+"
                             rf"(?:the\s+)?({_NAME})"),
        "appositive": re.compile(rf"(?<![\w-])({_NAME}),\s+[^,]{{2,80}},\s+(?:{verb})\b"),
        "inverted": re.compile(rf"\b(?:{verb})\s+({_NAME})"),
        "subject": re.compile(rf"(?<![\w-])({_NAME})(?:'s)?(?:\s+(?:researchers|analysts|economists|scientists|"
                              rf"staff|team|engineers|founder|CEO|chief\s+executive|co-founder|president|"
                              rf"spokesperson|(?:new\s+|latest\s+|recent\s+|annual\s+)?{source}))?\s+"
                              rf"(?:(?:has|have|had)\s+)?(?:{verb})\b"),
        "verb_that": re.compile(rf"(?:{verb})\s+(?:that\s+)?", re.I),
    }


def attribution(text: str) -> str | None:
    """Return who a sentence attributes the claim to, or None.

    >>> attribution("Chinese models are five months behind, according to a new report from Epoch AI.")
    'Epoch AI'
    >>> attribution("US labs lead by seven months, Jane Roe, an analyst at Foo Research, said.")
    'Jane Roe'
    """
    r = _attr_res()
    if not r["gate"].search(text):
        return None
    m = r["according"].search(text)
    if m:
        by = r["by"].search(m.group(1))
        if by:
            name = _clean_name(by.group(1))
            if name:
                return name
    for key in ("lead", "source", "appositive"):
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
    return None


# --- gap claims -----------------------------------------------------------------------------------------------


def _timeframe(ctx: SentCtx, pos: int) -> tuple[str, str | None, DateInterval | None]:
    """Return (timeframe, as_of_text, future_deadline) for a gap claim whose number sits at pos.

    Only the clause holding the claim counts ("last year X were six months behind, but now three months").
    """
    lo, hi = 0, len(ctx.text)
    for m in _STRONG_BREAK.finditer(ctx.text):
        if m.end() <= pos:
            lo = m.end()
        elif m.start() >= pos:
            hi = min(hi, m.start())
    text = ctx.text[lo:hi]
    pos -= lo
    ctx = SentCtx(ctx.start, text, [], [(s - lo, e - lo, d) for s, e, d in ctx.dates if s >= lo and e <= hi],
                  ctx.published)
    before = text[:pos]
    fut_date = next((d for s, e, d in ctx.dates if d.bound in ("by", "before", "within") or (
        d.end is not None and ctx.published is not None and d.start is not None and d.start > ctx.published)), None)
    if _FUTURE_GAP.search(before) and not re.search(r"\bwould\s+have\b", before, re.I):
        return "future", fut_date.text if fut_date else None, fut_date
    if _WEAK_MODAL.search(before) and fut_date is not None:
        return "future", fut_date.text, fut_date
    past_verb = _PAST_VERB.search(text)
    for _s, _e, d in ctx.dates:
        if d.bound == "ago":
            return "past", d.text, None
        if past_verb is not None and d.bound == "in" and d.end is not None and (
                (ctx.published is not None and d.end < ctx.published and d.granularity != "relative")
                or (ctx.published is None and not d.relative)):
            return "past", d.text, None
    if _PAST_LEAD.search(before):
        return "past", None, None  # "after previously estimating a two-to-three-year gap"
    pm = _PAST_MARK.search(text)
    if pm and (past_verb is not None or pm.group(0).lower() not in ("once", "previously", "initially", "originally")):
        return "past", pm.group(0), None
    as_of = next((d.text for _s, _e, d in ctx.dates if d.text.lower().startswith(("as of", "today", "now"))), None)
    return "current", as_of, None


def _draft(ctx: SentCtx, kind: str, direction: str | None, dur: Duration | None, subj: Ent | None,
           ref: Ent | None, pos: int) -> Draft:
    if ctx.cached is None:
        ctx.cached = (cues().confidence(ctx.text), attribution(ctx.text))
    (hedged, conf), who = ctx.cached
    if subj is None:  # "They now trail…", "The gap is…": the subject is in the sentence before
        subj = _neighbour_subject(ctx)
    if ref is not None and subj is not None and ref.attrs == subj.attrs:
        ref = None
    d: Draft = {
        "kind": kind,
        "direction": direction,
        "months_low": dur.low if dur else None,
        "months_high": dur.high if dur else None,
        "approximate": bool(dur and dur.approximate),
        "subject": subj.text if subj else None,
        "subject_group": _group_of(subj),
        "reference": ref.text if ref else None,
        "reference_group": _group_of(ref),
        "models": _models_in(ctx),
        "hedged": hedged,
        "confidence": conf,
        "attributed_to": who,
        "_pos": pos,
    }
    if kind == "gap":
        tf, as_of, deadline = _timeframe(ctx, pos)
        d["timeframe"] = tf
        d["as_of_text"] = as_of
        if deadline is not None and tf == "future":
            d["deadline_text"] = deadline.text
            d["deadline_start"] = deadline.start
            d["deadline_end"] = deadline.end
    return d


def _blocked(ctx: SentCtx, pos: int) -> bool:
    return is_negated(ctx.text, pos) or is_rejected(ctx.text) or is_conditional(ctx.text, pos)


# Words that show a sentence (or the one before it) is about AI systems at all; without them, "two months
# ahead of schedule" or "the gap between the two funding rounds was eight months" are not capability gaps.
_AI_CONTEXT = re.compile(
    r"\b(?:AI|A\.I\.|artificial\s+intelligence|models?|LLMs?|labs?|chatbots?|frontier|open[- ]source|"
    r"open[- ]weights?|closed[- ]source|benchmarks?|capabilit(?:y|ies)|reasoning|agents?|agentic|frontiers)\b")
# "behind in building data centers", "behind on chips": a gap, but not in model capability.
_OFF_TOPIC = re.compile(
    r"^[\s,]*(?:\w+\s+){0,3}?(?:in|on|when\s+it\s+comes\s+to)\s+(?:\w+\s+){0,2}?(?:chips?|semiconductors?|"
    r"chipmaking|lithography|fabs?|manufacturing|data\s+cent(?:er|re)s?|hardware|compute\s+capacity|energy|"
    r"power|electricity|revenue|funding|payments?|talent|hiring|adoption|regulation|policy|schedule)\b", re.I)
_OWN_PLAN = re.compile(r"^\s*(?:of\s+)?(?:its|their|the|our|his|her|company|management)?['’s\s]*(?:own\s+)?"
                       r"(?:plans?|schedule|targets?|expectations|forecasts?|guidance|budget|timeline|deadline|"
                       r"projections?)\b", re.I)
_OFF_TOPIC_SUBJ = re.compile(
    r"\b(?:adoption|revenues?|funding|chips?|semiconductors?|chipmaking|lithography|fabs?|manufacturing|hardware|"
    r"data\s+cent(?:er|re)s?|energy|electricity|payments?|talent|hiring|regulation|policy|exports?|sales|shares|"
    r"stocks?|valuations?|usage|users|downloads|deployment|infrastructure)"
    r"(?:\s+(?:is|are|was|were|remains?|remained|now|still|has|have|had|already|only|just|sits?|stands?|running|"
    r"tracking|trending|sitting|coming\s+in|been))*\s*$",
    re.I)
_CAPABILITY = re.compile(r"\b(?:level|capabilit\w*|performance|match\w*|comparable|equivalent|as\s+good|"
                         r"on\s+par|score\w*)\b", re.I)
# Release timing, not capability: "was released six months ahead of Llama 4".
_RELEASE_TIMING = re.compile(
    r"\b(?:released|launched|shipped|arrived|came\s+out|debuted|unveiled|announced|published|introduced)\s+"
    r"(?:about\s+|roughly\s+|some\s+|nearly\s+|just\s+)?$", re.I)


def _ai_context(ctx: SentCtx) -> bool:
    """True when the sentence or the one before it names a model, lab or group, or talks about AI systems."""
    if ctx.ents or _AI_CONTEXT.search(ctx.text):
        return True
    prev = ctx.prev
    return prev is not None and bool(prev.ents or _AI_CONTEXT.search(prev.text))


def _order_pair(a: Ent | None, b: Ent | None) -> tuple[Ent | None, Ent | None]:
    """For "the gap between A and B", the trailing side (open or Chinese) is the subject."""
    def trailing(e: Ent | None) -> bool:
        return bool(e and (e.attrs.get("openness") == "open" or e.attrs.get("country") == "CN"))
    if trailing(b) and not trailing(a):
        return b, a
    return a, b


def _between(ctx: SentCtx, lo: int, hi: int) -> tuple[Ent | None, Ent | None] | None:
    m = re.search(r"\bbetween\s+", ctx.text[lo:hi], re.I)
    if not m:
        return None
    ents = _ents_between(ctx, lo + m.end(), hi + 120)
    if len(ents) < 2:
        return None
    a = ents[0]
    b = next((e for e in ents[1:] if re.search(r"\b(?:and|&)\b", ctx.text[a.end: e.start])), None)
    if b is None:
        return None
    return _order_pair(a, b)


def _range_parts(dur: Duration) -> tuple[float, float] | None:
    """For "12 to 3 months" (or "a year to six months") return the numbers in written order, in months."""
    x = _XRANGE_PARTS.match(dur.text)
    if x:
        a, b = word_number(x.group("a")), word_number(x.group("b"))
        if a is None or b is None:
            return None
        fa, fb = _UNIT_FACTOR[_unit_name(x.group("ua"))], _UNIT_FACTOR[_unit_name(x.group("ub"))]
        return round(a * fa, 2), round(b * fb, 2)
    m = re.match(r"(?P<a>[\w.]+(?:-\w+)?)\s*(?:-|–|—|\bto\b)\s*(?P<b>[\w.]+?(?:-[a-z]+)?)\s*[- ]?\s*"
                 r"(?P<u>(?:month|year|week)s?)", dur.text)
    if not m:
        return None
    a, b = word_number(m.group("a")), word_number(m.group("b"))
    if a is None or b is None:
        return None
    f = 12.0 if m.group("u").lower().startswith("y") else 12.0 / 52 if m.group("u").lower().startswith("w") else 1.0
    return round(a * f, 2), round(b * f, 2)


_XRANGE_PARTS = re.compile(
    rf"^(?:[\w~]+\s+)*?(?P<a>{NUM})\s*[- ]?\s*(?P<ua>months?|years?|weeks?|quarters?)\s+(?:to|and)\s+"
    rf"(?:[a-z]+\s+)?(?P<b>{NUM})\s*[- ]?\s*(?P<ub>months?|years?|weeks?|quarters?)$", re.I)


def _unit_name(unit: str) -> str:
    u = unit.lower()
    return "years" if u.startswith("y") else "weeks" if u.startswith("w") else "quarters" if u.startswith(
        "q") else "months"


_NOUN_WORD = re.compile(r"\b(?:lag|gap|deficit|lead|head\s*start|advantage|edge|moat|gulf|distance|shortfall)\b",
                        re.I)
_DETERMINER = re.compile(r"(?:\b(?:the|a|an|this|that|its|their|our|his|her|whose)|[\w.-]+['’]s?)\s+"
                         r"(?:[\w./–-]+\s+){0,3}$", re.I)


def _noun_before(pre: str) -> re.Match[str] | None:
    """The gap/lag/lead noun that governs a number at the end of pre ("the gap … is now"), used as a noun.

    "open models lag the frontier by … with a range of" uses lag as a verb, so it does not count.
    """
    best: re.Match[str] | None = None
    for nm in _NOUN_WORD.finditer(pre):
        m = _NOUN_PRE.match(pre, nm.start())
        if not m or not _DETERMINER.search(pre[: nm.start()]):
            continue
        words = pre[: nm.start()].split()
        before = words[-1] if words else ""
        if before.endswith("s") and before.islower() and before not in ("its", "this", "his", "us", "was", "is"):
            continue  # "open-weight models lag …": a verb after a plural subject
        best = m
    return best


_UNIT_FACTOR = {"months": 1.0, "years": 12.0, "weeks": 12.0 / 52, "quarters": 3.0, "days": 12.0 / 365}
_BARE_TO = re.compile(rf"\s+to\s+(?P<body>(?P<mods>(?:just|only|about|roughly|around|nearly|some|~)\s*)?"
                      rf"(?P<n>{NUM}))\b(?!\s*(?:%|percent|points?|pts|months?|years?|weeks?|quarters?|days?)\b|[-.]\d)",
                      re.I)
_NOT_ALT = re.compile(r"^[\"'”’]?,?\s+(?:not|rather\s+than|instead\s+of)\s+$", re.I)
_CLEFT = re.compile(r"^\s*[:—–-]\s*(?:that|this|it)(?:['’]s|\s+is|\s+was)\s+(?:roughly\s+|about\s+|approximately\s+)?"
                    r"how\s+(?:far|long|much)\s+", re.I)
_CLEFT_VERB = re.compile(r"\b(?:(?P<behind>behind|trail\w*|lag\w*)|(?P<ahead>ahead|lead\w*))\b", re.I)
_LIST_CONT = re.compile(r"^(?:\s+(?:for|on|in|when\s+it\s+comes\s+to|with)\s+[^,.;:]{1,40}?)?"
                        r"\s*(?:,|;|\band\b|,\s*and\b)\s*$", re.I)
_ELLIPSIS = re.compile(rf"(?:\band|\bbut|\bwhile|,)\s+"
                       rf"(?P<mods>(?:about|roughly|around|nearly|some|perhaps|maybe|~)\s*)?"
                       rf"(?P<n>{NUM})\s+(?P<dir>behind|ahead\s+of)\b", re.I)
_SMALL_CLAUSE = re.compile(r"\b(?:put|puts|putting|leave|leaves|leaving|left|keep|keeps|keeping|kept|place|places|"
                           r"placed|placing)\s+$", re.I)
_UNIT_AT = re.compile(r"(?:months?|years?|weeks?|quarters?|days?|mos?\.?|yrs?|wks?)\b", re.I)


def find_durations(text: str) -> list[Duration]:
    """All time spans in text; DURATION_RE only runs in a window before each unit word (much cheaper)."""
    out: list[Duration] = []
    seen: set[tuple[int, int]] = set()
    for u in _UNIT_AT.finditer(text):
        lo = max(0, u.start() - 80)
        while lo > 0 and not text[lo - 1].isspace():  # never start inside a word ("…ughly five months")
            lo -= 1
        for m in DURATION_RE.finditer(text, lo, min(len(text), u.end() + 20)):
            if m.start() <= u.start() < m.end() and (m.start(), m.end()) not in seen:
                if m.start() == lo and lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] in ".-"):
                    continue
                seen.add((m.start(), m.end()))
                out.append(duration_from_match(m))
    out.sort(key=lambda d: d.start)
    # A window can start inside a longer match ("between three, six and nine months"): keep the longest.
    kept: list[Duration] = []
    for d in out:
        if kept and d.start < kept[-1].end:
            if d.end - d.start > kept[-1].end - kept[-1].start:
                kept[-1] = d
            continue
        kept.append(d)
    return kept


def gap_claims(ctx: SentCtx) -> list[Draft]:
    """Find gap claims: "N months behind X", "trails X by N", "an N-month lead", "the gap is N", parity aside.

    >>> [(d["direction"], d["months_low"]) for d in gap_claims(_demo("Open models are about 5 months behind."))]
    [('behind', 5.0)]
    """
    text = ctx.text
    out: list[Draft] = []
    durs = find_durations(text)
    skip: set[int] = set()
    for i, dur in enumerate(durs):
        if i in skip:
            continue
        pre, post = text[: dur.start], text[dur.end:]
        direction: str | None = None
        subj: Ent | None = None
        ref: Ent | None = None
        cue_pos = dur.start
        # Narrowing: "narrowed from 12 to 3 months" (one match) or "from a year to six months" (two).
        if _NARROW_PRE.search(pre):
            noun = re.findall(r"\b(lead|head\s*start|advantage|gap|lag|deficit)\b", pre, re.I)
            ndir = "ahead" if (noun and noun[-1].lower() in ("lead", "advantage")) or (
                noun and noun[-1].lower().startswith("head")) else "behind"
            first: Duration | None = None
            second: Duration | None = None
            parts = _range_parts(dur) if re.search(r"\bto\b|[-–]", dur.text) else None
            if parts is not None:
                a, b = parts
                first = Duration(dur.text, dur.start, dur.end, a, a, dur.approximate, "months", False)
                second = Duration(dur.text, dur.start, dur.end, b, b, dur.approximate, "months", False)
            elif i + 1 < len(durs) and re.match(
                    r"^\s*(?:,?\s*(?:in|at|as\s+of|back\s+in|during)\s+[\w\s-]{1,24}?,?\s+)?to\s+(?:just\s+|only\s+)?$",
                    text[dur.end: durs[i + 1].start], re.I):
                first, second = dur, durs[i + 1]
                skip.add(i + 1)
            elif dur.low is not None and dur.low == dur.high and (bm := _BARE_TO.match(text, dur.end)) is not None:
                # "narrowed from roughly 18 months to about six": the second number borrows the unit.
                v = word_number(bm.group("n"))
                if v is not None and bm.group("n").lower() not in ("a", "an"):
                    f = _UNIT_FACTOR.get(dur.unit, 1.0)
                    if f == 12.0 and v > 3:
                        f = 1.0  # "from two years to eight" means eight months
                    first = dur
                    second = Duration(bm.group(0).strip(), bm.start("body"), bm.end(), round(v * f, 2),
                                      round(v * f, 2), bool(bm.group("mods")), dur.unit, False)
            if first is not None and second is not None:
                if _blocked(ctx, dur.start):
                    continue
                pair = _between(ctx, 0, dur.start)
                if pair:
                    subj, ref = pair
                else:
                    subj = _subject_before(ctx, dur.start)
                    ref = None
                d1 = _draft(ctx, "gap", ndir, first, subj, ref, dur.start)
                between_txt = text[first.end: second.start] if first is not second else ""
                when = next((d.text for s0, _e0, d in ctx.dates if first.end <= s0 < second.start), None)
                d1["timeframe"], d1["as_of_text"] = "past", when if between_txt else None
                d2 = _draft(ctx, "gap", ndir, second, subj, ref, second.start)
                d2["timeframe"] = "current" if d2["timeframe"] == "past" else d2["timeframe"]
                out += [d1, d2]
                continue
        # "seven months behind, down from 14 months in early 2024": the earlier value of the same gap.
        # "That is down from about 14 months in early 2024": the same, in the sentence after the claim.
        earlier = out or (ctx.earlier if re.match(r"\s*(?:that|this|it|the\s+(?:gap|lag|lead))\b", text, re.I)
                          else [])
        if earlier and re.search(r"\b(?:down|up)\s+from\s+$|\bcompared\s+with\s+$|\bfrom\s+$", pre, re.I) and \
                not _BEHIND_POST.match(post) and not (_NARROW_PRE.search(pre) and not re.search(
                    r"\b(?:down|up)\s+from\s+$", pre, re.I)):
            base = earlier[-1]
            if base["kind"] == "gap" and base["direction"] in ("behind", "ahead"):
                d_past = dict(base)
                d_past.update({"months_low": dur.low, "months_high": dur.high, "approximate": dur.approximate,
                               "timeframe": "past", "_pos": dur.start,
                               "as_of_text": next((d.text for s0, _e0, d in ctx.dates
                                                   if dur.end <= s0 <= dur.end + 4), None)})
                for k in ("hedged", "confidence", "attributed_to"):
                    d_past[k] = base[k]
                out.append(d_past)
                continue
        post_at = dur.end
        if i + 1 < len(durs) and _NOT_ALT.match(text[dur.end: durs[i + 1].start]):
            # "months, not years, behind": the claim is the first span; the cue follows the rejected one.
            post_at = durs[i + 1].end
            post = text[post_at:]
            skip.add(i + 1)
        m_post = _BEHIND_POST.match(post)
        m_adj = _NOUN_ADJ_POST.match(post)
        m_by = _TRAIL_BY.search(pre)
        m_noun = _noun_before(pre)
        within_of = re.search(r"\bwithin\b", dur.text, re.I) and re.match(r"^\s*of\s+", post, re.I)
        implicit = re.match(r"^\s*(?:earlier|before|prior|previously|ago)\b", post, re.I) and _IMPLICIT_VERB.search(pre)
        if m_post and re.search(r"\b(?:spent|spend|spends|spending|took|take|takes|lasted|last|for|after|every)\s+"
                                r"(?:about\s+|roughly\s+|nearly\s+|some\s+)?$", pre, re.I):
            continue  # "spent eight months behind closed doors": a duration, not a gap
        if m_post:
            direction = "behind" if m_post.group("behind") else "ahead"
            ref_pos = post_at + m_post.end()
            ref = _reference_after(ctx, ref_pos)
            subj = _small_clause_subject(ctx, dur.start) or _subject_before(ctx, dur.start)
            cue_pos = dur.start
        elif within_of:
            direction = "behind"
            ref = _reference_after(ctx, dur.end + within_of.end(), 12)
            if ref is None:
                continue
            subj = _subject_before(ctx, dur.start)
        elif m_by:
            direction = "behind" if m_by.group("behind") else "ahead"
            verb_start = m_by.start()
            mid_lo, mid_hi = m_by.start("mid"), m_by.end("mid")
            mids = _ents_between(ctx, mid_lo, mid_hi)
            ref = mids[0] if mids else None
            subj = _subject_before(ctx, verb_start)
            cue_pos = verb_start
        elif m_adj is not None and (not _PRE_EXCL.search(pre[-12:]) or re.search(r"\b(?:a|an|the|its|their)\s*$", pre)):
            adj_noun = m_adj.group(0).strip().lower()
            direction = "ahead" if m_adj.group("ahead") else "behind"
            after = post_at + m_adj.end()
            ref = _reference_after(ctx, after, 60)
            pair = _between(ctx, dur.end, len(text)) if adj_noun in ("gap", "gulf") else None
            if pair:
                subj, ref = pair
            else:
                subj = _subject_before(ctx, dur.start)
        elif m_noun and not _POST_EXCL.match(post):
            direction = "ahead" if m_noun.group("ahead") else "behind"
            noun_start = m_noun.start()
            pair = _between(ctx, noun_start, min(len(text), dur.end + 12))
            if pair:
                subj, ref = pair
            else:
                mids = _ents_between(ctx, m_noun.start("mid"), m_noun.end("mid"))
                refs = [e for e in mids if _REF_PREP.search(text[: e.start])]
                others = [e for e in mids if e not in refs and re.search(r"\bof\s+(?:the\s+)?$", text[: e.start])]
                ref = refs[0] if refs else None
                subj = others[0] if others else _subject_before(ctx, noun_start)
                if ref is None:
                    ref = _reference_after(ctx, dur.end, 40)
                    if ref is not None and not re.match(r"^\s*(?:behind|over|on|to|with)\b", text[dur.end:], re.I):
                        ref = None
            cue_pos = noun_start
        elif implicit:
            # The first attainment verb with a release/attainment link after it: "reached the level of GPT-5,
            # released eight months earlier"; "performs at the level GPT-5 reached five months earlier".
            iv = next((v for v in _IMPLICIT_VERB.finditer(pre) if _IMPLICIT_LINK.search(pre[v.end():])), None)
            if iv is None:
                continue
            if re.search(r"\bago\b", post[:6], re.I) and not re.search(r"\b(?:were|was|had\s+been)\b",
                                                                         pre[iv.start():]):
                continue
            direction = "behind"
            refs = _ents_between(ctx, iv.start(), dur.start)
            ref = refs[0] if refs else None
            subj = _subject_before(ctx, iv.start())
            cue_pos = iv.start()
        elif (cm := _CLEFT.match(post)) is not None:
            # "Three months: that's how far Chinese open models trail the US frontier."
            vm = _CLEFT_VERB.search(post, cm.end(), min(len(post), cm.end() + 80))
            if vm is None:
                continue
            direction = "behind" if vm.group("behind") else "ahead"
            lo_abs, verb_abs = post_at + cm.end(), post_at + vm.start()
            inner = _ents_between(ctx, lo_abs, verb_abs)
            subj = inner[0] if inner else None
            ref = _reference_after(ctx, post_at + vm.end(), 40)
            cue_pos = dur.start
        elif out and out[-1].get("_end") is not None and out[-1]["direction"] in ("behind", "ahead") and \
                _LIST_CONT.match(text[out[-1]["_end"]: dur.start]) and not _POST_EXCL.match(post):
            # "~9 months for text, ~18 months for agents": a second value of the same gap.
            d_more = dict(out[-1])
            d_more.update({"months_low": dur.low, "months_high": dur.high, "approximate": dur.approximate,
                           "_pos": dur.start, "_lo": dur.start, "_end": dur.end, "_unit": dur.unit})
            out.append(d_more)
            continue
        else:
            continue
        if direction is None:
            continue
        if _blocked(ctx, min(cue_pos, dur.start)):
            continue
        if dur.unit == "days" and dur.low is not None and dur.low < 1:
            continue
        if dur.unit_only and not re.search(r"s\b|\b(?:few|several|many|handful)\b", dur.text, re.I):
            continue  # "the year ahead": a bare singular unit is not a quantity
        if m_post and (_OFF_TOPIC.match(post[m_post.end():]) or _OWN_PLAN.match(post[m_post.end():])):
            continue  # "behind in chips", "a year ahead of its own plan"
        if (m_post or m_by) and _OFF_TOPIC_SUBJ.search(text, 0, cue_pos if m_by else dur.start):
            continue  # "AI adoption lags the US by two years": a gap, but not in model capability
        if m_post and _RELEASE_TIMING.search(pre) and not _CAPABILITY.search(post):
            continue  # "was released six months ahead of Llama 4": release timing, not a capability gap
        # Noun forms ("the gap is five months") may lean on the article's topic; the other forms need AI
        # words in their own sentence or the one before, and an actor ("two months ahead of schedule").
        noun_form = bool(m_noun or m_adj) and not (m_post or m_by)
        if not (_ai_context(ctx) or (noun_form and ctx.doc_about_ai)):
            continue
        if not noun_form and subj is None and ref is None and not ctx.ents and not (
                ctx.prev is not None and ctx.prev.ents):
            continue
        pair_words = re.search(r"\bbetween\s+(?:the\s+)?(?:two|both)\b", text, re.I)
        if pair_words and subj is None:
            continue  # "the gap between the two funding rounds"
        d_new = _draft(ctx, "gap", direction, dur, subj, ref, dur.start)
        d_new.update({"_lo": min(cue_pos, dur.start), "_end": dur.end, "_unit": dur.unit})
        out.append(d_new)
    if out:
        out += _elliptical(ctx, out)
    return out


def _elliptical(ctx: SentCtx, found: list[Draft]) -> list[Draft]:
    """ "eight months behind GPT-5 and roughly three behind Opus 4.1": a bare number reusing the unit."""
    base = next((d for d in reversed(found) if d.get("_unit") and d["months_low"] is not None and
                 d["direction"] in ("behind", "ahead")), None)
    if base is None:
        return []
    out: list[Draft] = []
    for em in _ELLIPSIS.finditer(ctx.text, base["_end"]):
        v = word_number(em.group("n"))
        if v is None or em.group("n").lower() in ("a", "an"):
            continue
        direction = "behind" if em.group("dir").lower().startswith("behind") else "ahead"
        if direction != base["direction"] or is_negated(ctx.text, em.start("n")):
            continue
        months = round(v * _UNIT_FACTOR.get(base["_unit"], 1.0), 2)
        ref = _reference_after(ctx, em.end(), 40)
        if ref is None:
            continue  # "… and 40 behind on compute per researcher": the bare number needs a named comparator
        d = dict(base)
        d.update({"months_low": months, "months_high": months, "approximate": bool(em.group("mods")),
                  "reference": ref.text if ref else None, "reference_group": _group_of(ref),
                  "_pos": em.start("n"), "_lo": em.start("n"), "_end": em.end("n")})
        out.append(d)
    return out


def _small_clause_subject(ctx: SentCtx, pos: int) -> Ent | None:
    """ "put Google about two months ahead", "leaves China a year behind": the object right before the span."""
    last = next((e for e in reversed(ctx.ents) if e.end <= pos), None)
    if last is None or ctx.text[last.end: pos].strip():
        return None
    if not _SMALL_CLAUSE.search(ctx.text, 0, last.start):
        return None
    return last


def parity_claims(ctx: SentCtx, taken: list[Draft]) -> list[Draft]:
    """Find present or past parity claims: "have caught up with", "on par with", "closed the gap".

    Future forms ("will catch up by 2027") are forecasts, not parity claims.
    """
    text = ctx.text
    out: list[Draft] = []
    for m in _PARITY.finditer(text):
        if any((d["_lo"] if "_lo" in d else d["_pos"]) - 60 < m.start() < d["_pos"] + 60 for d in taken):
            continue
        window = text[max(0, m.start() - 45): m.start()]
        if _FUT.search(window) or re.search(r"\bto\s+(?:be\s+)?$", window, re.I):
            continue
        word = m.group(0).lower()
        ref = _reference_after(ctx, m.end(), 50)
        if re.search(r"matche|rival|equal", word) and ref is None:
            continue
        subj = _subject_before(ctx, m.start())
        if _blocked(ctx, m.start()):
            continue
        d = _draft(ctx, "gap", "parity", None, subj, ref, m.start())
        out.append(d)
        break
    return out


# --- forecast claims ------------------------------------------------------------------------------------------


def _target_text(ctx: SentCtx, lo: int, hi: int, parity: bool) -> tuple[str | None, list[str]]:
    raw = ctx.text[lo:hi]
    t = re.sub(r"^\s*(?:up\s+)?(?:with|to|on)?\s*", "", raw, flags=re.I)
    t = re.sub(r"^(?:the\s+)?(?:level|performance|capabilities|quality)\s+of\s+", "", t, flags=re.I)
    t = re.sub(r"[\s,;:]+$", "", t)
    t = re.sub(r"\s+(?:in|on)\s+(?:performance|capability|capabilities|benchmarks?|quality)$", "", t, flags=re.I)
    t = re.sub(r"\s+(?:and|or|but|sometime|at\s+some\s+point|as\s+early\s+as|as\s+soon\s+as)$", "", t, flags=re.I)
    if len(t) > 80:
        t = t[:80].rsplit(" ", 1)[0]
    models = [e.model_id for e in _ents_between(ctx, lo, hi + 1) if e.kind == "MODEL" and e.model_id]
    if parity and t and not t.lower().startswith("parity"):
        t = "parity with " + t if raw.strip().lower().startswith("with") and "parity" in ctx.text[
            max(0, lo - 12): lo].lower() else t
    if not t:
        return ("parity" if parity else None), models
    return t, models


_RIVAL_REL = re.compile(r"\b(?:that|which)\s+(?:could\s+|would\s+|will\s+)?(?:rival|match|equal)s?\b|"
                        r"\b(?:rivaling|rivalling|matching)\b", re.I)
_LEVEL_WORDS = re.compile(r"\b(?:level|parity|par|frontier|performance|capabilit\w*|state[- ]of[- ]the[- ]art|"
                          r"models?|labs?|systems?|rivals?|counterparts|peers|world|global\w*|race|field|AI)\b",
                          re.I)
_MODELISH = re.compile(r"\b(?:model|models|LLM|successor|version|flagship\s+model|reasoning\s+model)\b", re.I)


def _forecast_target_ok(ctx: SentCtx, is_release: bool, tgt: str | None, tmodels: list[str], lo: int,
                        hi: int) -> bool:
    """A forecast must be about AI capability or a model release, not "100 million users" or "its annual report"."""
    if tmodels:
        return True
    if is_release:
        return bool(tgt and (_MODELISH.search(tgt) or re.search(r"\b[A-Z][A-Za-z]*-?\d+(?:\.\d+)?\b", tgt)))
    if tgt in (None, "parity"):
        return True
    inside = _ents_between(ctx, lo, max(hi, lo) + 1) if hi >= lo else []
    return bool(inside or _LEVEL_WORDS.search(tgt or ""))


def forecast_claims(ctx: SentCtx) -> list[Draft]:
    """Find forecasts: a future or plan cue, a target ("reach Opus level", "surpass the US"), and a deadline.

    Release plans ("slated for Q3 2026") count; stated goals ("aims to surpass the US by 2030") are kept with
    is_goal. Without a deadline there is nothing to check later, so no forecast is emitted.
    """
    text = ctx.text
    if not any(d.bound not in ("ago", "after") for _s, _e, d in ctx.dates):
        return []  # no deadline, no forecast (and the cue search below is the costly part)
    c = cues()
    fut = _FUT.search(text)
    plan = _RELEASE_PLAN.search(text)
    if fut is None and plan is None:
        return []
    target = None
    if fut is not None:
        for tm in _TARGET.finditer(text, fut.end(), min(len(text), fut.end() + 70)):
            gap_txt = text[fut.end(): tm.start()]
            if re.search(r"[.;]", gap_txt):
                break
            target = tm
            break
    release_plan = False
    if target is None and plan is not None:
        release_plan = True
    elif target is None:
        return []
    anchor = target.start() if target is not None else (plan.start() if plan is not None else 0)
    after = target.end() if target is not None else (plan.end() if plan is not None else 0)
    dates = [(s, e, d) for s, e, d in ctx.dates if d.bound != "ago" and d.bound != "after"]
    deadline = next(((s, e, d) for s, e, d in dates if e > after and s >= anchor), None)
    if deadline is None:
        deadline = next(((s, e, d) for s, e, d in dates if s < anchor), None)
    if deadline is None:
        return []
    ds, _de, dl = deadline
    if dl.start is None and dl.end is None and not dl.relative:
        return []
    cue_pos = fut.start() if fut is not None and fut.start() < anchor else anchor
    if (is_negated(text, anchor) or _FORECAST_NEG.search(text[max(0, cue_pos - 30): anchor])
            or is_rejected(text) or is_conditional(text, anchor)):
        return []
    direction: str | None = None
    is_release = release_plan or (target is not None and target.group("release") is not None)
    if target is not None and target.group("parity"):
        direction = "parity"
    elif is_release and _RIVAL_REL.search(text, after, max(after, ds) if ds >= after else len(text)):
        direction = "parity"  # "to open-source a model that rivals GPT-5.1 next year"
    elif target is not None and target.group("ahead"):
        direction = "ahead"
    subj = _adjacent_subject(ctx, cue_pos) or _subject_before(ctx, cue_pos)
    if fut is not None and re.match(r"(?:expects?|wants?|needs?|hopes?\s+for)\s+(?!to\b)", fut.group(0), re.I):
        inner = _ents_between(ctx, fut.start(), fut.end())
        if inner:
            subj = inner[0]
    elif fut is not None and _SPEECH_FUT.match(fut.group(0)) and fut.end() <= anchor:
        # "Analysts predict that Chinese open models will…", "My bet: open weights catch up…"
        inner = _ents_between(ctx, fut.end(), anchor)
        if inner:
            subj = next((e for k in ("GROUP", "MODEL", "ORG") for e in inner if e.kind == k), inner[0])
    if is_release:
        labs = [e for e in ctx.ents if e.end <= anchor and e.kind in ("ORG", "GROUP")]
        if labs:
            subj = labs[0]
        elif subj is None and ctx.prev is not None:
            # "The company is expected to launch …": the lab named in the sentence before
            subj = next((e for e in ctx.prev.ents if e.kind == "ORG"), None)
    if subj is None and not is_release:
        subj = _neighbour_subject(ctx)
    tgt: str | None
    tmodels: list[str]
    t_hi = ds  # where the target phrase ends (the deadline, when it follows the target)
    if is_release:
        rel_ents = [e for e in ctx.ents if e.kind == "MODEL" and not (e.model_id or "").startswith("family:")]
        obj = _ents_between(ctx, after, ds) if ds >= after else []
        pick = next((e for e in obj if e.kind == "MODEL"), None) or next(
            (e for e in rel_ents if e.end <= anchor), None) or (rel_ents[0] if rel_ents else None)
        if pick is not None:
            tgt, tmodels = pick.text, [pick.model_id] if pick.model_id else []
        else:
            raw = text[after: ds] if ds >= after else ""
            raw = re.sub(r"^\s*(?:for\s+)?(?:release|launch)?\s*", "", raw).strip(" ,")
            if not raw:  # "Its next model is due before the end of the year": the thing is the subject
                raw = re.split(r"[,;]\s*", text[:anchor])[-1]
                raw = re.sub(r"\s+(?:is|are|was|were|will\s+be)\b.*$", "", raw.strip(), flags=re.I)
            tgt, tmodels = (raw[:60] or None), []
    else:
        assert target is not None
        hi = ds if ds >= after else len(text)
        end_m = re.search(r"[,;]|\.(?!\d)|\s(?:according|said|says|as|because|thanks)\b", text[after:hi])
        if end_m:
            hi = after + end_m.start()
        t_hi = hi
        tgt, tmodels = _target_text(ctx, after, hi, direction == "parity")
        if direction == "parity" and tgt and "parity" in target.group(0).lower() and not tgt.lower().startswith(
                "parity"):
            tgt = "parity " + tgt
    if not _forecast_target_ok(ctx, is_release, tgt, tmodels, after, t_hi) or not _ai_context(ctx):
        return []
    goal = bool(c.goal.search(text[: anchor + 1]))
    d = _draft(ctx, "forecast", direction, None, subj, None, anchor)
    d.update({
        "target": tgt,
        "target_models": tmodels,
        "deadline_text": dl.text,
        "deadline_start": dl.start,
        "deadline_end": dl.end,
        "timeframe": "future",
        "is_goal": goal,
    })
    if goal and not d["hedged"]:
        d["confidence"] = min(d["confidence"], 0.7)
    return [d]


_SPEECH_FUT = re.compile(r"(?:predict|forecast|my|our|the|I\b|bet|hot)", re.I)
_ADJACENT = re.compile(r"^\s*(?:(?:also|now|still|itself|themselves|too|as\s+well)\s+)*$", re.I)


def _adjacent_subject(ctx: SentCtx, pos: int) -> Ent | None:
    """The entity right before the future cue ("… fear DeepSeek could match …") is its grammatical subject."""
    last = next((e for e in reversed(ctx.ents) if e.end <= pos), None)
    if last is None or not _ADJACENT.match(ctx.text[last.end: pos]):
        return None
    if re.search(r"\b(?:by|from|than|over|with|to|of|per|via|against|versus|vs\.?)\s+(?:the\s+)?$",
                 ctx.text[: last.start], re.I):
        return None
    return last


def _demo(text: str) -> SentCtx:
    """A SentCtx with entities from the default finders (used by the doctests)."""
    from extractors.claims import sentence_context
    return sentence_context(text, None)
