"""Release announcements: a lab or outlet saying a model is out now, with the model, the day and the sentence.

"Today we are releasing Osprey 4", "Corvid Labs launched Osprey 4 on Tuesday", "Osprey 4 is now available in the
API". A release that *will* happen is a forecast (extractors.rules.forecasts), never a release: a sentence with a
future, plan, hedge, negation or condition cue near the announcement is skipped.

Unlike the other families this one reads the whole document, not the candidate sentences of the trigger
component (an announcement rarely has the time unit or deadline those need): a cue (``CUES``) with a model
name next to it (a gazetteer hit, or an unseen versioned name such as "Osprey 4") is the whole trigger. Every
model listed with the announced one is announced too ("releasing Osprey 4 and Osprey 4 Mini", "A, B and C are
now available"). One draft per model per document; the model id is the gazetteer's, or ``schemas.model_slug``
of the name.

Dates: an explicit day in the sentence ("on March 3", "on Tuesday", "yesterday") becomes the claim's
``deadline_start``/``deadline_end`` (the release day; a coarser phrase keeps its interval); without one the
release day is the document's publication date, read by the warehouse when it corroborates the release
(warehouse/outcomes/observed.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from extractors.dates import find_dates
from extractors.groups import lab_group, model_group
from extractors.models import ModelHit
from schemas import model_slug

__all__ = ["CUES", "release_drafts"]

Draft = dict[str, Any]
Splitter = Callable[[str], list[tuple[int, int]]]
ModelName = tuple[int, int, str, dict[str, str]]  # (start, end, text, group) in sentence offsets

_VERB = (r"(?:releas(?:e|es|ed|ing)|launch(?:es|ed|ing)?|introduc(?:e|es|ed|ing)|unveil(?:s|ed|ing)?|"
         r"ship(?:s|ped|ping)?|open[- ]sourc(?:e|es|ed|ing)|roll(?:s|ed|ing)?\s+out|debut(?:s|ed|ing)?|"
         r"mak(?:e|es|ing)\s+available|made\s+available)")
# Each cue: where its model stands relative to it ("after": "we are releasing X"; "before": "X is now available"),
# whether it reports a past event (timeframe "past") and the pattern. Matched case-insensitively.
CUES: tuple[tuple[str, str, bool, str], ...] = (
    ("first-person", "after", False,
     r"\bwe(?:'re|’re|\s+are|'ve|’ve|\s+have)?\s+(?:(?:very|so|really)\s+)?(?:(?:excited|thrilled|proud|happy|pleased|"
     r"delighted)\s+to\s+)?(?:(?:now|officially|publicly)\s+)?" + _VERB + r"\b"),
    ("headline", "after", False, r"^[\s\"“'‘*#-]*(?:introducing|announcing|meet|say\s+hello\s+to)\b[:\s]"),
    ("lab-past", "after", True,
     r"\b(?:has|have|had|just|officially|quietly|publicly)?\s*(?:released|launched|unveiled|introduced|rolled\s+out|"
     r"shipped|open[- ]sourced|debuted|made\s+available)\b"),
    ("available", "before", False,
     r"(?:\b(?:is|are)\s+(?:now\s+|today\s+)?(?:generally\s+|broadly\s+|publicly\s+|widely\s+)?(?:available|live|out)\b|"
     r"\bnow\s+(?:generally\s+)?available\b|\bavailable\s+(?:today|now|starting\s+today|from\s+today)\b|"
     r"\bgoes\s+live\b|\bwent\s+live\b|\bis\s+out\s+(?:now|today)\b|\bhits\s+the\s+API\b)"),
    ("passive-past", "before", True,
     r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:officially\s+|publicly\s+|quietly\s+)?"
     r"(?:released|launched|unveiled|introduced|open[- ]sourced|rolled\s+out|made\s+available)\b"),
    ("intransitive", "before", True, r"\b(?:launched|debuted|arrived|shipped)\s+(?=on\b|today\b|this\b|yesterday\b|"
                                     r"last\b|earlier\b|in\b|(?-i:[A-Z]))"),
)
_CUE_RES = tuple((name, side, past, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
                 for name, side, past, pattern in CUES)
# Cheap document-level gate: the cue words, matched on the lower-cased text (case-sensitive matching there is
# several times faster than IGNORECASE over a whole document).
_GATE_WORDS = (r"\b(?:releas|launch|introduc|unveil|availab|open[- ]sourc|roll(?:ed|s|ing)?\s+out|ship|debut|"
               r"live\b|out\s+(?:now|today)|announcing|meet\b|hello\b|hits\s+the\s+api|arrived)")
_GATE = re.compile(_GATE_WORDS)
_GATE_ANY_CASE = re.compile(_GATE_WORDS, re.IGNORECASE)
# How far from a cue word its model may stand (characters), for the cheap check before a sentence is split.
_NEAR = 160
# Words that make the sentence a plan, a hedge, a rumour, a negation or a condition, not an announcement.
_NOT_DONE = re.compile(
    r"\b(?:will|won['’]t|would|could|might|(?-i:may)|shall|going\s+to|expect\w*|plan(?:s|ned|ning)?|soon|upcoming|"
    r"coming\s+(?:weeks|months|days)|later\s+this|next\s+(?:week|month|year|quarter)|rumou?r\w*|reportedly|"
    r"allegedly|reported|reports?\s+(?:say|said|suggest)|sources\s+(?:say|said)|set\s+to|slated|scheduled|due\s+(?:to|in|out)|aims?\s+to|hop(?:e|es|ing)\s+to|intends?|preparing|"
    r"not|never|n['’]t|no\s+longer|yet\s+to|delay\w*|postpon\w*|if|unless|once|when|whether|until|before|"
    r"after)\b|['’]ll\b|\?", re.IGNORECASE)
# An unseen model name: a capitalised word (or two) and a version ("Osprey 4", "Quill-2.5 Pro").
_VERSION_NAME = re.compile(r"(?<![\w.-])(?:[A-Z][A-Za-z]{1,15}[ -])?[A-Z][A-Za-z]{1,15}[- ]?v?\d{1,2}(?:\.\d{1,2})?"
                           r"(?:[- ](?:Pro|Max|Ultra|Mini|Lite|Turbo|Flash|Thinking|Instruct|Preview|Omni))?"
                           r"(?![\w-]|\.\d)")
# The cheap test that a versioned name may stand near a cue: a capitalised word and a number, not a date.
_MAYBE_MODEL = re.compile(r"[A-Z][A-Za-z]{1,15}[- ]?v?\d{1,2}(?!\d)")
_MONTH_WORD = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*[- ]?\d")
_IN_WORD = re.compile(r"[\w.-]")


def _maybe_model(text: str, lo: int = 0, hi: int | None = None) -> bool:
    """Whether a versioned name may stand in text[lo:hi] (a date such as "November 8" does not count)."""
    for m in _MAYBE_MODEL.finditer(text, lo, len(text) if hi is None else hi):
        st = m.start()
        if (st == 0 or not _IN_WORD.match(text, st - 1)) and not _MONTH_WORD.match(text, st):
            return True
    return False
# Capitalised words that start a sentence or headline, not a name ("Introducing Wren 2" names Wren 2).
_LEAD_WORD = re.compile(r"^(?:Introducing|Announcing|Meet|Today|Releasing|Launching|Presenting|New|Our|The|Why|How|"
                        r"Hello|With|And|But|Try|Using|Now|Inside|About|Behind|Welcome)[ -]")
_NOT_A_MODEL = re.compile(
    r"(?:^|[ -])(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Q|H|Top|"
    r"Phase|Level|Tier|Series|Windows|iPhone|Pixel|Galaxy|Version|Chapter|Section|Part|Figure|Table|COVID|Web|"
    r"Day|Week|Model|Gen|Step|Stage|Round|Grade|Class|Type|Article|Rule|Title|Vol|No|Number)(?:[ -]|$)|"
    r"^(?:[HABLM]I?\d{2,3}|MI\d+|F-?\d+|G[78]|M[1-5]|A\d{1,2})$")
# What may stand between the cue and its model: articles, possessives and descriptions, not a preposition
# or another verb ("launched a voice mode for GPT-4o" is not a release of GPT-4o).
_JOIN_AFTER = re.compile(r"^[\s,:“\"'‘]*(?:(?:the|a|an|its|their|our|his|her|new|newest|latest|next|first|most|"
                         r"capable|powerful|advanced|generation|next-generation|flagship|open|open-weight|open-source|"
                         r"frontier|reasoning|language|large|small|multimodal|model|models|family|version|called|"
                         r"named|dubbed|AI|LLM|[\w-]+est|[\w-]+-[\w-]+)[\s,:“\"'‘]+){0,7}$", re.IGNORECASE)
_JOIN_BEFORE = re.compile(r"^[\s,”\"'’)]*(?:(?:which|that|who|model|models|itself|also|officially)[\s,]+){0,3}$",
                          re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;.]\s|[;—–]")
_YESTERDAY = re.compile(r"\byesterday\b", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|this\s+(?:past\s+)?)?(Monday|Tuesday|Wednesday|Thursday|Friday|"
                      r"Saturday|Sunday)\b")
# A past release placed relative to something else ("two years ago", "eight months earlier", "five months
# later"): its day is not the publication date, and the sentence does not give it.
_DISPLACED = re.compile(r"\b(?:ago|earlier|later|previously|prior|formerly|originally|back\s+in|last\s+(?:year|month)|"
                        r"afterwards?|then|since|after|before)\b", re.IGNORECASE)
# A past-tense report without a day is taken as news of the day only when it says it is fresh.
_FRESH = re.compile(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening|week)|just|now|newly|new|newest|latest|"
                    r"has|have)\b", re.IGNORECASE)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class _Paragraphs:
    """Sentence bounds of the paragraphs asked about, each paragraph split once."""

    def __init__(self, text: str, split: Splitter) -> None:
        self.text, self.split = text, split
        self.done: dict[int, list[tuple[int, int]]] = {}

    def sentence_at(self, pos: int) -> tuple[int, int] | None:
        """The sentence holding pos."""
        ps = self.text.rfind("\n\n", 0, pos)
        ps = 0 if ps < 0 else ps + 2
        if ps not in self.done:
            pe = self.text.find("\n\n", pos)
            pe = len(self.text) if pe < 0 else pe
            self.done[ps] = [(s + ps, e + ps) for s, e in self.split(self.text[ps:pe])]
        return next(((s, e) for s, e in self.done[ps] if s <= pos < e), None)


def _hits_in(hits: Sequence[ModelHit], starts: list[int], s: int, e: int) -> list[ModelHit]:
    lo = bisect.bisect_left(starts, s)
    hi = bisect.bisect_left(starts, e)
    return [h for h in hits[lo:hi] if h.end <= e]


def _model_names(stext: str, s: int, hits: list[ModelHit]) -> list[tuple[int, int, str, dict[str, str]]]:
    """Models in a sentence (sentence-relative offsets): gazetteer hits, else unseen versioned names."""
    out = [(h.start - s, h.end - s, h.text, model_group(h)) for h in hits
           if h.label == "MODEL" and not h.canonical_id.startswith("family:")]
    taken = [(a, b) for a, b, _t, _g in out]
    for m in _VERSION_NAME.finditer(stext):
        lead = _LEAD_WORD.match(m.group(0))
        start = m.start() + (lead.end() if lead else 0)
        name = stext[start: m.end()]
        if _NOT_A_MODEL.search(name) or any(a < m.end() and start < b for a, b in taken):
            continue
        slug = model_slug(name)
        if slug and re.search(r"\d", slug):
            out.append((start, m.end(), name, {"model": slug}))
    return sorted(out, key=lambda x: x[0])


def _pick_model(stext: str, cue: re.Match[str], side: str,
                models: list[tuple[int, int, str, dict[str, str]]]) -> tuple[int, int, str, dict[str, str]] | None:
    """The model a cue announces: right after it ("releasing X") or right before it ("X is now available")."""
    if side == "after":
        for m in models:
            if m[0] >= cue.end() and _JOIN_AFTER.match(stext[cue.end(): m[0]]):
                return m
        return None
    for m in reversed(models):
        if m[1] <= cue.start() and _JOIN_BEFORE.match(stext[m[1]: cue.start()]):
            return m
    return None


def _release_day(stext: str, published: date | None, lo: int, hi: int) -> tuple[str | None, date | None, date | None]:
    """The day the sentence gives for the release (the date phrase nearest the announcement stext[lo:hi]):
    (phrase, start, end); (None, None, None) = the publication date."""
    if published is not None:
        wd = _WEEKDAY.search(stext)
        if wd:
            back = (published.weekday() - _WEEKDAYS.index(wd.group(1).lower())) % 7
            day = published - timedelta(days=back)
            return wd.group(0), day, day
        if _YESTERDAY.search(stext):
            day = published - timedelta(days=1)
            return "yesterday", day, day
    found = [(max(lo - e, s - hi, 0), s, d) for s, e, d in find_dates(stext, published)
             if d.bound in ("in", "after") and d.start is not None]
    if found:
        _dist, _s, d = min(found, key=lambda x: (x[0], x[1]))
        return d.text, d.start, d.end if d.bound == "in" else d.start
    return None, None, None  # "today", or no day at all: the publication date


def _announcer(stext: str, cue_start: int, hits: list[ModelHit], s: int) -> tuple[str | None, str | None]:
    """The lab named before the cue ("Corvid Labs launched …"): its text and gazetteer id, if any."""
    orgs = [h for h in hits if h.label == "ORG" and h.end - s <= cue_start]
    if orgs:
        return orgs[-1].text, orgs[-1].canonical_id
    m = re.search(r"((?:[A-Z][\w&.'’-]*\s+){0,3}[A-Z][\w&.'’-]*)\s*(?:has\s+|have\s+|just\s+|officially\s+)*$",
                  stext[:cue_start])
    if m and not re.match(r"(?:Today|We|Our|The|This|It|On|In|Yesterday|Now)\b", m.group(1)):
        return m.group(1), None
    return None, None


def _draft(stext: str, s: int, e: int, model: tuple[int, int, str, dict[str, str]], past: bool,
           published: date | None, hits: list[ModelHit], cue: re.Match[str]) -> Draft | None:
    cue_start = cue.start()
    phrase, start, end = _release_day(stext, published, min(cue_start, model[0]), max(cue.end(), model[1]))
    if published is not None and start is not None and start > published:
        return None  # a day after publication is a plan, not a release
    if phrase is None and (_DISPLACED.search(stext) or (past and not _FRESH.search(stext))):
        return None  # a past release the sentence dates only relative to something else, or not at all
    who, lab = _announcer(stext, min(cue_start, model[0]), hits, s)
    group = dict(model[3])
    if lab and "lab" not in group:
        group.update(lab_group(lab))
    return {"kind": "release", "subject": model[2], "subject_group": group, "models": [group["model"]],
            "target": model[2], "target_models": [], "deadline_text": phrase, "deadline_start": start,
            "deadline_end": end, "timeframe": "past" if past or (start is not None and published is not None
                                                                 and start < published) else "current",
            "attributed_to": who, "hedged": False, "confidence": 0.9,
            "sentence": stext, "start_char": s, "end_char": e}


def _not_done(stext: str, lo: int, hi: int) -> bool:
    """A plan, hedge, negation or condition in the clause around the cue and its model (to the next comma)."""
    stop = _CLAUSE_END.search(stext, hi)
    return bool(_NOT_DONE.search(stext, max(0, lo - 40), stop.start() if stop else len(stext)))


def _sentence_releases(text: str, s: int, e: int, published: date | None, hits: list[ModelHit]) -> list[Draft]:
    stext = text[s:e]
    models = _model_names(stext, s, hits)
    if not models:
        return []
    out: list[Draft] = []
    for _name, side, past, rx in _CUE_RES:
        for cue in rx.finditer(stext):
            model = _pick_model(stext, cue, side, models)
            if model is None:
                continue
            group = _coordinated(stext, model, models, side)
            if _not_done(stext, min(cue.start(), group[0][0]), max(cue.end(), group[-1][1])):
                continue
            out += [d for m in group if (d := _draft(stext, s, e, m, past, published, hits, cue)) is not None]
    return out


# What joins the models of one announcement ("Osprey 4 and Osprey 4 Mini", "A, B & C", "A / B").
_COORDINATION = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*|as\s+well\s+as\s+|plus\s+)?|\s+(?:and|&|plus|as\s+well\s+as)\s+|"
                           r"\s*/\s*)(?:(?:the|its|their|our|a|an|new)\s+)?", re.IGNORECASE)


def _coordinated(stext: str, model: ModelName, models: list[ModelName], side: str) -> list[ModelName]:
    """The announced model with the models listed alongside it, in text order: after it when the cue comes
    first ("releasing A, B and C"), before it when the cue follows ("A and B are now available").

    >>> m = _model_names("We are releasing Osprey 4 and Osprey 4 Mini, rivals to GPT-5.", 0, [])
    >>> [x[2] for x in _coordinated("We are releasing Osprey 4 and Osprey 4 Mini, rivals to GPT-5.", m[0], m, "after")]
    ['Osprey 4', 'Osprey 4 Mini']
    """
    i = models.index(model)
    j = k = i
    if side == "after":
        while k + 1 < len(models) and _joined(stext, models[k], models[k + 1]):
            k += 1
    else:
        while j > 0 and _joined(stext, models[j - 1], models[j]):
            j -= 1
    return models[j: k + 1]


def _joined(stext: str, a: ModelName, b: ModelName) -> bool:
    return _COORDINATION.fullmatch(stext, a[1], b[0]) is not None


def release_drafts(text: str, published: date | None, hits: Sequence[ModelHit], split: Splitter) -> list[Draft]:
    """Release drafts of a whole document: one per model, the first dated statement of it (else the first).

    `hits` are the document's model and lab mentions (extractors.models); `split` splits a paragraph into
    sentence bounds (extractors.claims.split_sentences), so release sentences are the other families' sentences.
    """
    starts = [h.start for h in hits]
    paras = _Paragraphs(text, split)
    done: set[int] = set()
    best: dict[str, Draft] = {}
    if not any(h.label == "MODEL" for h in hits) and not _maybe_model(text):
        return []  # no model named anywhere: nothing can have been released
    low = text.lower()
    gate = _GATE.finditer(low) if len(low) == len(text) else _GATE_ANY_CASE.finditer(text)
    for cue in gate:
        lo, hi = max(0, cue.start() - _NEAR), cue.end() + _NEAR
        if not (bisect.bisect_left(starts, lo) < bisect.bisect_left(starts, hi) or _maybe_model(text, lo, hi)):
            continue  # no model name near the cue: no gazetteer hit, no versioned name
        b = paras.sentence_at(cue.start())
        if b is None or b[0] in done:
            continue
        done.add(b[0])
        for d in _sentence_releases(text, b[0], b[1], published, _hits_in(hits, starts, *b)):
            mid = d["models"][0]
            if mid not in best or (best[mid]["deadline_start"] is None and d["deadline_start"] is not None):
                best[mid] = d
    return sorted(best.values(), key=lambda d: int(d["start_char"]))
