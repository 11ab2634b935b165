"""Gap claims: "N months behind X", "trails X by N", "an N-month lead", "the gap is N", narrowing, implicit lags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.numbers import DURATION_RE, NUM, Duration, duration_from_match, word_number
from extractors.rules.base import (
    Draft,
    Ent,
    SentCtx,
    _ai_context,
    _between,
    _blocked,
    _draft,
    _ents_between,
    _group_of,
    _reference_after,
    _subject_before,
    is_negated,
)

_BEHIND_POST = re.compile(
    r"^[\s\"'”’)]*(?:(?P<behind>behind(?!\s+(?:closed\s+doors|the\s+scenes|bars|schedule|the\s+wheel))|back|adrift|"
    r"off\s+the\s+pace|late|away\s+from|short\s+of|shy\s+of)|"
    r"(?P<ahead>ahead|in\s+front|clear\s+of))\b", re.I)
_TRAIL_BY = re.compile(
    r"\b(?:(?P<behind>trail(?:s|ed|ing)?|lag(?:s|ged|ging)?|behind|f[ae]ll(?:s|en|ing)?\s+behind|are\s+behind)|"
    r"(?P<ahead>lead(?:s|ing)?|led|ahead|outpac(?:e|es|ed|ing)|edg(?:e|es|ed|ing)\s+out))\b"
    r"(?P<mid>(?:[^.;:]|\.\d|(?<=\b[A-Z])\.){0,80}?)\bby\s+(?:(?:an?\s+)?(?:average|estimated|median|mean|typical|(?:near|roughly|fairly|more\s+or\s+less)[\s-]"
    r"constant|constant|steady|consistent)\s+(?:of\s+)?)?$",
    re.I)
_NOUN_ADJ_POST = re.compile(
    r"^['’]?\s*(?:(?P<behind>lag|gap|deficit|time\s+lag|gulf|shortfall|delay\s+behind)|"
    r"(?P<ahead>lead|head[\s-]*start|advantage|edge|buffer|moat))\b", re.I)
_NOUN_PRE = re.compile(
    r"\b(?:(?P<behind>lag|gap|deficit|time\s+lag|gulf|distance|shortfall)|"
    r"(?P<ahead>lead(?!\s+(?:times?|authors?|investors?|engineers?|developers?|researchers?|scientists?|"
    r"designers?|counsel|role|story|generation|architect|analyst))|head[\s-]*start|advantage|edge|moat))\b(?P<mid>(?:[^.;]|\.\d|(?<=\b[A-Z])\.){0,120}?)"
    r"(?:\b(?:is|was|are|were|of|at|to|stands\s+at|sits\s+at|stood\s+at|remains|remained|has\s+been|had\s+been|"
    r"now|still|down\s+to|up\s+to|just|only|roughly|about|around|estimated\s+at|put\s+at|pegged\s+at|measured\s+at|"
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
    r"were|had\s+been|had|managed|hit|set|posted|published)\b", re.I)
_REF_PREP = re.compile(r"(?:\b(?:over|on|behind|to|with|vs\.?|versus|than|of|from)\s+(?:that\s+of\s+|those\s+of\s+)?"
                       r"(?:the\s+)?(?:best\s+|top\s+|leading\s+|latest\s+)?)$", re.I)
_OFF_TOPIC = re.compile(
    r"^[\s,]*(?:\w+\s+){0,3}?(?:in|on|when\s+it\s+comes\s+to)\s+(?:\w+\s+){0,2}?(?:"
    r"data\s+cent(?:er|re)s?|compute\s+capacity|energy|"
    r"power|electricity|revenue|funding|payments?|talent|hiring|adoption|regulation|policy|schedule)\b", re.I)
_OWN_PLAN = re.compile(r"^\s*(?:of\s+)?(?:its|their|the|our|his|her|company|management)?['’s\s]*(?:own\s+)?"
                       r"(?:plans?|schedule|targets?|expectations|forecasts?|guidance|budget|timeline|deadline|"
                       r"projections?)\b", re.I)
_OFF_TOPIC_SUBJ = re.compile(
    r"\b(?:adoption|revenues?|funding|"
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
                         r"(?:[\w./–“”\"-]+\s+){0,3}$", re.I)


_HEADLINE_NOUN = re.compile(r"\s*(?:[A-Z][\w.’'–-]*\s+)(?:[\w.’'–-]+\s+){0,2}")


def _noun_before(pre: str) -> re.Match[str] | None:
    """The gap/lag/lead noun that governs a number at the end of pre ("the gap … is now"), used as a noun.

    "open models lag the frontier by … with a range of" uses lag as a verb, so it does not count.
    """
    best: re.Match[str] | None = None
    for nm in _NOUN_WORD.finditer(pre):
        m = _NOUN_PRE.match(pre, nm.start())
        # a determiner before the noun, or a headline's bare noun phrase ("AI model gap is shrinking to …")
        if not m or not (_DETERMINER.search(pre[: nm.start()]) or _HEADLINE_NOUN.fullmatch(pre[: nm.start()])):
            continue
        words = pre[: nm.start()].split()
        before = words[-1] if words else ""
        if before.endswith("s") and before.islower() and before not in ("its", "this", "his", "us", "was", "is"):
            continue  # "open-weight models lag …": a verb after a plural subject
        best = m
    return best


_UNIT_FACTOR = {"decades": 120.0, "months": 1.0, "years": 12.0, "weeks": 12.0 / 52, "quarters": 3.0, "days": 12.0 / 365}
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
_UNIT_AT = re.compile(r"(?:months?|years?|weeks?|quarters?|days?|decades?|nanoseconds?|mos?\.?|yrs?|wks?)\b", re.I)


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


@dataclass
class _Span:
    """One duration under examination and the cue matches around it (computed once, read by every family)."""

    i: int
    dur: Duration
    pre: str
    post: str
    post_at: int  # where post starts: after a rejected alternative ("months, not years, behind") if any
    m_post: re.Match[str] | None
    m_adj: re.Match[str] | None
    m_by: re.Match[str] | None
    m_noun: re.Match[str] | None


@dataclass
class _Reading:
    """What a construction family read around a span: the direction, the two sides and where its cue starts."""

    direction: str
    subj: Ent | None
    ref: Ent | None
    cue_pos: int


_SKIP = "skip"  # a family recognised its construction but it is not a claim: no other family may take the span
_Read = _Reading | str | None
_SPENT = re.compile(r"\b(?:spent|spend|spends|spending|took|take|takes|lasted|last|for|after|every)\s+"
                    r"(?:about\s+|roughly\s+|nearly\s+|some\s+)?$", re.I)


def _make_span(ctx: SentCtx, durs: list[Duration], i: int, skip: set[int]) -> _Span:
    text, dur = ctx.text, durs[i]
    post_at = dur.end
    if i + 1 < len(durs) and _NOT_ALT.match(text[dur.end: durs[i + 1].start]):
        post_at = durs[i + 1].end  # the claim is the first span; the cue follows the rejected one
        skip.add(i + 1)
    pre, post = text[: dur.start], text[post_at:]
    return _Span(i, dur, pre, post, post_at, _BEHIND_POST.match(post), _NOUN_ADJ_POST.match(post),
                 _TRAIL_BY.search(pre), _noun_before(pre))


def _read_behind_after(ctx: SentCtx, sp: _Span) -> _Read:
    """ "five months behind GPT-5", "a year ahead of China"; not "spent eight months behind closed doors"."""
    if sp.m_post is None:
        return None
    if _SPENT.search(sp.pre):
        return _SKIP
    direction = "behind" if sp.m_post.group("behind") else "ahead"
    away = _AWAY_FROM_DOING.match(sp.post)
    if away and not _LEVEL_AFTER.search(sp.post, away.end(), away.end() + 60) and _reference_after(
            ctx, sp.post_at + away.end(), 40) is None:
        return _SKIP  # "decades away from building machines that …", "weeks away from launching V4": no rival
    ref = _reference_after(ctx, sp.post_at + sp.m_post.end())
    subj = _small_clause_subject(ctx, sp.dur.start) or _subject_before(ctx, sp.dur.start)
    return _Reading(direction, subj, ref, sp.dur.start)


_LEVEL_AFTER = re.compile(r"\b(?:level|parity|par|as\s+good\s+as|capabilit\w+|performance)\b", re.I)
_AWAY_FROM_DOING = re.compile(r"[\s\"'”’)]*away\s+from\s+(?!(?:matching|catching|equall?ing|rivall?ing)\b)"
                              r"[a-z]+ing\b", re.I)


def _read_within_of(ctx: SentCtx, sp: _Span) -> _Read:
    """ "within six months of GPT-5": behind, at most that far; needs the comparator right after "of"."""
    within_of = re.search(r"\bwithin\b", sp.dur.text, re.I) and re.match(r"^\s*of\s+", sp.post, re.I)
    if not within_of:
        return None
    ref = _reference_after(ctx, sp.dur.end + within_of.end(), 12)
    if ref is None:
        return _SKIP
    return _Reading("behind", _subject_before(ctx, sp.dur.start), ref, sp.dur.start)


def _read_trail_by(ctx: SentCtx, sp: _Span) -> _Read:
    """ "open models trail the frontier by about a year", "US labs lead China by 7 months"."""
    m = sp.m_by
    if m is None:
        return None
    mids = _ents_between(ctx, m.start("mid"), m.end("mid"))
    direction = "behind" if m.group("behind") else "ahead"
    return _Reading(direction, _subject_before(ctx, m.start()), mids[0] if mids else None, m.start())


def _read_adjective(ctx: SentCtx, sp: _Span) -> _Read:
    """ "a six-month lead over China", "the 12-month gap between open and closed models"."""
    m = sp.m_adj
    if m is None or (_PRE_EXCL.search(sp.pre[-12:]) and not re.search(r"\b(?:a|an|the|its|their)\s*$", sp.pre)):
        return None
    noun = m.group(0).strip().lower()
    direction = "ahead" if m.group("ahead") else "behind"
    ref = _reference_after(ctx, sp.post_at + m.end(), 60)
    pair = _between(ctx, sp.dur.end, len(ctx.text)) if noun in ("gap", "gulf") else None
    if pair and _same_lineage(*pair):
        return _SKIP  # "the 28-month gap between GPT-4 and GPT-5": a release interval, not a lag
    if pair:
        return _Reading(direction, pair[0], pair[1], sp.dur.start)
    return _Reading(direction, _subject_before(ctx, sp.dur.start), ref, sp.dur.start)


def _same_lineage(a: Ent | None, b: Ent | None) -> bool:
    """Two models of one lab ("GPT-4" and "GPT-5"): the time between them is a cadence."""
    return bool(a and b and a.kind == b.kind == "MODEL" and a.attrs.get("lab") and
                a.attrs.get("lab") == b.attrs.get("lab"))


def _read_noun_before(ctx: SentCtx, sp: _Span) -> _Read:
    """ "the gap between them is now five months", "China's lag behind the US stands at about a year"."""
    m = sp.m_noun
    if m is None or _POST_EXCL.match(sp.post):
        return None
    text, dur = ctx.text, sp.dur
    direction = "ahead" if m.group("ahead") else "behind"
    pair = _between(ctx, m.start(), min(len(text), dur.end + 12))
    if pair:
        return _Reading(direction, pair[0], pair[1], m.start())
    mids = _ents_between(ctx, m.start("mid"), m.end("mid"))
    refs = [e for e in mids if _REF_PREP.search(text[: e.start])]
    others = [e for e in mids if e not in refs and re.search(r"\bof\s+(?:the\s+)?$", text[: e.start])]
    ref = refs[0] if refs else None
    subj = others[0] if others else _subject_before(ctx, m.start())
    if ref is None:
        ref = _reference_after(ctx, dur.end, 40)
        if ref is not None and not re.match(r"^\s*(?:behind|over|on|to|with)\b", text[dur.end:], re.I):
            ref = None
    return _Reading(direction, subj, ref, m.start())


def _read_implicit(ctx: SentCtx, sp: _Span) -> _Read:
    """ "reached the level of GPT-5, released eight months earlier": behind by the time between."""
    if not (re.match(r"^\s*(?:earlier|before|prior|previously|ago)\b", sp.post, re.I)
            and _IMPLICIT_VERB.search(sp.pre)):
        return None
    iv = next((v for v in _IMPLICIT_VERB.finditer(sp.pre) if _IMPLICIT_LINK.search(sp.pre[v.end():]) or
               re.search(r"\bfrom\s+(?:(?:about|roughly|around|some)\s+)?$", sp.pre[v.end():], re.I)), None)
    if iv is None:
        return _SKIP
    if re.search(r"\bago\b", sp.post[:6], re.I) and not re.search(r"\b(?:were|was|had\s+been)\b",
                                                                   sp.pre[iv.start():]):
        return _SKIP
    refs = _ents_between(ctx, iv.start(), sp.dur.start)
    return _Reading("behind", _subject_before(ctx, iv.start()), refs[0] if refs else None, iv.start())


def _read_cleft(ctx: SentCtx, sp: _Span) -> _Read:
    """ "Three months: that's how far Chinese open models trail the US frontier"."""
    cm = _CLEFT.match(sp.post)
    if cm is None:
        return None
    vm = _CLEFT_VERB.search(sp.post, cm.end(), min(len(sp.post), cm.end() + 80))
    if vm is None:
        return _SKIP
    inner = _ents_between(ctx, sp.post_at + cm.end(), sp.post_at + vm.start())
    direction = "behind" if vm.group("behind") else "ahead"
    return _Reading(direction, inner[0] if inner else None, _reference_after(ctx, sp.post_at + vm.end(), 40),
                    sp.dur.start)


_ANAPHORA = re.compile(r"(?:^|[.;:]\s+)[\"“”']?(?:but\s+|and\s+)?(?:today|now|these\s+days|currently|at\s+present|"
                       r"this\s+year|maybe|perhaps|probably)?"
                       r",?\s*(?:it['’]s|it\s+is|that['’]s|that\s+is|the\s+(?:gap|lag|lead|distance)\s+is|"
                       r"they['’]re|they\s+are)\s+(?:(?:now|down\s+to|only|just|maybe|perhaps|probably|roughly|"
                       r"about|around)\s+)*$", re.I)
# The sentence before holds no claim but names the sides and the direction: "China is not years and years behind
# us in AI. Maybe they're 3-6 months."
_PREV_BEHIND = re.compile(r"\b(?:behind|trail\w*|lag\w*)\b", re.I)
_PREV_AHEAD = re.compile(r"\b(?:ahead|lead\w*)\b", re.I)


def _read_anaphora(ctx: SentCtx, sp: _Span) -> _Read:
    """ "Open models used to trail by a year. Today it's maybe two to five months.": the same gap again, with the
    sides of the claim in the sentence before."""
    base = next((d for d in reversed(ctx.earlier) if d["kind"] == "gap" and d["direction"] in ("behind", "ahead")),
                None)
    if not _ANAPHORA.search(sp.pre) or not re.match(r"^\s*(?:[.,;!\"”’]|$|now\b|today\b)", sp.post):
        return None
    subj = _ents_between(ctx, 0, sp.dur.start)
    if base is not None:
        return _Reading(base["direction"], subj[0] if subj else None, None, sp.dur.start)
    prev = ctx.prev
    if prev is None or not prev.ents:
        return None
    direction = "behind" if _PREV_BEHIND.search(prev.text) else "ahead" if _PREV_AHEAD.search(prev.text) else None
    if direction is None:
        return None
    return _Reading(direction, subj[0] if subj else _subject_before(prev, len(prev.text)), None, sp.dur.start)


_OLDER = re.compile(r"^\s*(?:older|earlier\s+(?:models?|systems?|releases?))\b", re.I)
_LEVEL_OF = re.compile(r"\b(?:close\s+to|comparable\s+to|on\s+par\s+with|matching|matches|matched|rivals?|"
                       r"equivalent\s+to|level\s+of|performance\s+of|as\s+good\s+as)\b"
                       r"(?:[^.;]|\.(?=\S)|(?<=[A-Z])\.){0,80}$", re.I)
_TOOK_MORE = re.compile(r"^\s*(?:more|longer|extra)?\s*(?:to|before\s+they)\s+(?:reach|match|catch\s+up|get\s+to|"
                        r"replicate|equal|rival)\b", re.I)


def _read_older(ctx: SentCtx, sp: _Span) -> _Read:
    """ "close to the performance of US models 7-10 months older": behind by the age of what it matches."""
    if not _OLDER.match(sp.post) or not _LEVEL_OF.search(sp.pre):
        return None
    lv = _LEVEL_OF.search(sp.pre)
    assert lv is not None
    refs = _ents_between(ctx, lv.start(), sp.dur.start)
    return _Reading("behind", _subject_before(ctx, lv.start()), refs[0] if refs else None, lv.start())


_TOOK = re.compile(r"\b(?:took|takes?|taking|needed|required)\s+(?:(?:only|just|about|roughly|around|maybe|"
                   r"some|nearly)\s+)?$", re.I)
_TO_MATCH = re.compile(r"^\s*(?:for\s+(?P<who>[^.;,]{1,60}?)\s+)?to\s+(?:(?P<verb>match|catch\s+up(?:\s+(?:to|with))?|"
                       r"equal|rival|replicate|close\s+the\s+gap(?:\s+(?:to|with))?|draw\s+level\s+with)|"
                       r"reach|get\s+to)\b", re.I)


def _read_took_to_match(ctx: SentCtx, sp: _Span) -> _Read:
    """ "it took five months for rivals to match GPT-4", "GPT-3 took 18 months to match": behind by that time.

    "took eight years to reach a billion users" is a duration: "reach" counts only with a model or lab after it.
    """
    m = _TO_MATCH.match(sp.post)
    if m is None or not _TOOK.search(sp.pre) or re.search(r"\b(?:more|longer|extra)\b", sp.post[: m.start() + 1]):
        return None
    at = sp.post_at + m.end()
    ref = _reference_after(ctx, at, 30)
    if m.group("verb") is None and ref is None:
        return None
    who = _ents_between(ctx, sp.post_at + m.start("who"), sp.post_at + m.end("who")) if m.group("who") else []
    if ref is None:  # "GPT-3 took 18 months to match": the model named before is the one matched
        before = _subject_before(ctx, sp.dur.start)
        return _Reading("behind", who[0] if who else None, before, sp.dur.start)
    return _Reading("behind", who[0] if who else _subject_before(ctx, sp.dur.start), ref, sp.dur.start)


_CAUGHT_IN = re.compile(r"\b(?:caught\s+up|matched|closed\s+the\s+gap|replicated|drew\s+level)\b"
                        r"(?P<mid>(?:[^.;:]|(?<=\b[A-Z])\.){0,60}?)"
                        r"\b(?:in|within|after)\s+(?:(?:just|only|about|roughly|around|some|a\s+mere)\s+)*$", re.I)


def _read_caught_up_in(ctx: SentCtx, sp: _Span) -> _Read:
    """ "competitors caught up to o1-preview in just two and a half months": behind by the catch-up time."""
    m = _CAUGHT_IN.search(sp.pre)
    if m is None or re.match(r"^\s*(?:of|after|ago|from)\b", sp.post, re.I):
        return None
    mids = _ents_between(ctx, m.start("mid"), m.end("mid"))
    if not mids:
        return None  # "caught up in six months" with nobody named: could be anything
    return _Reading("behind", _subject_before(ctx, m.start()), mids[0], m.start())


def _read_took_longer(ctx: SentCtx, sp: _Span) -> _Read:
    """ "things that open models took maybe six more months to reach": behind by the catch-up time."""
    if not _TOOK_MORE.match(sp.post) or not re.search(r"\b(?:took|needed)\s+(?:\w+\s+)?$", sp.pre, re.I):
        return None
    if not re.search(r"\b(?:more|longer|extra)\b", sp.dur.text + sp.post[:10], re.I):
        return None  # "it took eight years to reach a billion users" is a duration, not a catch-up lag
    return _Reading("behind", _subject_before(ctx, sp.dur.start), None, sp.dur.start)


# The construction families, tried in this order; the first that recognises its construction decides.
_FAMILIES = (_read_behind_after, _read_within_of, _read_trail_by, _read_adjective, _read_noun_before,
             _read_implicit, _read_cleft, _read_older, _read_took_to_match, _read_caught_up_in,
             _read_took_longer, _read_anaphora)


def _off_topic(ctx: SentCtx, sp: _Span, r: _Reading) -> bool:
    """A gap, but not in model capability: chips, adoption, a company's own plan, release timing."""
    if sp.m_post is not None:
        tail = sp.post[sp.m_post.end():]
        if _OFF_TOPIC.match(tail) or _OWN_PLAN.match(tail):
            return True  # "behind in chips", "a year ahead of its own plan"
        if _RELEASE_TIMING.search(sp.pre) and not _CAPABILITY.search(sp.post):
            return True  # "was released six months ahead of Llama 4"
    if sp.m_post is not None or sp.m_by is not None:
        limit = r.cue_pos if sp.m_by is not None else sp.dur.start
        return bool(_OFF_TOPIC_SUBJ.search(ctx.text, 0, limit))  # "AI adoption lags the US by two years"
    return False


def _accept(ctx: SentCtx, sp: _Span, r: _Reading) -> Draft | None:
    """The checks every reading passes before it becomes a draft (negation, units, topic, actors)."""
    dur = sp.dur
    if _blocked(ctx, min(r.cue_pos, dur.start)):
        return None
    if dur.unit == "days" and dur.low is not None and dur.low < 1:
        return None
    if dur.unit_only and not re.search(r"s\b|\b(?:few|several|many|handful)\b", dur.text, re.I):
        return None  # "the year ahead": a bare singular unit is not a quantity
    if _off_topic(ctx, sp, r):
        return None
    # Noun forms ("the gap is five months") may lean on the article's topic; the other forms need AI words in
    # their own sentence or the one before, and an actor ("two months ahead of schedule" has none).
    noun_form = bool(sp.m_noun or sp.m_adj) and not (sp.m_post or sp.m_by)
    if not (_ai_context(ctx) or (noun_form and ctx.doc_about_ai)):
        return None
    if not noun_form and r.subj is None and r.ref is None and not ctx.ents and not _actor_before(ctx, sp):
        return None
    if r.subj is None and re.search(r"\bbetween\s+(?:the\s+)?(?:two|both)\b", ctx.text, re.I):
        return None  # "the gap between the two funding rounds"
    d = _draft(ctx, "gap", r.direction, dur, r.subj, r.ref, dur.start)
    d.update({"_lo": min(r.cue_pos, dur.start), "_end": dur.end, "_unit": dur.unit})
    return d


_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they|we)(?:['’](?:s|re))?\s+(?:\w+\s+){0,3}$", re.I)


def _actor_before(ctx: SentCtx, sp: _Span) -> bool:
    """An actor named in the sentence before, or two before when a pronoun stands for it ("Previously it was a
    year behind. Now, I think it might be three months behind")."""
    prev = ctx.prev
    if prev is None:
        return False
    if prev.ents:
        return True
    pron = _PRONOUN_SUBJECT.search(ctx.text, 0, sp.dur.start) is not None
    return pron and prev.prev is not None and bool(prev.prev.ents)


def _narrowing(ctx: SentCtx, durs: list[Duration], i: int, skip: set[int]) -> list[Draft] | None:
    """ "narrowed from 12 to 3 months", "from a year to six months", "from roughly 18 months to about six":
    a past and a current value of one gap. None when the span is not such a pair."""
    text, dur = ctx.text, durs[i]
    pre = text[: dur.start]
    noun = re.findall(r"\b(lead|head\s*start|advantage|gap|lag|deficit)\b", pre, re.I)
    ndir = "ahead" if noun and (noun[-1].lower() in ("lead", "advantage") or noun[-1].lower().startswith(
        "head")) else "behind"
    pair = _narrowing_values(text, durs, i, skip)
    if pair is None:
        return None
    first, second = pair
    if _blocked(ctx, dur.start):
        return []
    sides = _between(ctx, 0, dur.start)
    subj, ref = sides if sides else (_subject_before(ctx, dur.start), None)
    d1 = _draft(ctx, "gap", ndir, first, subj, ref, dur.start)
    between_txt = text[first.end: second.start] if first is not second else ""
    when = next((d.text for s0, _e0, d in ctx.dates if first.end <= s0 < second.start), None)
    d1["timeframe"], d1["as_of_text"] = "past", when if between_txt else None
    d2 = _draft(ctx, "gap", ndir, second, subj, ref, second.start)
    d2["timeframe"] = "current" if d2["timeframe"] == "past" else d2["timeframe"]
    return [d1, d2]


def _narrowing_values(text: str, durs: list[Duration], i: int, skip: set[int]) -> tuple[Duration, Duration] | None:
    """The two values of a "from X to Y" change starting at durs[i] (one span "12 to 3 months", or two)."""
    dur = durs[i]
    parts = _range_parts(dur) if re.search(r"\bto\b|[-–]", dur.text) else None
    if parts is not None:
        a, b = parts
        return (Duration(dur.text, dur.start, dur.end, a, a, dur.approximate, "months", False),
                Duration(dur.text, dur.start, dur.end, b, b, dur.approximate, "months", False))
    if i + 1 < len(durs) and re.match(
            r"^\s*(?:,?\s*(?:in|at|as\s+of|back\s+in|during)\s+[\w\s-]{1,24}?,?\s+)?to\s+(?:just\s+|only\s+)?$",
            text[dur.end: durs[i + 1].start], re.I):
        skip.add(i + 1)
        return dur, durs[i + 1]
    if dur.low is not None and dur.low == dur.high and (bm := _BARE_TO.match(text, dur.end)) is not None:
        v = word_number(bm.group("n"))  # "narrowed from roughly 18 months to about six": the unit is borrowed
        if v is not None and bm.group("n").lower() not in ("a", "an"):
            f = _UNIT_FACTOR.get(dur.unit, 1.0)
            if f == 12.0 and v > 3:
                f = 1.0  # "from two years to eight" means eight months
            return dur, Duration(bm.group(0).strip(), bm.start("body"), bm.end(), round(v * f, 2), round(v * f, 2),
                                 bool(bm.group("mods")), dur.unit, False)
    return None


def _earlier_value(ctx: SentCtx, out: list[Draft], dur: Duration) -> Draft | None:
    """ "seven months behind, down from 14 months in early 2024" (or in the next sentence: "That is down from
    about 14 months"): the earlier value of the same gap, as a past claim."""
    text = ctx.text
    pre, post = text[: dur.start], text[dur.end:]
    earlier = out or (ctx.earlier if re.match(r"\s*(?:that|this|it|the\s+(?:gap|lag|lead))\b", text, re.I) else [])
    if not earlier or not re.search(r"\b(?:down|up)\s+from\s+$|\bcompared\s+with\s+$|\bfrom\s+$|"
                                    r"\bfrom\s+(?:an?\s+)?(?:estimated|reported|earlier)\s+$", pre, re.I):
        return None
    # "That is down from 14 months" and "This gap has narrowed from an estimated 24 months" give the earlier value;
    # "narrowed from 12 to 3 months" is a pair (_narrowing) and never reaches here
    from_narrowed = re.search(r"\b(?:narrow\w*|shr[aiu]nk\w*|fallen|fell|dropped|come\s+down|came\s+down)\s+from\s+"
                              r"(?:an?\s+)?(?:estimated\s+|reported\s+|earlier\s+)?$", pre, re.I)
    if _BEHIND_POST.match(post) or (_NARROW_PRE.search(pre) and not from_narrowed and not re.search(
            r"\b(?:down|up)\s+from\s+$", pre, re.I)):
        return None
    base = earlier[-1]
    if base["kind"] != "gap" or base["direction"] not in ("behind", "ahead"):
        return None
    d = dict(base)
    d.update({"months_low": dur.low, "months_high": dur.high, "approximate": dur.approximate, "timeframe": "past",
              "_pos": dur.start,
              "as_of_text": next((x.text for s0, _e0, x in ctx.dates if dur.end <= s0 <= dur.end + 4), None)})
    return d


def _list_value(ctx: SentCtx, out: list[Draft], sp: _Span) -> Draft | None:
    """ "~9 months for text, ~18 months for agents": a second value of the gap just found."""
    last = out[-1] if out else None
    if last is None or last.get("_end") is None or last["direction"] not in ("behind", "ahead"):
        return None
    if not _LIST_CONT.match(ctx.text[last["_end"]: sp.dur.start]) or _POST_EXCL.match(sp.post):
        return None
    d = dict(last)
    d.update({"months_low": sp.dur.low, "months_high": sp.dur.high, "approximate": sp.dur.approximate,
              "_pos": sp.dur.start, "_lo": sp.dur.start, "_end": sp.dur.end, "_unit": sp.dur.unit})
    return d


_MIN_MAX = re.compile(r"^\s*(?:,\s*)?(?:and|to|with)?\s*(?:an?\s+|the\s+)?(?:max(?:imum)?|high|longest|largest)\s+"
                      r"(?:gap\s+|lag\s+|lead\s+)?(?:of\s+|at\s+)?$", re.I)
_MIN_BEFORE = re.compile(r"\b(?:min(?:imum)?|low|shortest|smallest)\s+(?:gap\s+|lag\s+|lead\s+)?(?:of\s+|at\s+)?$",
                         re.I)


def _merge_min_max(text: str, durs: list[Duration]) -> list[Duration]:
    """ "a minimum gap of four months and a maximum of 14 months" is one range (4..14), not two claims."""
    out: list[Duration] = []
    i = 0
    while i < len(durs):
        d = durs[i]
        nxt = durs[i + 1] if i + 1 < len(durs) else None
        low = None if d is None else (d.low if d.low is not None else d.high)
        high = None if nxt is None else (nxt.high if nxt.high is not None else nxt.low)
        between = text[d.end: nxt.start] if nxt is not None else ""
        min_ok = bool(_MIN_BEFORE.search(text, 0, d.start) or re.match(r"(?:an?\s+)?min", d.text, re.I))
        listed = re.match(r"^\s*,?\s*(?:and|to|with)?\s*$", between)
        max_ok = bool(_MIN_MAX.match(between) or (listed and nxt is not None and re.match(r"(?:an?\s+)?max", nxt.text,
                                                                                             re.I)))
        if nxt is not None and low is not None and high is not None and min_ok and max_ok:
            out.append(Duration(text[d.start: nxt.end], d.start, nxt.end, low, high,
                                d.approximate or nxt.approximate, d.unit, False))
            i += 2
            continue
        out.append(d)
        i += 1
    return out


# "the realization of AGI may be shortened from ten years to two": a timeline moved, not a gap between rivals
_TIMELINE_NOT_GAP = re.compile(r"\b(?:AGI|ASI|superintelligence|singularity|timelines?|realization|arrival)\b"
                               r"(?![^.;]{0,80}\b(?:gap|lag|lead|behind|ahead)\b)[^.;]{0,80}$", re.I)


def gap_claims(ctx: SentCtx) -> list[Draft]:
    """Find gap claims: every time span in the sentence is read by the construction families in turn.

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> [(d["direction"], d["months_low"]) for d in gap_claims(_demo("Open models are about 5 months behind."))]
    [('behind', 5.0)]
    >>> [(d["timeframe"], d["months_low"]) for d in gap_claims(_demo("The lag narrowed from 12 to 3 months."))]
    [('past', 12.0), ('current', 3.0)]
    """
    out: list[Draft] = []
    durs = _merge_min_max(ctx.text, find_durations(ctx.text))
    skip: set[int] = set()
    for i, dur in enumerate(durs):
        if i in skip:
            continue
        if _NARROW_PRE.search(ctx.text, 0, dur.start) and not _TIMELINE_NOT_GAP.search(ctx.text, 0, dur.start):
            pair = _narrowing(ctx, durs, i, skip)
            if pair is not None:
                out += pair
                continue
        past = _earlier_value(ctx, out, dur)
        if past is not None:
            out.append(past)
            continue
        sp = _make_span(ctx, durs, i, skip)
        reading = next((r for r in (family(ctx, sp) for family in _FAMILIES) if r is not None), None)
        if reading is None:
            more = _list_value(ctx, out, sp)
            if more is not None:
                out.append(more)
            continue
        if isinstance(reading, _Reading):
            d = _accept(ctx, sp, reading)
            if d is not None:
                out.append(d)
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
