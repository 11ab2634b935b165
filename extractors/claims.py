"""Claim extraction: a spaCy pipeline (blank English + rule components) from text to Mentions and Claims.

Pipeline (built once per process, see ``get_nlp``)::

    claimwatch_triggers_v1    lexeme flags (patterns/triggers.jsonl) → candidate positions and name heads
    claimwatch_models_v1      model, family and lab names (gazetteer + version patterns) at the name heads
    claimwatch_claims_v1      the gap / parity / forecast rules on candidate sentences; date phrases are
                              normalized lazily for the sentences the rules look at (DATE mentions cover those)

The public interface (``extract``, ``extract_claims``, ``extract_many``, ``EXTRACTOR_VERSION``) is what flows and
the CLI call; bump EXTRACTOR_VERSION whenever a rule or pattern file changes so stored documents get re-extracted.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy
import spacy
from spacy.attrs import IDX, PREFIX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extractors import ner
from extractors.cues import cues
from extractors.dates import DateInterval, find_dates
from extractors.groups import find_groups, lab_group, model_group
from extractors.models import ModelHit, find_mentions, head_words, lookup, mentions_at, org_info
from extractors.rules import Ent, SentCtx, attribution, forecast_claims, gap_claims, parity_claims, planner, speakers
from extractors.rules.cjk import has_cjk
from extractors.rules.foreign import foreign_drafts
from extractors.rules.releases import release_drafts
from schemas import Claim, Mention, stable_id

__all__ = ["EXTRACTOR_VERSION", "RULES_VERSION", "Extraction", "extract", "extract_claims", "extract_many", "get_nlp"]

log = logging.getLogger(__name__)

RULES_VERSION = "claims.v2.18"
# The optional statistical model changes attributions, so when one is installed it is part of the version (and
# so of the extract-batch cache key and of every stored claim's extractor_version).
EXTRACTOR_VERSION = RULES_VERSION + ner.signature()

# After the token-level triggers, a sentence must still show one of these before the rules run on it.
_UNIT = re.compile(r"\b(?:months?|years?|weeks?|quarters?|decades?|nanoseconds?|mos?|yrs?)\b|-month|-year|-week",
                   re.IGNORECASE)
_DOC_AI = re.compile(r"\b(?:AI|A\.I\.|AGI|ASI|artificial intelligence|superintelligen\w+|LLMs?|language models?|"
                     r"chatbots?|open[- ]source models?|"
                     r"open[- ]weights?)\b")
_PARITY_HINT = re.compile(r"caught|catch|parity|par\b|gap|neck|level|matche|rival|equal|erased|perform|comparabl|"
                          r"ballpark|equivalent|frontier|good\s+as|similar|analogous|pace|spitting|match|inferior|"
                          r"worse\s+than|(?:smart|capable|strong|powerful|intelligent)\s+as|competitive|convergence|"
                          r"blows|-level|toe-to-toe|toe\s+to\s+toe",
                          re.IGNORECASE)
_FORECAST_HINT = re.compile(
    r"\b(?:will|won't|would|shall|going\s+to|expect\w*|set\s+to|likely|poised|on\s+track|on\s+course|"
    r"on\s+pace|slated|scheduled|due|plan\w*|aim\w*|goal|target\w*|hop\w+|intend\w*|want\w*|seek\w*|"
    r"vow\w*|pledge\w*|predict\w*|forecast\w*|could|may|might|should|projected|anticipated|promis\w+|"
    r"tipped|striv\w+|ambition|'ll|bid|race|push|mission|earmarked|pencil+ed|coming|prepar\w+|ready|gearing|"
    r"bet|betting|guess|call|AGI|ASI|HLMI|superintelligen\w+|singularity|odds|chances?|probability|likelihood|"
    r"releas\w*|launch\w*|rumou?red|drop(?:s|ping)?|arriv\w+|debut\w*|unveiling|rollout|upcoming|timelines?|"
    r"delay\w*|postpon\w+|pushed|slipped|window|imminent|median|ETA|soon)\b|%",
    re.IGNORECASE)
# Sentence ends: terminal punctuation (plus closing quotes) before a capital, digit or opening quote; blank
# lines; and single line breaks after a line that does not end mid-sentence (headings, list items).
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9@])|[ \t]*\n\s*")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Inc|Corp|Co|Ltd|Jr|Sr|St|vs|etc|approx|No|Nos|Fig|Gen|Gov|Sen|Rep|Jan|Feb|Mar|"
    r"Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|est|ca|cf|al)\.|(?<![\w.])[A-Z]\.|\b(?:[A-Za-z]\.){2,})[\"'”’)\]]*$")
# "the report states that…", "the authors argue…": the claim belongs to whoever the text last attributed to.
@lru_cache(maxsize=1)
def _backref() -> re.Pattern[str]:
    """A sentence whose speaker is someone named before: "he said", "the report found", "according to her"."""
    return re.compile(
        r"\b(?:(?:the|this|that|these)\s+(?:report|study|analysis|paper|survey|authors|researchers|group|institute|"
        r"tally|tracker|memo|researcher|analyst|executive|evaluation|assessment|lab|company|firm|startup|agency|team|"
        r"CEO|founder)|it|they|she|he)\s+(?:(?:also|now|still|again|even|then|later|once|[a-z]+ly)\s+)?"
        r"(?:seems?\s+to\s+|went\s+on\s+to\s+|doubled\s+down\s+and\s+)?(?:"
        + cues().attribution_verb +
        r"|expected|shows?|maintains|put|puts|emphasi[sz]ed|hinted)\b"
        r"|\b(?:his|her)\s+(?:own\s+)?(?:\w+\s+)?(?:estimate|prediction|forecast|timeline|guess|bet)s?\b"
        r"|\baccording\s+to\s+(?:him|her|them|it|(?:the|this)\s+(?:report|study|analysis|paper|survey|company|"
        r"firm|lab|startup|agency|researchers|authors|institute|group))\b", re.IGNORECASE)

# The components keep their results in doc.user_data (a plain dict: ``doc._.x`` builds an Underscore object on
# every access, which costs more than the lookups themselves on short docs); the extensions read it from there.
def _user_data_getter(key: str) -> Callable[[Doc], Any]:
    return lambda doc: doc.user_data.get(key)


for _name in ("cw_models", "cw_dates", "cw_claims", "cw_groups", "cw_sents", "cw_candidates", "cw_heads"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, getter=_user_data_getter(_name))


def _text(doc: Doc) -> str:
    """doc.text rebuilds the string from every token; the original is kept in user_data when we made the doc."""
    cached = doc.user_data.get("cw_text")
    if cached is None:
        cached = doc.text
        doc.user_data["cw_text"] = cached
    return str(cached)


def split_sentences(text: str) -> list[tuple[int, int]]:
    r"""Return (start, end) character offsets of the sentences in text, whitespace trimmed.

    >>> split_sentences("The U.S. leads. Open models trail GPT-5.1 by 3 months.\n\nHeading\n\nBody text.")
    [(0, 15), (16, 54), (56, 63), (65, 75)]
    """
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        g = m.group(0)
        if g[0] in ".!?":
            if _ABBREV.search(text, max(0, m.start() - 11), m.start() + 1):
                continue
            end = m.start() + len(g.rstrip())
        else:
            end = m.start()
            if g.count("\n") < 2 and end > 0 and (text[end - 1].islower() or text[end - 1] in ",;:-") and \
                    not _title_line(text, end, m.end()):
                continue  # a wrapped line inside a paragraph, not a break
        _push(text, start, end, out)
        start = m.end()
    _push(text, start, len(text), out)
    return out


def _title_line(text: str, end: int, nxt: int) -> bool:
    """A short line without final punctuation before a capitalised line: a headline or a deck, not a wrapped
    line ("Why the claim matters\nIn March 2025, …")."""
    line_start = text.rfind("\n", 0, end) + 1
    return (end - line_start <= _TITLE_MAX and nxt < len(text) and (text[nxt].isupper() or text[nxt] in "“\"")
            and text[end - 1] not in ",;:-")


_TITLE_MAX = 100  # characters: longer lines without a full stop are wrapped prose


def _push(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


_FLAG_BITS = {"unit": 1, "gap_cue": 2, "parity": 4, "future": 8, "date": 16, "name": 32, "stop": 64}


@dataclass
class _Triggers:
    """Maps the category hashes stored in each lexeme's PREFIX slot back to trigger bits."""

    keys: numpy.ndarray  # sorted hashes of "cw<bits>" strings
    bits: numpy.ndarray  # the bits of each key


def _trigger_words() -> dict[str, set[str]]:
    text = resources.files("extractors").joinpath("patterns", "triggers.jsonl").read_text(encoding="utf-8")
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            words = {t.lower() for t in row.get("terms", [])}
            if row["flag"] == "date":
                # Years and year-ish tokens as words, so the whole check is one set lookup per new word.
                for y in range(1990, 2051):
                    words |= {str(y), f"mid-{y}", f"{y}s", f"early-{y}", f"late-{y}", f"end-{y}"}
                words |= {"q1", "q2", "q3", "q4", "h1", "h2"}
            out[row["flag"]] = words
    return out


def _category_getter() -> Callable[[str], str]:
    """Lexeme text → its trigger category as a string ("" for ordinary words, else "cw<bits>")."""
    words = _trigger_words()
    prefixes, names = head_words()
    stops = {".", "!", "?"}

    def category(s: str) -> str:
        low = s.lower()
        bits = 0
        for flag, vocab in words.items():
            if low in vocab:
                bits |= _FLAG_BITS[flag]
        if s == "May":  # the month, not the modal verb
            bits &= 0xFF ^ _FLAG_BITS["future"]
        if low.startswith(prefixes) or low in names or low.split("-", 1)[0] in names:
            bits |= _FLAG_BITS["name"]
        if s in stops:
            bits |= _FLAG_BITS["stop"]
        return f"cw{bits}" if bits else ""
    return category


def _install_categories(nlp: Language) -> _Triggers:
    """Store each lexeme's trigger category in its PREFIX slot.

    spaCy computes it once per vocabulary entry (new words go through the getter), so a doc's categories are
    one to_array column: no per-token Python and no lookups over all tokens. The pipeline's vocabulary is
    private to claimwatch; nothing else reads PREFIX there.
    """
    category = _category_getter()
    nlp.vocab.lex_attr_getters[PREFIX] = category  # type: ignore[attr-defined]
    strings = nlp.vocab.strings
    for lex in nlp.vocab:  # lexemes created before the getter was installed (tokenizer exceptions)
        lex.prefix = strings.add(category(lex.orth_))
    table = {strings.add(f"cw{b}"): b for b in range(1, 128)}
    keys = numpy.array(sorted(table), dtype="uint64")
    return _Triggers(keys, numpy.array([table[int(k)] for k in keys], dtype="uint8"))


_TRIGGERS: list[_Triggers] = []


def _near(a: numpy.ndarray, b: numpy.ndarray, window: int) -> numpy.ndarray:
    """Elements of a that have some element of b within window positions (both sorted)."""
    if not len(a) or not len(b):
        return a[:0]
    j = numpy.searchsorted(b, a)
    lo = numpy.abs(b[numpy.maximum(j - 1, 0)] - a)
    hi = numpy.abs(b[numpy.minimum(j, len(b) - 1)] - a)
    return a[numpy.minimum(lo, hi) <= window]


class TriggersComponent:
    """Candidate positions from trigger words: a time unit near a gap cue in the same sentence, a parity word,
    or a future cue near a date word; plus token starts that may begin a model or lab name.

    Vectorized over a whole batch of docs (numpy on one column: the trigger category each lexeme carries),
    so its cost is a small fraction of tokenization; no per-token Python.
    """

    def __init__(self, nlp: Language) -> None:
        self.strings = nlp.vocab.strings

    def __call__(self, doc: Doc) -> Doc:
        """Process one doc."""
        self._batch([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Process docs in batches (the numpy work is shared across a batch)."""
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._batch(batch)
                yield from batch
                batch = []
        if batch:
            self._batch(batch)
            yield from batch

    def _batch(self, docs: list[Doc]) -> None:
        trig = _TRIGGERS[0]
        arrays = [d.to_array(PREFIX) for d in docs]
        lens = [len(a) for a in arrays]
        if not sum(lens):
            for d in docs:
                d.user_data["cw_candidates"], d.user_data["cw_heads"] = [], []
            return
        cat = numpy.concatenate(arrays)
        starts = numpy.cumsum([0, *lens])
        # Everything below works on the marked tokens only (ordinary words carry the empty category, hash 0),
        # a small fraction of the batch, so no array here is as long as the text.
        marked = numpy.flatnonzero(cat)
        mcat = cat[marked]
        pos = numpy.minimum(numpy.searchsorted(trig.keys, mcat), len(trig.keys) - 1)
        mbits = numpy.where(trig.keys[pos] == mcat, trig.bits[pos], 0)
        # A position key that never brings two sentences (or two docs) within a window of each other:
        # sentence number = sentence stops before the token; doc number from the batch offsets.
        stops = marked[(mbits & _FLAG_BITS["stop"]) > 0]
        sent_no = numpy.searchsorted(stops, marked, side="right")
        doc_no = numpy.searchsorted(starts, marked, side="right") - 1
        key = marked + (sent_no + doc_no * 1_000_000) * 1000

        def where(flag: str) -> numpy.ndarray:
            return numpy.flatnonzero((mbits & _FLAG_BITS[flag]) > 0)  # indices into marked

        w_unit, w_gap, w_fut, w_date = where("unit"), where("gap_cue"), where("future"), where("date")
        k_unit, k_fut = key[w_unit], key[w_fut]
        cand = numpy.concatenate([
            marked[w_unit[numpy.isin(k_unit, _near(k_unit, key[w_gap], 20))]],
            marked[where("parity")],
            marked[w_fut[numpy.isin(k_fut, _near(k_fut, key[w_date], 30))]],
        ])
        cand = numpy.unique(cand)
        heads = marked[where("name")]
        # Character offsets only for the few selected tokens, cut per doc (both index arrays are sorted).
        c_cut = numpy.searchsorted(cand, starts).tolist()
        h_cut = numpy.searchsorted(heads, starts).tolist()
        c_all, h_all = cand.tolist(), heads.tolist()
        for k, d in enumerate(docs):
            base = int(starts[k])
            d.user_data["cw_candidates"] = [d[t - base].idx for t in c_all[c_cut[k]: c_cut[k + 1]]]
            d.user_data["cw_heads"] = [d[t - base].idx for t in h_all[h_cut[k]: h_cut[k + 1]]]


@Language.factory("claimwatch_triggers_v1")
def make_triggers(nlp: Language, name: str) -> TriggersComponent:
    """Factory for the trigger component (see TriggersComponent)."""
    return TriggersComponent(nlp)


@Language.component("claimwatch_models_v1")
def models_component(doc: Doc) -> Doc:
    """Model/family names and labs, tried only at flagged token starts; a lab inside a model name
    ("DeepSeek" in "DeepSeek-V3") is not reported separately."""
    heads = doc.user_data.get("cw_heads") or []
    if not heads:
        doc.user_data["cw_models"] = []
        return doc
    models, orgs = mentions_at(_text(doc), heads)
    doc.user_data["cw_models"] = sorted(models + orgs, key=lambda h: h.start) if orgs else models
    return doc


class _Sentences:
    """Sentence bounds computed paragraph by paragraph, only for the paragraphs that are asked about."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.paras: dict[int, list[tuple[int, int]]] = {}

    def paragraph(self, pos: int) -> tuple[int, int]:
        s = self.text.rfind("\n\n", 0, pos)
        s = 0 if s < 0 else s + 2
        e = self.text.find("\n\n", pos)
        return s, (len(self.text) if e < 0 else e)

    def sentences_in(self, ps: int, pe: int) -> list[tuple[int, int]]:
        if ps not in self.paras:
            self.paras[ps] = [(a + ps, b + ps) for a, b in split_sentences(self.text[ps:pe])]
        return self.paras[ps]

    def at(self, pos: int) -> tuple[int, int] | None:
        """The sentence holding character pos."""
        ps, pe = self.paragraph(pos)
        sents = self.sentences_in(ps, pe)
        i = bisect.bisect_right([a for a, _ in sents], pos) - 1
        return sents[i] if i >= 0 and pos < sents[i][1] + 1 else (sents[0] if sents else None)

    def before(self, start: int) -> tuple[int, int] | None:
        """The sentence right before the one starting at start (crossing a paragraph break if needed)."""
        ps, pe = self.paragraph(start)
        sents = self.sentences_in(ps, pe)
        i = bisect.bisect_left([a for a, _ in sents], start)
        if i > 0:
            return sents[i - 1]
        k = ps - 1
        while k > 0 and self.text[k - 1].isspace():
            k -= 1
        return self.at(k - 1) if k > 0 else None


def _ents_for(text: str, s: int, e: int, hits: list[ModelHit], starts: list[int]) -> list[Ent]:
    ents: list[Ent] = []
    for g in find_groups(text[s:e]):
        ents.append(Ent(g.start, g.end, g.text, "GROUP", dict(g.attrs)))
    lo = bisect.bisect_left(starts, s)
    for h in hits[lo:]:
        if h.start >= e:
            break
        if h.end > e:
            continue
        # A model name carries what the gazetteer knows about it (lab, country, open weights); a lab name its
        # country. Openness is never guessed for a lab (labs release both kinds).
        if h.label == "MODEL":
            ent = Ent(h.start - s, h.end - s, h.text, "MODEL", model_group(h), h.canonical_id)
        else:
            ent = Ent(h.start - s, h.end - s, h.text, "ORG", lab_group(h.canonical_id))
        ents = [x for x in ents if x.end <= ent.start or x.start >= ent.end or (x.end - x.start) > (
            ent.end - ent.start)]
        if all(x.end <= ent.start or x.start >= ent.end for x in ents):
            ents.append(ent)
    ents.sort(key=lambda x: x.start)
    return _merge_lab_groups(text[s:e], ents)


_POSSESSIVE = re.compile(r"(?:'s|’s)\s+(?:(?:own|new|latest|newest|best|top)\s+)?")


def _merge_lab_groups(stext: str, ents: list[Ent]) -> list[Ent]:
    """ "DeepSeek's open-weight models" is one group: the lab (and its country) plus what the phrase states."""
    out: list[Ent] = []
    i = 0
    while i < len(ents):
        a = ents[i]
        b = ents[i + 1] if i + 1 < len(ents) else None
        if b is not None and a.kind == "ORG" and b.kind == "GROUP" and "country" not in b.attrs and \
                _POSSESSIVE.fullmatch(stext[a.end: b.start]):
            attrs = {**a.attrs, **b.attrs}
            out.append(Ent(a.start, b.end, stext[a.start: b.end], "GROUP", attrs))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


# A quote whose speaker is named right after it: '"…three months behind," Hassabis told CNBC.'
# (Used with .match(text, pos): no "^", which would only match at the very start of the text.)
# The verbs of a speaker clause after a quote ('"…," Hassabis told CNBC', '"…," she said').
_SAID = (r"(?:said|says|told|added|wrote|writes|argued|warned|explained|noted|stated|remarked|declared|mentioned|"
         r"predicted|insisted|admitted|cautioned|stressed|emphasi[sz]ed|observed|recalled|replied|answered)")
_SPEAKER_AFTER = re.compile(r"\s*[\"'”’,]*\s*(?:(?P<name>(?:[A-Z][\w.'’-]+\s+){0,3}[A-Z][\w.'’-]+)\s+(?:also\s+)?"
                            rf"{_SAID}\b|"
                            r"(?:said|says|added|wrote|argued|warned)\s+(?P<name2>(?:[A-Z][\w.'’-]+\s+){0,3}"
                            rf"[A-Z][\w.'’-]+)|(?P<pron>[Hh]e|[Ss]he)\s+(?:also\s+)?{_SAID}\b)")
_QUOTE_END = re.compile(r"[\"”’'][\s.,]*$|[,.][\"”’']\s*$")


def _quote_close(text: str, own: str, e: int) -> tuple[bool, int]:
    """Whether the sentence own (ending at e) opens a quote that closes in a later sentence, and where the speaker
    clause after the closing mark starts (e when the quote does not run on)."""
    opened = own.count("“") > own.count("”") or (own.count("“") == 0 and own.count('"') % 2 == 1 and
                                                   own.lstrip(" -•*–").startswith('"'))
    if opened:
        ends = [i for i in (text.find("”", e, e + 600), text.find('"', e, e + 600)) if i >= 0]
        return True, (min(ends) + 1 if ends else e)
    # ‘By 2020, they will have caught up. By 2025, …’ Schmidt said: a single-quoted quote over several sentences
    if own.lstrip(" -•*–").startswith("‘") and _SINGLE_CLOSE.search(own) is None:
        close = _SINGLE_CLOSE.search(text, e, min(len(text), e + 600))
        if close is not None:
            return True, close.end()
    return False, e


def _carried_attribution(text: str, sents: _Sentences, s: int, e: int) -> str | None:
    """Who a claim belongs to when its own sentence names nobody: the speaker named after the quote it is in
    ('"… behind," Hassabis told CNBC.', also when the quote runs over several sentences), the source named in
    one of the three sentences before ("The report states that …", "He said …", a quote continuing an earlier
    one), else the description itself ("The lab said …").

    >>> t = "Mira Chen, a chip analyst, spoke on Monday. She indicated that China is a year behind."
    >>> _carried_attribution(t, _Sentences(t), t.index("She"), len(t))
    'Mira Chen'
    >>> t = "“Open models trail by two months. They will catch up,” Ada Park told a podcast."
    >>> _carried_attribution(t, _Sentences(t), 0, t.index(" They"))
    'Ada Park'
    >>> t = "Two labs published results. The startup said its model matches the leader."
    >>> _carried_attribution(t, _Sentences(t), t.index("The"), len(t))
    'The startup'
    """
    from extractors.rules.attribution import anaphor, antecedent, person_in

    own = text[s:e]

    def look_back(start: int, pronoun: bool, n: int = 3) -> str | None:
        prev_b = sents.before(start)
        for k in range(n + 2 if pronoun else n):  # a "he" reaches past short asides ("Not in theory. In reality.")
            if prev_b is None:
                break
            prev = text[prev_b[0]: prev_b[1]]
            who = attribution(prev) if k < n else None
            who = who or (antecedent(prev) or person_in(prev) if pronoun else None)
            if who:
                return who
            # '"…," she said.' before: the speaker is whoever "she" is, named further back
            pronoun = pronoun or _PRONOUN_SPEAKER.search(prev) is not None
            prev_b = sents.before(prev_b[0])
        return None

    opened, end = _quote_close(text, own, e)
    if opened or _QUOTE_END.search(own) or own.lstrip().startswith(("\"", "“")):
        m = _SPEAKER_AFTER.match(text, end, min(len(text), end + 120))
        if m:
            return m.group("name") or m.group("name2") or look_back(s, True)
    for q in re.finditer(r"[”\"](?=\s+\S)", own):  # '…, which shocked me,” he remarked.': the quote ends in it
        m = _SPEAKER_AFTER.match(text, s + q.end(), min(len(text), s + q.end() + 120))
        if m and m.end() >= e - 2:
            opening = text.rfind("“", 0, s)  # "he" is named before the quote began, not inside it
            begin = s if opening < 0 or "”" in text[opening: s] else (sents.at(opening) or (s, s))[0]
            return m.group("name") or m.group("name2") or look_back(begin, True)
    bm = _backref().search(own)
    if bm:
        # "he", "she", "the company": the named subject of a sentence before will do when it attributes nothing
        named = re.search(r"\b(?:he|she|his|her|him|it|they|company|firm|lab|startup)\b", bm.group(0), re.I)
        pron = re.match(r"\s*[\"“”']?(he|she)\b", own, re.I) if named is not None else None
        # "He argued that …" with nobody named before it: the pronoun is all the text says.
        return look_back(s, named is not None) or anaphor(own) or (pron.group(1).capitalize() if pron else None)
    if re.match(r"[-•*–\s]*(?:[^“\"\n]{0,40}:\s*)?[“\"]", own):  # a quote going on from the sentences before
        return look_back(s, False, 2)
    head = _HEADLINE_SPEAKER.match(own)
    who = head.group("name") or head.group("person") if head else None
    if who and not _NOT_SPEAKER.search(who):
        return who  # "Hassabis: AGI likely within five years" (a headline quoting its source)
    if _CONTRAST.match(own):
        return None  # "But …": the author's voice again
    prev_b = sents.before(s)
    k = 0
    while prev_b is not None and k < _CARRY_BACK and "\n" not in text[prev_b[1]: s]:
        # Reported speech goes on: "Lee predicts that … Top models are only six to nine months behind."
        who = attribution(text[prev_b[0]: prev_b[1]])
        if who:
            return who
        prev_b, k = sents.before(prev_b[0]), k + 1
    nxt = sents.at(e + 1) if e + 1 < len(text) else None
    if nxt is not None and nxt[0] >= e and _NEXT_SOURCE.match(text, nxt[0], nxt[1]):
        return attribution(text[nxt[0]: nxt[1]])  # "… 18 months. The estimate comes from Gregory Allen, …"
    return None


# A speaker given by role ("DeepMind CEO", "the minister") and, near it, the person holding the role by name.
_TITLES = (r"(?:CEO|[Cc]o-?[Ff]ounder|[Ff]ounder|[Cc]hief\s+[Ee]xecutive(?:\s+[Oo]fficer)?|[Mm]inister|[Pp]resident|"
           r"[Cc]hair(?:man|woman)?|[Bb]oss|[Hh]ead|[Dd]irector)")
_ROLE_ONLY = re.compile(rf"(?:^|\s|^the\s+){_TITLES}(?:\s+of\s+.+)?$|^(?i:the\s+)(?:minister|chief|boss)$")
_PERSON = r"[A-Z][a-z]+(?:[ -][A-Z][a-z'’-]+){1,2}"
_ROLE_NAME = re.compile(rf"\b{_TITLES}\s*,?\s+(?:of\s+[^,]{{2,60}}\s+)?(?P<a>{_PERSON})\b"
                        rf"|\b(?P<b>{_PERSON}),\s+(?:the\s+)?(?:[\w.’'-]+\s+){{0,4}}?{_TITLES}\b")


def named_title(who: str, text: str, s: int, e: int) -> str:
    """The person's name for a speaker given only by role, when the text names whoever holds it nearby.

    >>> t = "Baidu's founder, Robin Li, spoke. The founder said Ernie matches GPT-4."
    >>> named_title("The founder", t, t.index("The"), len(t))
    'Robin Li'
    """
    if not _ROLE_ONLY.search(who):
        return who
    pick: re.Match[str] | None = None  # the last naming before the claim ends, else the first after it
    for m in _ROLE_NAME.finditer(text, max(0, s - 1500), min(len(text), e + 200)):
        if pick is not None and m.start() > e:
            break
        pick = m
        if m.start() > e:
            break
    return (pick.group("a") or pick.group("b")) if pick is not None else who


_PRONOUN_SPEAKER = re.compile(rf"\b(?:he|she)\s+(?:also\s+)?(?:{_SAID}|tells|continued|went\s+on|remarked|replied|"
                              r"responded)\b", re.I)
_SINGLE_CLOSE = re.compile(r"’(?!\w)")  # a closing single quote, not the apostrophe of "don’t" or "China’s"
_CARRY_BACK = 2  # sentences of the same paragraph a speaker carries over
_NEXT_SOURCE = re.compile(r"\s*(?:The|This|That|These)\s+(?:\w+\s+){0,3}?(?:was|were|is|are|comes?|came)\s+"
                          r"(?:given|made|offered|shared|provided|published|released|issued|from|according)\b"
                          # "… by mid-2026. Nathan Lambert argues that …": a named person's reasoning follows
                          r"|\s*(?-i:[A-Z][a-z]+(?:\s+[A-Z][\w'’-]+){1,2})\s+(?:argues|contends|believes|says|notes|"
                          r"explains|writes|predicts|expects|estimates|reckons|thinks)\s+that\b", re.I)


_HEADLINE_SPEAKER = re.compile(r"\s*(?P<name>(?-i:[A-Z][\w.'’-]+)(?:\s+(?-i:[A-Z][\w.'’-]+))?)"
                               r"(?:\s*\([^)]{0,60}\))?(?:\s+(?:memo|letter|interview|post|tweet|essay|keynote))?"
                               r"\s*(?::|(?<=\))\s+[-–—])\s+\S"
                               # "Andrej Karpathy — AGI is still a decade away": a first and last name before a dash
                               r"|\s*(?P<person>(?-i:[A-Z][a-z][\w'’-]+)\s+(?-i:[A-Z][a-z][\w'’-]+))\s+[–—]\s+\S")
_NOT_SPEAKER = re.compile(
    r"\b(?:Release|Timeline|Date|Update[sd]?|Summary|Note|Verdict|Source|Predicted|Adjusted|Key|Points?|TL;?DR|"
    r"Bottom|Line|Answer|Question|Conclusion|Breaking|Exclusive|Opinion|Analysis|Report|Status|Rumou?rs?|Leak|"
    r"Forecast|Prediction|Outlook|Context|Background|Takeaway|Why|What|How|When|Where|The|This|That|Our|My|"
    r"Step|Part|Chapter|Table|Figure|Fig|Edit|Disclaimer|Caveat|Verdicts?|Claim|Claims|Status|Result|Results|"
    r"Expected|Estimated|Launch|Model|Models|AI|AGI|Q\d|H\d|Pros|Cons|Spec|Specs|Price|Pricing|Benchmark\w*)\b")
_CONTRAST = re.compile(r"\s*[\"“”']?(?:but|however|yet|still|meanwhile|in\s+fact|actually)\b", re.I)


def _needs_rules(stext: str) -> bool:
    """Cheap per-sentence triggers: a time unit, a parity phrase, or a forecast cue (the rules decide)."""
    return bool(_UNIT.search(stext) or _PARITY_HINT.search(stext) or _FORECAST_HINT.search(stext))


# Characters real pages use in place of plain ones, folded one-for-one (offsets stay valid) before the rules
# read a document: non-breaking and figure hyphens, the minus sign, no-break and narrow spaces.
_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ",
                       "\u202f": " ", "\u2009": " ", "\u2007": " "})


def fold_text(text: str) -> str:
    """The text the rules read: look-alike hyphens and spaces replaced, same length.

    >>> fold_text("by year\u2011end")
    'by year-end'
    """
    return text.translate(_FOLD)


class _DocRules:
    """One document's pass of the rule families over its candidate sentences (the state the component keeps)."""

    def __init__(self, doc: Doc) -> None:
        ud = doc.user_data
        self.raw = _text(doc)
        self.text = fold_text(self.raw)
        self.published: date | None = ud.get("cw_published")
        self.hits: list[ModelHit] = ud.get("cw_models") or []
        self.starts = [h.start for h in self.hits]
        self.sents = _Sentences(self.text)
        self.all_dates: list[tuple[int, int, DateInterval]] = []
        self.drafts: list[dict[str, Any]] = []
        self.groups: list[tuple[int, int, Ent]] = []
        self.made: dict[int, SentCtx] = {}
        self.claimed_at: dict[int, list[dict[str, Any]]] = {}
        self.seen: list[tuple[int, int]] = []
        self.ner_ok: bool | None = None
        self._about_ai: bool | None = None

    def about_ai(self) -> bool:
        """Whether the document names a model or lab or talks about AI at all (computed once)."""
        if self._about_ai is None:
            self._about_ai = bool(self.hits) or bool(_DOC_AI.search(self.text))
        return self._about_ai

    def ctx_for(self, s: int, e: int) -> SentCtx:
        """The rule context of the sentence text[s:e], built once; dates and entities are computed lazily."""
        if s in self.made:
            return self.made[s]
        text, published = self.text, self.published

        def dates() -> list[tuple[int, int, DateInterval]]:
            found = find_dates(text[s:e], published)
            self.all_dates.extend((ds + s, de + s, di) for ds, de, di in found)
            return found

        def previous() -> SentCtx | None:
            b = self.sents.before(s)
            return self.ctx_for(*b) if b else None

        ctx = SentCtx(s, text[s:e], lambda: _ents_for(text, s, e, self.hits, self.starts), dates, published,
                      previous, self.about_ai)
        self.made[s] = ctx
        return ctx

    def run(self, s: int, e: int) -> bool:
        """Apply the rule families to one sentence; True when it held a claim."""
        self.seen.append((s, e))
        ctx = self.ctx_for(s, e)
        if self.claimed_at:  # only then can the sentence before hold claims ("That is down from …")
            prev_b = self.sents.before(s)
            if prev_b is not None and prev_b[0] in self.claimed_at:
                ctx.earlier = self.claimed_at[prev_b[0]]
        found = gap_claims(ctx)
        if _PARITY_HINT.search(ctx.text):  # every parity phrase holds one of these words
            found += parity_claims(ctx, found)
        found += forecast_claims(ctx, generic=not found)
        if not found:
            return False
        self.claimed_at[s] = found
        self.groups += [(ent.start + s, ent.end + s, ent) for ent in ctx.ents if ent.kind == "GROUP"]
        _own_speakers(ctx.text, found)
        carried = None if found[0].get("attributed_to") else self._carried(ctx, s, e)
        plan_by = planner(ctx.text) if any(d["kind"] == "forecast" and not d.get("attributed_to") for d in found) \
            else None
        for d in found:
            _maker_for_model(d)
            if d.get("attributed_to") is None and d["kind"] == "forecast" and plan_by:
                d["attributed_to"] = plan_by  # "Quill Labs plans to ship …": the planner forecasts it
            if d.get("attributed_to") is None and carried:
                d["attributed_to"] = carried
            if d.get("attributed_to"):
                d["attributed_to"] = named_title(d["attributed_to"], self.text, s, e)
            d.update({"sentence": self.raw[s:e], "start_char": s, "end_char": e})
            self.drafts.append(d)
        return True

    def _carried(self, ctx: SentCtx, s: int, e: int) -> str | None:
        carried = _carried_attribution(self.text, self.sents, s, e)
        if carried is None:
            if self.ner_ok is None:
                self.ner_ok = ner.available()  # once per document: it reads the environment
            if self.ner_ok:
                carried = ner.attribute(ctx.text)
        return carried

    def answers(self) -> None:
        """Short answers the token triggers do not flag ("Experts say 2027.", "Hassabis says 3–5 years."): the rules
        decide whether a milestone named just before makes them forecasts."""
        if not self.about_ai():
            return
        done = {s for s, _e in self.seen}
        for pos in answer_positions(self.text):
            b = self.sents.at(pos)
            if b is not None and b[0] not in done and b[1] - b[0] <= 120:
                done.add(b[0])
                self.run(*b)

    def follow_up(self, e: int) -> tuple[int, int] | None:
        """The sentence after a claim when it restates the gap by reference ("Today it's maybe two months.")."""
        k = e
        while k < len(self.text) and self.text[k].isspace():
            k += 1
        b = self.sents.at(k) if k < len(self.text) else None
        if b is None or b[0] < e or not _FOLLOW_UP.match(self.text, b[0], b[1]) or not _UNIT.search(
                self.text, b[0], b[1]):
            return None
        return b


def _maker_for_model(d: dict[str, Any]) -> None:
    """ "GLM-5 claims performance parity with …": a model does not speak; its maker does."""
    who = d.get("attributed_to")
    if not who:
        return
    hits, _orgs = find_mentions(who)
    if len(hits) == 1 and hits[0].label == "MODEL" and hits[0].end - hits[0].start >= len(who.strip()) - 1:
        info = lookup(hits[0].canonical_id or "")
        org = org_info(info.org if info else None)
        if org:
            d["attributed_to"] = org["name"]


def _own_speakers(text: str, found: list[dict[str, Any]]) -> None:
    """ "Altman says 2027, Amodei says 2026 and Hassabis says 2030": each claim takes the speaker whose clause comes
    last before it, when the sentence names more than one."""
    if not found[0].get("attributed_to"):
        return
    spk = speakers(text)
    if len(spk) < 2:
        return
    for d in found:
        before = [name for at, name in spk if at <= int(d.get("_pos", 0))]
        if before:
            d["attributed_to"] = before[-1]


_FOLLOW_UP = re.compile(r"\s*[\"“”']?(?:but\s+|and\s+)?(?:today|now|these\s+days|currently|at\s+present|this\s+year|"
                        r"maybe|perhaps|probably)?,?\s*"
                        r"(?:it['’]s|it\s+is|that['’]s|the\s+(?:gap|lag|lead|distance)\s+is|they['’]re|they\s+are)\b",
                        re.IGNORECASE)


_ANSWER_AT = re.compile(r"(?:says?|said|predicts?|estimates?|believes?|thinks?|bets?)\s+[^.!?\n]{0,30}?"
                        r"(?:\d{4}|years?|decades?)[\"”]?[.!]", re.IGNORECASE)
_ANSWER_WORDS = ("say", "said", "predict", "estimat", "believ", "think", "bet")


def answer_positions(text: str) -> list[int]:
    """Where a short answer may start ("… says 2027.", "… estimates 3–6 years."): a few substring searches, then
    one anchored match at each hit (a scan of the whole text with the pattern costs a sixth of the pipeline).

    >>> answer_positions("When is AGI due? Experts say 2027. Others said it is near.")
    [25]
    """
    low = text.lower()
    out = []
    for w in _ANSWER_WORDS:
        i = low.find(w)
        while i >= 0:
            if (i == 0 or not low[i - 1].isalnum()) and _ANSWER_AT.match(text, i):
                out.append(i)
            i = low.find(w, i + len(w))
    return sorted(out)
_SIDE_CUE = re.compile(r"\b(?:behind|ahead|trail\w*|lags?|lagging|leads?)\b", re.IGNORECASE)


@Language.component("claimwatch_claims_v1")
def claims_component(doc: Doc) -> Doc:
    """Run the gap, parity and forecast rules on the sentences around the candidate positions."""
    ud = doc.user_data
    if not ud.get("cw_candidates") and not answer_positions(_text(doc)):
        ud["cw_claims"], ud["cw_groups"], ud["cw_dates"], ud["cw_sents"] = [], [], [], []
        return doc
    run = _DocRules(doc)
    last = -1
    for pos in ud.get("cw_candidates") or []:
        if pos < last:
            continue
        b = run.sents.at(pos)
        if b is None:
            continue
        s, e = b
        last = e
        if not _needs_rules(run.text[s:e]):
            continue
        if not run.run(s, e) and not _SIDE_CUE.search(run.text, s, e):
            continue  # a sentence that places sides without a claim may still be followed by one ("Maybe …")
        nxt = run.follow_up(e)
        if nxt is not None and nxt[0] >= last:
            run.run(*nxt)
            last = nxt[1]
    run.answers()
    _mark_sentences(doc, run.seen)
    ud["cw_claims"] = run.drafts
    ud["cw_groups"] = run.groups
    ud["cw_dates"] = sorted(run.all_dates, key=lambda d: d[0])
    ud["cw_sents"] = run.seen
    return doc


def _mark_sentences(doc: Doc, bounds: list[tuple[int, int]]) -> None:
    """Set is_sent_start for the sentences the rules examined (the rest of the doc stays unsegmented)."""
    if not bounds:
        return
    # One array round trip per doc: setting Token.is_sent_start one by one re-checks the whole doc each time.
    arr = doc.to_array([IDX, SENT_START])
    idx = arr[:, 0]
    n = len(idx)
    s_at = numpy.searchsorted(idx, [b[0] for b in bounds], side="right") - 1  # the token holding s ("expand")
    e_at = numpy.searchsorted(idx, [b[1] for b in bounds], side="left")  # the first token at or after e
    for first, after in zip(s_at.tolist(), e_at.tolist(), strict=True):
        if first > 0:
            arr[first, 1] = 1
        if after < n and after > max(first, 0):
            arr[after, 1] = 1
    doc.from_array([SENT_START], numpy.ascontiguousarray(arr[:, 1:], dtype="uint64"))  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Build the pipeline once per process (blank English + the claimwatch rule components)."""
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    _TRIGGERS.clear()
    _TRIGGERS.append(_install_categories(nlp))
    nlp.add_pipe("claimwatch_triggers_v1")
    nlp.add_pipe("claimwatch_models_v1")
    nlp.add_pipe("claimwatch_claims_v1")
    return nlp


@dataclass
class Extraction:
    """Everything extracted from one text: entity mentions and claims."""

    mentions: list[Mention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def _as_date(published: date | datetime | None) -> date | None:
    if isinstance(published, datetime):
        return published.date()
    return published


_SAME_TOLERANCE = 2.0  # months: "five" and "six" months for the same pair are not a contradiction


_FLIP = {"behind": "ahead", "ahead": "behind", "parity": "parity"}


def _trailing_side(group: dict[str, str]) -> bool:
    return group.get("country") == "CN" or group.get("openness") == "open"


def _drop_restatements(claims: list[Claim]) -> list[Claim]:
    """A headline that restates a body claim ("Chinese open models five months behind") is dropped in favour
    of the full sentence; the same claim stated twice in prose is kept once, at its first statement."""
    def key(c: Claim) -> tuple[Any, ...]:
        # One proposition stated in a headline, the body and a quote is one claim: the key leaves out the
        # wording of the sides (which varies between restatements) and keeps what the claim asserts.
        if c.kind == "release":  # one per model per document (extractors.rules.releases keeps the best)
            return (c.kind, tuple(c.models))
        if c.kind == "forecast":
            what: Any = tuple(sorted(c.target_models)) or re.sub(r"^(?:the|a|an)\s+", "", (c.target or "").lower())
            return (c.kind, c.deadline_end, c.deadline_text if c.deadline_end is None else None, what)
        direction: str | None = c.direction
        if direction in ("behind", "ahead") and _trailing_side(c.reference_group) and not _trailing_side(
                c.subject_group):
            direction = _FLIP[direction]  # "US leads China by 7 months" restates "China trails by 7 months"
        # Several countries' gaps in one list ("欧州(0.5年)、日本(0.9年)") are separate claims, not restatements.
        side = c.subject_group.get("country") if has_cjk(c.sentence) else None
        return (c.kind, direction, c.months_low, c.months_high, c.timeframe, side)

    def is_sentence(c: Claim) -> bool:
        return c.sentence.rstrip("\"'”’)").endswith((".", "!", "?"))

    best: dict[tuple[Any, ...], Claim] = {}
    for c in claims:
        k = key(c)
        if k not in best or (is_sentence(c) and not is_sentence(best[k])):
            best[k] = c
    keep = {id(c) for c in best.values()}
    return [c for c in claims if id(c) in keep]


def _pair_key(c: Claim) -> tuple[tuple[str, str], bool]:
    """An order-free key for the (subject, reference) pair, and whether this claim states it reversed."""
    def key(g: dict[str, str], text: str | None) -> str:
        return "|".join(f"{k}={v}" for k, v in sorted(g.items())) or (text or "").lower()
    a, b = key(c.subject_group, c.subject), key(c.reference_group, c.reference)
    return ((a, b), False) if a <= b else ((b, a), True)


def _flag_contradictions(claims: list[Claim]) -> None:
    """Mark current gap claims about the same pair whose numbers (or directions) cannot both be true."""
    by_pair: dict[tuple[str, str], list[tuple[Claim, Claim]]] = {}
    for c in claims:
        if c.kind == "gap" and c.timeframe == "current" and (c.subject or c.subject_group):
            k, flipped = _pair_key(c)
            view = c.model_copy(update={"direction": _FLIP[c.direction]}) if flipped and c.direction else c
            by_pair.setdefault(k, []).append((view, c))
    for group in by_pair.values():
        for i, (a, orig_a) in enumerate(group):
            for b, orig_b in group[i + 1:]:
                if _disagree(a, b):
                    for c in (orig_a, orig_b):
                        if "contradictory" not in c.flags:
                            c.flags = [*c.flags, "contradictory"]


def _disagree(a: Claim, b: Claim) -> bool:
    dirs = {a.direction, b.direction}
    if dirs == {"behind", "ahead"}:
        return True
    if "parity" in dirs and len(dirs) == 2:
        other = a if a.direction != "parity" else b
        return (other.months_low or 0) >= 3
    if a.direction != b.direction or a.direction == "parity":
        return False
    lo_a, hi_a = a.months_low, a.months_high if a.months_high is not None else None
    lo_b, hi_b = b.months_low, b.months_high if b.months_high is not None else None
    if None in (lo_a, lo_b) and None in (hi_a, hi_b):
        return False
    a_lo = lo_a if lo_a is not None else 0.0
    b_lo = lo_b if lo_b is not None else 0.0
    a_hi = hi_a if hi_a is not None else float("inf")
    b_hi = hi_b if hi_b is not None else float("inf")
    return a_hi + _SAME_TOLERANCE < b_lo or b_hi + _SAME_TOLERANCE < a_lo


_MENTION_FIELDS = frozenset(Mention.model_fields)
_setattr = object.__setattr__


def _mention(doc_id: str, label: str, text: str, canonical_id: str | None, org: str | None, country: str | None,
             start: int, end: int, attrs: dict[str, Any]) -> Mention:
    """A Mention from values this module produced and typed itself: what ``Mention.model_construct`` builds
    (every field set, mention_id as model_post_init computes it), without its per-field generic machinery."""
    m = Mention.__new__(Mention)
    _setattr(m, "__dict__", {
        "mention_id": stable_id(doc_id, EXTRACTOR_VERSION, label, start, end), "doc_id": doc_id,
        "extractor_version": EXTRACTOR_VERSION, "label": label, "text": text, "canonical_id": canonical_id,
        "org": org, "country": country, "start_char": start, "end_char": end, "attrs": attrs})
    _setattr(m, "__pydantic_fields_set__", set(_MENTION_FIELDS))
    _setattr(m, "__pydantic_extra__", None)
    _setattr(m, "__pydantic_private__", None)
    return m


def _to_records(doc: Doc, published: date | None, doc_id: str) -> Extraction:
    # Mentions are built from values this module produced and typed itself, so they skip re-validation
    # (model_construct still runs model_post_init for the id); claims, assembled from rule drafts, validate.
    ud = doc.user_data
    mentions: list[Mention] = []
    mk = _mention
    for h in ud.get("cw_models") or []:
        mentions.append(mk(doc_id, h.label, h.text, h.canonical_id, h.org, h.country, h.start, h.end,
                           {k: v for k, v in h.attrs.items() if v is not None}))
    for s, e, ent in ud.get("cw_groups") or []:
        mentions.append(mk(doc_id, "GROUP", ent.text, None, None, ent.attrs.get("country"), s, e, dict(ent.attrs)))
    for s, e, d in ud.get("cw_dates") or []:
        mentions.append(mk(doc_id, "DATE", d.text, None, None, None, s, e, d.as_dict()))
    # Release announcements read the whole document, not the trigger candidates (extractors/rules/releases.py).
    text = _text(doc)
    drafts = [*(ud.get("cw_claims") or []), *release_drafts(text, published, ud.get("cw_models") or [],
                                                            split_sentences), *foreign_drafts(text, published)]
    if not drafts:
        if len(mentions) > 1:
            mentions.sort(key=lambda m: (m.start_char, m.end_char))
        return Extraction(mentions=mentions, claims=[])
    claims: list[Claim] = []
    seen: set[str] = set()
    for d in drafts:
        fields = {k: v for k, v in d.items() if not k.startswith("_")}
        flags: list[str] = []
        end = fields.get("deadline_end")
        if published is not None and end is not None and end < published and fields["kind"] != "release":
            flags.append("deadline_before_publication")
        try:
            claim = Claim(**fields, flags=flags, doc_id=doc_id, published_at=published,
                          extractor_version=EXTRACTOR_VERSION)
        except ValueError as exc:  # validate at the boundary; a bad draft never sinks the document
            log.warning("discarding claim draft in %s: %s", doc_id or "<text>", exc)
            continue
        if claim.claim_id in seen:
            continue
        seen.add(claim.claim_id)
        claims.append(claim)
    claims = _drop_restatements(claims)
    _flag_contradictions(claims)
    mentions.sort(key=lambda m: (m.start_char, m.end_char))
    return Extraction(mentions=mentions, claims=claims)


_MAX_CHARS = 2_000_000  # longer texts are cut (and logged) rather than failing the whole batch


def _make_doc(text: str, published: date | None) -> Doc:
    if len(text) > _MAX_CHARS:
        log.warning("text of %d characters cut to %d for extraction", len(text), _MAX_CHARS)
        text = text[:_MAX_CHARS]
    doc = get_nlp().make_doc(text)
    doc.user_data["cw_published"] = published
    doc.user_data["cw_text"] = text
    return doc


def extract(text: str, published: date | datetime | None = None, doc_id: str = "") -> Extraction:
    """Extract mentions and claims from plain text; offsets index into text and published anchors dates."""
    pub = _as_date(published)
    doc = get_nlp()(_make_doc(text, pub))
    return _to_records(doc, pub, doc_id)


def extract_claims(text: str, published: date | datetime | None = None, doc_id: str = "") -> list[Claim]:
    """Extract only the claims from plain text."""
    return extract(text, published, doc_id).claims


def extract_many(items: Iterable[tuple[str, date | datetime | None, str]], batch_size: int = 64) -> list[Extraction]:
    """Extract from many (text, published, doc_id) items with nlp.pipe; results keep the input order."""
    procs = [(p, getattr(p, "pipe", None)) for _name, p in get_nlp().pipeline]
    rows = [(t, _as_date(p), i) for t, p, i in items]
    out: list[Extraction] = []
    # The same components in the same order as nlp.pipe, called batch by batch without its per-doc generator
    # and error-handler layers (they cost about a tenth of the tokenizer on short documents).
    bs = max(1, batch_size)
    for lo in range(0, len(rows), bs):
        chunk = rows[lo: lo + bs]
        docs = [_make_doc(t, p) for t, p, _ in chunk]
        for proc, pipe in procs:
            docs = list(pipe(docs, batch_size=bs)) if pipe is not None else [proc(d) for d in docs]
        out.extend(_to_records(doc, pub, doc_id) for (_t, pub, doc_id), doc in zip(chunk, docs, strict=True))
    return out


def sentence_context(text: str, published: date | None) -> SentCtx:
    """Build the rule context for a single sentence of text (for tests and doctests)."""
    text = fold_text(text)
    models, orgs = find_mentions(text)
    hits = sorted(models + orgs, key=lambda h: h.start)
    return SentCtx(0, text, _ents_for(text, 0, len(text), hits, [h.start for h in hits]),
                   find_dates(text, published), published, None)
