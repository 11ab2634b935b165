"""What every rule family shares: the sentence context, entities, negation and timeframe, the claim draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from extractors.cues import cues
from extractors.dates import DateInterval
from extractors.numbers import Duration
from extractors.rules.attribution import attr_res, attribution


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

_NEG_IGNORE = re.compile(r"\w+n['’]t\s+(?:just|only|merely|simply)\b|"
                         r"\b(?:no\s+doubt|no\s+question|not\s+only|not\s+just|no\s+surprise|no\s+secret|"
                         r"not\s+least|nothing\s+short|no\s+more\s+than|no\s+less\s+than|no\s+later\s+than|"
                         r"not\s+later\s+than|(?:more|less)\s+likely\s+than\s+not|if\s+not\s+(?:sooner|earlier))\b",
                         re.I)
_PAST_MARK = re.compile(
    r"\b(?:(?:previous|earlier|prior|last\s+year['’]s)\s+(?:analysis|report|study|estimate|assessment|data\s+insight)|"
    r"at\s+the\s+time|back\s+then|at\s+launch|at\s+(?:its|their)\s+(?:launch|release)|used\s+to|previously|"
    r"initially|originally|a\s+year\s+ago|last\s+year|in\s+the\s+past|once)\b", re.I)
_PAST_LEAD = re.compile(r"\b(?:previously|earlier|once|initially|originally)\s+(?:\w+\s+)?\w+(?:ed|ing)\b[^,;.]{0,30}$",
                        re.I)
_PAST_VERB = re.compile(r"\b(?:was|were|had\s+been|stood|used\s+to|lagged|trailed|led|had)\b", re.I)
_FUTURE_GAP = re.compile(
    r"\b(?:will|'ll|(?:is|are)\s+(?:expected|set|projected|forecast|likely|going)\s+to|would)\b", re.I)
_STRONG_BREAK = re.compile(r";|,?\s+but\s+|,\s+while\s+|,?\s+whereas\s+|\s+—\s+")
_WEAK_MODAL = re.compile(r"\b(?:could|may|might)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[;:—–()]|,\s+(?:but|while|whereas|although|though|and|which|who)\b|\bbut\b|,")


def _neg_window(text: str, pos: int) -> str:
    """The clause before pos (back to the last clause break), with harmless "no doubt"-style phrases removed."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    return _NEG_IGNORE.sub(" ", text[start:pos])


def is_negated(text: str, pos: int) -> bool:
    """True when the clause leading to pos negates it ("are not six months behind", "aren't years behind").

    >>> is_negated("Chinese models are not six months behind.", 27), is_negated("No doubt they lead by a year.", 20)
    (True, False)
    """
    return bool(cues().negation.search(_neg_window(text, pos)))


def is_rejected(text: str) -> bool:
    """True when the speaker rejects the claim ("dismissed claims that…", "…is a myth")."""
    return bool(cues().rejection.search(_CONTRARY_OPENER.sub(" ", text)))


# "Contrary to previous estimates, X …" asserts X against the old view; it rejects nothing in the sentence.
_CONTRARY_OPENER = re.compile(r"\bcontrary\s+to\s+(?:previous|earlier|prior|past|common|popular|conventional|"
                              r"widespread|many|most|(?:the\s+)?(?:received|usual))\b", re.I)


# "If the rumours are right, …" qualifies the source, not the claim: a hedge, not a condition.
_SOURCE_IF = re.compile(r"\bif\s+(?:the\s+)?(?:rumou?rs?|rumou?r\s+mill|reports?|leaks?|sources?|speculation|"
                        r"insiders?|chatter|whispers)\s+(?:is|are|prove|turn\s+out\s+to\s+be)\s+(?:right|correct|true|"
                        r"accurate)\b|\bif\s+(?:the\s+|this\s+|these\s+|current\s+|recent\s+)*(?:trends?|science|"
                        r"(?:AI\s+)?progress|scaling)\s+(?:holds?|continues?|persists?|do(?:es)?\s+not\s+change|keeps?\s+up)\b"
                        # "I'm assuming our lead will …" is a hedge; "if you measure by research, …" a framing
                        r"|\bI(?:['’]m|\s+am)\s+assuming\b|\bif\s+you\s+(?:measure|look|count|judge|compare)\b"
                        # "If you follow that curve, China will be ahead by 2026": an extrapolation, stated
                        r"|\bif\s+(?:you|we|one)\s+(?:follow|extrapolate|extend)\b", re.I)


def is_conditional(text: str, pos: int, forecast: bool = False) -> bool:
    """True for "if/unless/assuming…" anywhere before pos, or "if" right after the claim in the same clause
    (a forecast with an "unless" after it is still a forecast: "could lose its lead by 2030 unless …")."""
    c = cues().conditional
    before = _SOURCE_IF.sub(" ", text[:pos])
    if c.search(before) or re.match(r"\s*(?:Were|Had|Should)\s+\w+(?:\s+\w+)?\s+(?:to|be|have)\b", text):
        return True
    after = text[pos: pos + 80]
    m = re.search(r"\b(?:if|assuming|provided\s+that)\b" if forecast else r"\b(?:if|unless|assuming|provided\s+that)\b",
                  after, re.I)
    return bool(m and not re.search(r"[;.]", after[: m.start()]) and not re.search(
        r"\bif\s+(?:anything|not)\b", after[m.start():], re.I))  # "on par with, if not better than, …"


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
    for m in attr_res()["verb_that"].finditer(text, 0, pos):
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
    r"open[- ]weights?|closed[- ]source|benchmarks?|capabilit(?:y|ies)|reasoning|agents?|agentic|frontiers|"
    r"chips?|semiconductors?|chipmak\w*|lithography|microelectronics|foundr(?:y|ies))\b")
# "behind in building data centers", "behind on chips": a gap, but not in model capability.


def _ai_context(ctx: SentCtx) -> bool:
    """True when the sentence or the one before it names a model, lab or group, or talks about AI systems."""
    if ctx.ents or _AI_CONTEXT.search(ctx.text):
        return True
    prev = ctx.prev
    for _ in range(_AI_LOOK_BACK):  # a quote's later sentences ("Now it might be three months behind.")
        if prev is None:
            return False
        if prev.ents or _AI_CONTEXT.search(prev.text):
            return True
        prev = prev.prev
    return False


_AI_LOOK_BACK = 2  # sentences


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



def demo_ctx(text: str) -> SentCtx:
    """A SentCtx with entities from the default finders (used by the doctests)."""
    from extractors.claims import sentence_context
    return sentence_context(text, None)
