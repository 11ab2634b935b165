"""Forecast claims: a future or plan cue, a target (a level, a lead, a release, a milestone) and a deadline."""

from __future__ import annotations

import re

from extractors.cues import cues
from extractors.dates import DateInterval, add_months, normalize
from extractors.numbers import NUM, unit_months, word_number
from extractors.rules.base import (
    Draft,
    Ent,
    SentCtx,
    _ai_context,
    _draft,
    _ents_between,
    _neighbour_subject,
    _subject_before,
    is_conditional,
    is_negated,
    is_rejected,
)

FUT = re.compile(
    r"\b(?:will|won't|would|shall|is\s+going\s+to|are\s+going\s+to|(?:is|are|was|were)?\s*expected\s+to|"
    r"expects?\s+to|(?:expects?|wants?|needs?|hopes?\s+for)\s+(?:[\w.'-]+\s+){1,4}?to(?=\s)|(?:(?:is|are)\s+)?set\s+to|likely\s+to|poised\s+to|on\s+track\s+to|on\s+course\s+to|on\s+pace\s+to|"
    r"slated\s+to|scheduled\s+to|due\s+to|plans?\s+to|planning\s+to|aims?\s+to|aiming\s+to|aimed\s+to|"
    r"goal\s+(?:of|is\s+to)|target\s+of|targets?|targeting|targeted|hopes?\s+to|hoping\s+to|intends?\s+to|wants?\s+to|seeks?\s+to|"
    r"seeking\s+to|vowed\s+to|vows\s+to|pledged\s+to|pledges\s+to|predicts?|predicted|forecasts?|could|may|might|"
    r"can(?=\s+(?:narrow|close|catch|match|reach|surpass|overtake|rival))|"
    r"(?:chances?|probability|likelihood|odds)\s+(?:of|that)|"
    r"should|projected\s+to|anticipated\s+to|promised\s+to|promises\s+to|tipped\s+to|strives?\s+to|ambition\s+to|"
    r"ambition\s+of|'ll|in\s+order\s+to|bid\s+to|race\s+to|push\s+to|mission\s+to|preparing\s+to|"
    r"getting\s+ready\s+to|gearing\s+up\s+to|readying\s+to|poised\s+to|"
    r"(?:my|our|the)\s+(?:bet|guess|prediction|forecast|call)(?:\s+is)?|predictions?\s*:|I\s+bet|"
    r"I(?:'d|’d|\s+would)?\s+(?:guess|bet|predict)|"
    r"bet(?:ting)?\s+(?:that|on)|hot\s+take\s*:)(?![\w-])", re.I)
_RELEASE_PLAN = re.compile(
    r"\b(?:slated\s+for|scheduled\s+for|due\s+(?:out\s+)?(?:in|by|for|before)|planned\s+for|"
    r"(?:(?:is|are|was|were)\s+|,\s*|now\s+)?(?:expected|rumou?red|tipped|targeted|projected|planned)\s+"
    r"(?:for\s+(?:(?:a|an|its)\s+)?(?:release|launch|debut)\s+)?(?:in|by|before|around|for|on|within)|"
    r"set\s+for\s+(?:release|launch)|earmarked\s+for|(?:pushed|delayed|postponed|moved|slipped)\s+"
    r"(?:back\s+|further\s+)?(?:to|until|till|into)|"
    r"pencilled\s+in\s+for|penciled\s+in\s+for|coming\s+(?:in|by))\b", re.I)
_TARGET = re.compile(
    r"\b(?P<verb>(?P<parity>reach(?:es|ing)?\s+parity|achiev(?:e|es|ing)\s+parity|reach(?:es|ing)?|match(?:es|ing)?|"
    r"catch(?:es|ing)?\s+up|close[sd]?\s+(?:the|that|this)\s+(?:\w+\s+)?gap|closing\s+(?:the|that|this)\s+(?:\w+\s+)?gap|"
    r"narrow(?:s|ing)?\s+(?:the|that|this)\s+(?:\w+\s+)?gap|"
    r"hit|attain|be\s+at(?!\s+(?:least|most|risk|odds|work|stake|war|pains|the\s+(?:end|start|mercy)))|"
    r"rival|pull\s+level|draw\s+level|be\s+on\s+par|be\s+at\s+parity|be\s+level|be\s+as\s+good\s+as|"
    r"(?:reach|shrink\s+to|fall\s+to|drop\s+to|hit)\s+zero|disappear|vanish|evaporate|erode|melt\s+away|"
    r"be\s+(?:gone|closed|eliminated|erased|wiped\s+out)|"
    r"have\s+caught\s+up|have\s+closed\s+the\s+gap|have\s+reached|have\s+matched|equal|level\s+with|parity)|"
    r"(?P<ahead>lose\s+(?:its|their|the|our|America's|its\s+\w+)?\s*(?:\w+\s+)?(?:lead|advantage|edge|dominance|"
    r"position|race)|be\s+lost|be\s+(?:the\s+)?(?:world|global)?\s*leaders?|"
    r"(?:become|emerge\s+as)\s+(?:the\s+|an?\s+)?(?:world|global|clear)?\s*leaders?|lead\s+the\s+world|"
    r"surpass(?:es|ing)?|overtak(?:e|es|ing)|outperform(?:s|ing)?|beat|exceed|pull\s+ahead|lead|"
    r"take\s+the\s+lead|leapfrog|have\s+surpassed|have\s+overtaken|be\s+ahead\s+of|pull\s+away\s+from|"
    r"move\s+ahead\s+of|outpace|dominate|claim\s+(?:AI\s+|global\s+)?(?:supremacy|leadership|dominance|the\s+lead)|"
    r"win\s+the\s+(?:AI\s+)?race)|"
    r"(?P<release>releas(?:e|es|ing)|launch(?:es|ing)?|ship(?:s|ping)?|arrive|debut|unveil|open-source|"
    r"be\s+released|be\s+launched|be\s+unveiled|be\s+open-sourced|come\s+out|be\s+available|land|go\s+live|"
    r"roll\s+out|hit\s+the\s+market|publish))\b", re.I)
_FORECAST_NEG = re.compile(r"\b(?:unlikely|no\s+chance|doubtful|won['’]t|will\s+not|cannot|can['’]t|never)\b", re.I)


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
_LEVEL_WORDS = re.compile(r"\b(?:zero|level|parity|par|frontier|performance|capabilit\w*|state[- ]of[- ]the[- ]art|"
                          r"models?|labs?|systems?|rivals?|counterparts|peers|competitors|competition|(?:industry\s+)?leaders|"
                          r"front-?runners|incumbents|world|global\w*|race|field|AI|artificial\s+intelligence)\b",
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


def _cue_and_target(text: str, pos: int = 0
                    ) -> tuple[re.Match[str] | None, re.Match[str] | None, re.Match[str] | None] | None:
    """The future cue, the target after it and a release-plan phrase (from pos on); None when the sentence has
    neither a cue with a target nor a release plan."""
    fut = FUT.search(text, pos)
    plan = _RELEASE_PLAN.search(text, pos)
    if fut is None and plan is None:
        return None
    target = None
    for cand in FUT.finditer(text, pos):  # the first cue with a target after it ("Grok 5, expected …, would be …")
        tm = _TARGET.search(text, cand.end(), min(len(text), cand.end() + 70))
        if tm is not None and not re.search(r"[.;]", text[cand.end(): tm.start()]):
            fut, target = cand, tm
            break
    if target is None and plan is None:
        return None
    return fut, target, plan


def _cue_deadline(ctx: SentCtx, anchor: int, after: int) -> tuple[int, int, DateInterval] | None:
    """The deadline of a cue forecast: the first date after the target, else one before it."""
    dates = [(s, e, d) for s, e, d in ctx.dates if not _never_deadline(ctx.text, s, e, d)]
    deadline = next(((s, e, d) for s, e, d in dates if e > after and s >= anchor), None)
    if deadline is None:
        deadline = next(((s, e, d) for s, e, d in dates if s < anchor), None)
    if deadline is None:
        return None
    dl = deadline[2]
    return None if dl.start is None and dl.end is None and not dl.relative else deadline


def _cue_direction(text: str, target: re.Match[str] | None, is_release: bool, after: int, ds: int) -> str | None:
    if target is not None and target.group("parity"):
        return "parity"
    if is_release and _RIVAL_REL.search(text, after, max(after, ds) if ds >= after else len(text)):
        return "parity"  # "to open-source a model that rivals GPT-5.1 next year"
    if target is not None and target.group("ahead"):
        return "ahead"
    return None


def _cue_subject(ctx: SentCtx, fut: re.Match[str] | None, cue_pos: int, anchor: int, is_release: bool) -> Ent | None:
    """Who the cue forecast is about: the entity at the cue, inside "expects X to", or the lab of a release."""
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
    return subj


def _release_target(ctx: SentCtx, anchor: int, after: int, ds: int) -> tuple[str | None, list[str]]:
    """What a release plan is about: the model named near it, else the words between the cue and the date."""
    text = ctx.text
    rel_ents = [e for e in ctx.ents if e.kind == "MODEL" and not (e.model_id or "").startswith("family:")]
    obj = _ents_between(ctx, after, ds) if ds >= after else []
    pick = next((e for e in obj if e.kind == "MODEL"), None) or next(
        (e for e in rel_ents if e.end <= anchor), None) or (rel_ents[0] if rel_ents else None)
    if pick is not None:
        return pick.text, [pick.model_id] if pick.model_id else []
    raw = text[after: ds] if ds >= after else ""
    raw = re.sub(r"^\s*(?:for\s+)?(?:release|launch)?\s*", "", raw).strip(" ,")
    if not raw:  # "Its next model is due before the end of the year": the thing is the subject
        raw = re.split(r"[,;]\s*", text[:anchor])[-1]
        raw = re.sub(r"\s+(?:is|are|was|were|will\s+be)\b.*$", "", raw.strip(), flags=re.I)
    return (raw[:60] or None), []


def _capability_target(ctx: SentCtx, target: re.Match[str], direction: str | None, after: int,
                       ds: int) -> tuple[str | None, list[str], int]:
    """What a capability forecast predicts (the words after the cue up to the deadline or a clause break)."""
    text = ctx.text
    hi = ds if ds >= after else len(text)
    end_m = re.search(r"[,;]|(?<![A-Z])\.(?!\d)|\s(?:according|said|says|as|because|thanks)\b", text[after:hi])
    if end_m:
        hi = after + end_m.start()
    tgt, tmodels = _target_text(ctx, after, hi, direction == "parity")
    if target.group("ahead") and (tgt is None or re.search(r"leader|supremacy|dominance", target.group(0), re.I)):
        # "poised to claim AI supremacy by 2030", "become a global leader in AI": the phrase is the target
        tgt = target.group(0) + (f" {tgt}" if tgt else "")
    if direction == "parity" and tgt and "parity" in target.group(0).lower() and not tgt.lower().startswith(
            "parity"):
        tgt = "parity " + tgt
    return tgt, tmodels, hi


def _cue_forecasts(ctx: SentCtx) -> list[Draft]:
    """Forecasts led by a future or plan cue: a target ("reach Opus level", "surpass the US"), and a deadline;
    a sentence may chain several ("will catch up by the end of 2026 and surpass them by 2029").

    Release plans ("slated for Q3 2026") count; stated goals ("aims to surpass the US by 2030") are kept with
    is_goal. Without a deadline there is nothing to check later, so no forecast is emitted.
    """
    if not any(d.bound not in ("ago", "after") for _s, _e, d in ctx.dates):
        return []  # no deadline, no forecast (and the cue search below is the costly part)
    out: list[Draft] = []
    pos = 0
    while len(out) < 3:
        found = _cue_and_target(ctx.text, pos)
        if found is None or (out and found[1] is None):
            break  # a later forecast in the sentence needs its own cue and target
        draft, pos = _cue_forecast_at(ctx, *found, out[-1] if out else None)
        if draft is None or (out and draft["deadline_text"] == out[-1]["deadline_text"]):
            break
        out.append(draft)
    return out


def _cue_forecast_at(ctx: SentCtx, fut: re.Match[str] | None, target: re.Match[str] | None,
                     plan: re.Match[str] | None, before: Draft | None) -> tuple[Draft | None, int]:
    """One cue forecast from a cue, its target and a plan phrase; also where to look for the next one (a
    pronoun target, "and will surpass it by 2025", is the target of the forecast before it in the sentence)."""
    text = ctx.text
    release_plan = target is None
    anchor = target.start() if target is not None else (plan.start() if plan is not None else 0)
    after = target.end() if target is not None else (plan.end() if plan is not None else 0)
    deadline = _cue_deadline(ctx, anchor, after)
    if deadline is None:
        return None, len(text)
    ds, de, dl = deadline
    nxt = de if ds >= after else len(text)  # a deadline before the target ends the chain
    cue_pos = fut.start() if fut is not None and fut.start() < anchor else anchor
    if (is_negated(text, anchor) or _FORECAST_NEG.search(text[max(0, cue_pos - 30): anchor])
            or is_rejected(text) or is_conditional(text, anchor, forecast=True)):
        return None, nxt
    is_release = release_plan or (target is not None and target.group("release") is not None)
    direction = _cue_direction(text, target, is_release, after, ds)
    subj = _cue_subject(ctx, fut, cue_pos, anchor, is_release)
    if is_release:
        tgt, tmodels = _release_target(ctx, anchor, after, ds)
        t_hi = ds  # where the target phrase ends (the deadline, when it follows the target)
    else:
        assert target is not None
        tgt, tmodels, t_hi = _capability_target(ctx, target, direction, after, ds)
        if before is not None and tgt and _PRONOUN.match(tgt):
            tgt, tmodels = before["target"], before["target_models"]
            t_hi = -1  # checked already, with the forecast before
    if not (t_hi < 0 or _forecast_target_ok(ctx, is_release, tgt, tmodels, after, t_hi)) or not _ai_context(ctx):
        return None, nxt
    goal = bool(cues().goal.search(text[: anchor + 1]))
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
    return d, nxt


_PRONOUN = re.compile(r"(?:it|them|they|him|her|us|this|that|those)(?:\s+(?:all|both))?(?:\s+by\s.*)?$", re.I)
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



# --- milestones and releases named without a future verb ----------------------------------------------------

# Milestones people put dates on. Acronyms are matched case-sensitively ("AGI", not "agi" inside a word).
_MILESTONE = re.compile(
    r"(?<![\w-])(?:AGI|ASI|HLMI|(?i:artificial\s+general\s+intelligence|artificial\s+super\s*intelligence|"
    r"super-?intelligen(?:ce|t\s+(?:AI|machines|systems))|the\s+singularity|singularity|"
    r"human[-\s]level\s+(?:AI|machine\s+intelligence|artificial\s+intellig\w*|intelligence)|"
    r"high-?level\s+machine\s+intelligence|transformative\s+AI|powerful\s+AI|general[-\s]purpose\s+AI|"
    r"superalignment(?![”\"]?\s+(?:project|team))|"
    r"superhuman\s+(?:coders?|AI\s+researchers?|AI)|(?:an?\s+)?automated[\s-]+AI[\s-]+researchers?|"
    r"(?:fully\s+)?(?:automated|autonomous)\s+(?:AI\s+)?research(?:ers?|\s+interns?)|"
    r"(?:a\s+)?country\s+of\s+geniuses(?:\s+in\s+a\s+data\s*cent(?:er|re))?|PhD[\s-]level\s+intelligence|"
    r"fully\s+automated\s+AI\s+R&D|superhuman\s+(?:levels?|intelligence|performance|coding)|"
    r"(?:outsmart|surpass|exceed|outperform|beat|rival|match)\w*\s+(?:[\w-]+\s+){0,7}?(?:humans?|human\s+intelligence|"
    r"human\s+cognition|people|humanity)|(?:smarter|better)\s+than\s+(?:(?:almost|nearly|virtually|any|all|the\s+smartest|most|"
    r"every|single|the\s+best)\s+){0,3}(?:individual\s+)?(?:humans?|people|person|Nobel\s+(?:Prize\s+)?(?:winners|"
    r"laureates))|"
    # the share of code that AI writes: "write 90% of the code", "90% of code written by AI"
    r"(?:writ\w+|generat\w+)\s+(?:\w+\s+){0,2}?[“\"]?(?:\d{1,3}\s*(?:%|percent)|(?:the\s+)?(?:vast\s+)?majority|most|half|"
    r"(?:essentially\s+|nearly\s+|almost\s+)?all)[”\"]?\s+(?:of\s+)?(?:all\s+)?(?:the\s+)?(?:new\s+)?"
    r"(?:AI\s+research\s+|software\s+)?code|"
    r"as\s+(?:smart|intelligent|capable)\s+as\s+(?:humans|people|a\s+human|any\s+human)|"
    # task horizons: "tasks that take a human two hours", "tasks taking humans months", "week-long tasks"
    r"(?P<horizon>(?:tasks?|work|projects?)\s+(?:that\s+)?(?:would\s+)?(?:takes?|taking|requir\w+|lasting)\s+(?:a\s+|an\s+)?"
    r"(?:(?:skilled|professional|expert|human)\s+)?(?:humans?|people|(?:a\s+)?person|experts?|engineers?|"
    r"(?:software\s+)?engineers?|professionals?|(?:an?\s+)?\w+\s+of\s+human)\s+(?:\w+\s+){0,2}?"
    r"(?:seconds|minutes|hours?|days?|weeks?|months?|years?|work)|"
    r"(?:multi-?|\w+-)(?:hour|day|week|month|year)(?:-long)?\s+(?:(?:human|autonomous|complex|software)\s+)?"
    r"(?:tasks?|projects?))|"
    r"\d{1,3}\s*%\s+of\s+(?:all\s+)?(?:the\s+)?(?:new\s+)?code\s+(?:is\s+|being\s+)?(?:written|generated)\s+by\s+AI|"
    r"\d{1,3}\s*%\s+of\s+(?:all\s+)?(?:the\s+)?(?:new\s+)?code\s+(?:is\s+|will\s+be\s+|(?:is\s+)?going\s+to\s+be\s+)?"
    r"AI[- ](?:generated|written)|pass(?:es|ed|ing)?\s+the\s+Turing\s+[Tt]est))(?![\w-])")
_MILESTONE_SIGNAL = re.compile(
    r"\b(?:predict\w*|forecast\w*|expect\w*|chances?|probability|likelihood|odds|likely|will|would|could|may|"
    r"might|going\s+to|timelines?|median|estimat\w*|believes?|thinks?|says?|said|claims?|bets?|arriv\w*|"
    r"achiev\w*|reach\w*|emerg\w*|happen\w*|by|before|within|in|away|out)\b|%|'ll|:", re.I)
_RELEASE_WORD = re.compile(
    r"\b(?:release[sd]?|releasing|launch(?:es|ed|ing)?|debut(?:s|ed|ing)?|drop(?:s|ping)?|arriv(?:e|es|al|ing)|"
    r"roll(?:s|ing)?\s+out|rollout|unveil(?:s|ed|ing)?|unveiling|ship(?:s|ping)?|come\s+out|coming\s+out|"
    r"go(?:es)?\s+live|available|(?:become|go|be)\s+open[- ]sourced?|"
    r"(?:delayed|postponed|pushed(?:\s+back)?|slipped|moved)\s+(?:to|until|into)|"
    # "delaying the Grok 5 model from late 2025 to Q1 2026": the date after "to" is the new plan
    r"(?:delay(?:ing|s|ed)?|postpon(?:ing|es|ed)|push(?:ing|es|ed)\s+back|mov(?:ing|es|ed))\s+[^.;]{0,60}?\bfrom\s+"
    r"[^.;]{2,30}?\s+(?:to|until|into))\b", re.I)
_RELEASE_SIGNAL = re.compile(
    r"\b(?:expect\w*|rumou?r\w*|project\w*|likely|probably|soon|odds|chances?|probability|predict\w*|slated|scheduled|"
    r"set\s+(?:to|for)|due|could|may|might|will|would|should|on\s+the\s+way|estimat\w*|pencil+ed|tipped|"
    r"reportedly|planned|plans?|target\w*|leak\w*|speculat\w*|anticipat\w*|upcoming|imminent|coming|"
    r"on\s+track|poised|as\s+early\s+as|window|timeline|bettors?|markets?|delay(?:ed|ing|s)?|postpon\w+|"
    r"pushed\s+(?:back|to)|slipped|working\s+(?:to|on)|prepar\w+|readying|gearing\s+up|hint(?:s|ed|ing)?|believed|"
    r"(?:said|thought)\s+to\s+be|eyeing|aim(?:s|ed|ing)?)\b|%|'ll", re.I)
# The date of an event named as a past reference point: "following DeepSeek's release of R1 in January 2026",
# "since its first public release in March 2023".
_SINCE_EVENT = re.compile(r"\b(?:since|following|after|ever\s+since)\s+(?:[\w.’'-]+\s+){0,4}?(?:release|launch|debut|"
                          r"unveiling|arrival|introduction)(?:\s+of\s+[^,.;]{1,30}?)?\s+$", re.I)
_PAST_RELEASE = re.compile(r"\b(?:released|launched|debuted|unveiled|shipped|dropped|arrived)\b", re.I)
_PASSIVE_FUTURE = re.compile(r"\b(?:be|been|being|get|gets|getting)\s+(?:\w+\s+)?$", re.I)
_MORE_ODDS = re.compile(r"^[\s,;]*(?:and|or|while|with|but|versus|vs\.?)?[\s,]*"
                        r"(?:(?:about|around|roughly|some|an?)\s+)?"
                        r"(?:\d+(?:\.\d+)?\s*(?:%|percent|per\s+cent)[\w\s]{0,12}?)?(?:odds|chance|probability)?"
                        r"[\s\w]{0,12}?$", re.I)


# When something was said or written, never a deadline: "published in April 2025", "a January 20th memo",
# "in February, CEO Sam Altman announced …".
# The verbs of a report, before the date it was made ("said in 2010 that", "published in April 2025").
_REPORT_VERB = r"said|says|predicted|wrote|estimated|argued|noted|claimed|stated|surveyed|asked|published"
_SAID_BEFORE = re.compile(rf"\b(?:{_REPORT_VERB}|released|issued|announced|dated|signed|posted|fielded|conducted|held|"
                          rf"shipped\s+it\s+as\s+[\w.-]+)\s*$", re.I)
_DOC_AFTER = re.compile(r"\s*(?:memo|report|interview|essay|post|paper|letter|statement|announcement|blog|keynote|"
                        r"podcast|survey|filing|earnings\s+call)\b", re.I)
_SPEAKER_AFTER_DATE = re.compile(r"\s*,\s*(?:[A-Z][\w.'’&-]*\s+){1,5}(?:said|says|announced|told|wrote|predicted|"
                                 r"claimed|argued|noted|revealed|confirmed)\b")


_PAST_SPAN = re.compile(r"\blast\s+(?:year|month|week|quarter|decade)\b|\bago\b", re.I)
_COUNTED_IN = re.compile(r"\b(?:second|third|fourth|fifth|sixth|several|multiple|many|numerous|repeated)\s+(?:\w+\s+)?"
                         r"(?:delays?|postponements|times|releases|launches|updates|versions)\s+$", re.I)
# A question forecasts nothing: "When will China's models reach Fable-level?", "Which companies will have …"
_QUESTION_OPENER = re.compile(r"^\W*(?:Which|When|Will|What|How|Who|Could|Can|Would|Is|Are|Does|Do)\b"
                              r"(?!\s+(?:to|if)\b)")


def _never_deadline(text: str, s: int, e: int, d: DateInterval) -> bool:
    """What no forecast rule takes as a deadline: "ago" and "after" spans, "in January of last year", "the third
    delay in roughly nine months", and the moment something was said or written (`_when_said`)."""
    return (d.bound in ("ago", "after") or _PAST_SPAN.search(d.text) is not None
            or _SINCE_EVENT.search(text, max(0, s - 90), s) is not None
            or _COUNTED_IN.search(text, 0, s) is not None or _when_said(text, s, e, d))


def _is_question(text: str) -> bool:
    t = text.rstrip(" \"'”’)*")
    return t.endswith("?") or (_QUESTION_OPENER.match(text) is not None and not t.endswith((".", "!", ":")))


def _when_said(text: str, s: int, e: int, d: DateInterval) -> bool:
    if d.granularity == "relative":
        return False  # "within six months", "next year": a span, not a moment something was said
    point = d.granularity == "day" or re.match(r"(?:in|on)\s", d.text, re.I) is not None
    said = _SAID_BEFORE.search(text, 0, s)
    if said is not None and re.search(r"\b(?:be|been|being|get|gets)\s+(?:\w+ly\s+)?$", text[: said.start()]):
        said = None  # "to be officially released in late April": a plan, not a report
    return bool((point and said) or _DOC_AFTER.match(text, e)
                or (point and _SPEAKER_AFTER_DATE.match(text, e)))


def _deadlines(ctx: SentCtx) -> list[tuple[int, int, DateInterval]]:
    """Date phrases that can end a forecast: not "ago", "after" or "since", not when it was said, and not left
    undated. After a scene date ("In March 2025, Amodei predicted … within six months") a relative deadline
    counts from that date."""
    scene = _scene_date(ctx)
    out = []
    for s, e, d in ctx.dates:
        if _never_deadline(ctx.text, s, e, d) or (d.start is None and d.end is None and not d.relative) or \
                _REPORT_DATE.search(ctx.text, 0, s) or d.text.lower().startswith("as of") or (s, e, d) == scene:
            continue
        if scene is not None and d.relative and scene[2].end is not None:
            d = normalize(d.text, scene[2].end) or d
        out.append((s, e, d))
    # "next year, in 2019": an undated relative deadline restated as a date right after it is that date
    return [x for k, x in enumerate(out) if not (
        x[2].end is None and k + 1 < len(out) and out[k + 1][2].end is not None
        and re.fullmatch(r"\s*(?:,|\(|—|–|-)\s*", ctx.text[x[1]: out[k + 1][0]]))]


_SCENE = re.compile(r"^[\s*\"“]*(?:back\s+)?(?:in|during)\s", re.I)
_SCENE_SPEECH = re.compile(r"\b(?:predict\w*|said|says|told|wrote|claimed|argued|estimated|forecast|declared|stated|"
                           r"warned|suggested|made\s+(?:a|the|his|her)\s+(?:[\w-]+\s+){0,2}(?:prediction|forecast|claim))\b",
                           re.I)


def _scene_date(ctx: SentCtx) -> tuple[int, int, DateInterval] | None:
    """ "In March 2025, Amodei said …": the date a sentence opens with, when a statement follows it."""
    if not ctx.dates:
        return None
    s, e, d = ctx.dates[0]
    if s > 4 or not _SCENE.match(ctx.text[s:]) or not re.match(r"\s*,", ctx.text[e:]) or d.relative or \
            not _SCENE_SPEECH.search(ctx.text, e) or re.search(r"[“\"]", ctx.text[:s]):
        return None  # (a date inside a quotation is what the speaker says, not when: "“In 2027, AI …,” wrote X")
    return s, e, d


# "On April 3, Reuters reported …", "As of June 2026, …", "DeepMind predicted in 2010 that …", "(Aschenbrenner,
# 2024)": when something was said, written or stood, never a deadline.
_REPORT_DATE = re.compile(r"(?:(?:^|[.:;]\s+|\n)[\s*\"“]*(?:On|As\s+of|As\s+at)"
                          rf"|\b(?:{_REPORT_VERB}|put\s+out)\s+(?:back\s+)?(?:in|on)"
                          r"|\([A-Z][\w.&' -]{1,40},|\bwriting\s+\(|\bet\s+al\.?\s*\()\s*$", re.I)


def _forecast_draft(ctx: SentCtx, subject: str | None, target: str, tmodels: list[str],
                    deadline: DateInterval, pos: int, subj: Ent | None = None) -> Draft:
    d = _draft(ctx, "forecast", None, None, subj, None, pos)
    if subject and subj is None:
        d["subject"] = subject
    d.update({"target": target, "target_models": tmodels, "deadline_text": deadline.text,
              "deadline_start": deadline.start, "deadline_end": deadline.end, "timeframe": "future",
              "is_goal": False})
    return d


def _more_deadlines(ctx: SentCtx, first_end: int, dates: list[tuple[int, int, DateInterval]]
                    ) -> list[tuple[int, int, DateInterval]]:
    """Further deadlines listed with odds: "72% before April 30, and 93% by June 30"."""
    out: list[tuple[int, int, DateInterval]] = []
    last = first_end
    for s, e, d in dates:
        if s < last:
            continue
        between = ctx.text[last:s]
        listed = _MORE_ODDS.match(between) or (len(between) <= 70 and not re.search(r"[.;]", between) and re.search(
            r"%|odds|chance|probability|likelihood", between))
        if not listed or d.bound not in ("by", "before", "in", "within"):
            break
        out.append((s, e, d))
        last = e
    return out


def milestone_claims(ctx: SentCtx) -> list[Draft]:
    """Dated milestones: "a 50% chance of AGI by 2031", "Kurzweil: AGI by 2029, Singularity by 2045".

    Each milestone name takes the first deadline after it (before the next milestone name), or, with none
    after it, a deadline just before it ("2027: superhuman coder").

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> [(d["target"], d["deadline_text"]) for d in milestone_claims(_demo("AGI by 2029, Singularity by 2045."))]
    [('AGI', 'by 2029'), ('Singularity', 'by 2045')]
    """
    text = ctx.text
    names = list(_MILESTONE.finditer(text))
    dates = _deadlines(ctx)
    if not dates or not _MILESTONE_SIGNAL.search(text):
        return []
    if not names:
        return _milestone_by_reference(ctx, dates)
    out: list[Draft] = []
    used: set[int] = set()
    # "His timeline — targeting 2026 or 2027 — … toward superintelligence": a timeline word lets the deadline
    # stand anywhere before the name, not only right before it
    reach = len(text) if _TIMELINE_WORD.search(text) else 40
    for k, m in enumerate(names):
        nxt = names[k + 1].start() if k + 1 < len(names) else len(text)
        after = [x for x in dates if m.end() <= x[0] < min(nxt, m.end() + 120) and x[0] not in used]
        before = [x for x in dates if (m.start() - reach <= x[1] or (_OPENING_DATE.fullmatch(text, 0, x[0]) and
                                                                   _FUTURE_WORD.search(text, x[1], m.start())))
                  and x[1] <= m.start() and x[0] not in used]
        pick = after[0] if after else (before[-1] if before else None)
        if after and before and _LEAD_IN.fullmatch(text, before[-1][1], m.start()) and \
                re.search(r"[;.]", text[m.end(): after[0][0]]):
            pick = before[-1]  # "by March 2027, tasks …; by mid-2027, tasks …": each date leads its own item
        if pick is not None and pick[2].end is None and len(after) > 1 and after[1][2].end is not None and \
                re.search(r"\bor\b", text[pick[1]: after[1][0]]):
            pick = after[1]  # "as early as next year or by 2026": the dated alternative can be checked
        if pick is None or _blocked_forecast(ctx, m.start(), pick[0]) or (
                m.group("horizon") and not _DEADLINE_WORD.match(pick[2].text)):
            continue  # a task horizon takes a stated deadline ("by 2027"), not a bare year in a list of the past
        used.add(pick[0])
        out.append(_forecast_draft(ctx, m.group(0), m.group(0), [], pick[2], m.start()))
        for s2, _e2, d2 in _more_deadlines(ctx, pick[1], after[1:]):
            used.add(s2)
            out.append(_forecast_draft(ctx, m.group(0), m.group(0), [], d2, m.start()))
    return out


_TIMELINE_WORD = re.compile(r"\b(?:timelines?|predictions?|forecasts?|targeting|median|estimates?)\b", re.I)
# A date that opens the sentence ("In 2027, …", "And by 2030, …") dates the clause it opens, however long.
_OPENING_DATE = re.compile(r"[\s\"“‘'*•-]*(?:(?:and|but|then|so)\s+)?(?:by|in|around|by\s+around)?\s*", re.I)
_FUTURE_WORD = re.compile(r"\b(?:will|would|could|might|may|should|shall|going\s+to|expect\w*|predict\w*|see)\b|"
                          r"['’]ll\b", re.I)
_DEADLINE_WORD = re.compile(r"(?:by|in|at|before|around|until|within|sometime|as\s+(?:soon|early)\s+as)\b", re.I)
# What may stand between a date and the milestone it leads: a comma, a colon, a dash.
_LEAD_IN = re.compile(r"[\s,:—–-]{1,4}")
# A short sentence that only gives a date, after one that named the milestone: "When will AGI arrive? Experts
# say 2027. Others say 2035."
_DATE_ANSWER = re.compile(r"^\W*(?:(?:[\w'’-]+\s+){0,4}(?:says?|said|predicts?|predicted|estimates?|puts?\s+it\s+at|"
                          r"bets?\s+on|median(?:\s+(?:is|of|at))?|answer(?:s|ed)?)\s*:?\s*)?$", re.I)


def _milestone_by_reference(ctx: SentCtx, dates: list[tuple[int, int, DateInterval]]) -> list[Draft]:
    """ "Experts say 2027." under a sentence that named AGI: the milestone named a few sentences before."""
    if len(ctx.text) > 90:
        return []
    s0, e0, dl = dates[0]
    if not _DATE_ANSWER.match(ctx.text[:s0]) or ctx.text[e0:].strip(" .!,;:\"”") or dl.end is None:
        return []
    name = _milestone_before(ctx)
    return [_forecast_draft(ctx, name, name, [], dl, s0)] if name else []


_LOOK_BACK = 6  # sentences a bare answer ("Others say 2035.") may sit below the milestone it answers


def _milestone_before(ctx: SentCtx) -> str | None:
    """The milestone last named in the few sentences before ctx ("When will AGI arrive? … Experts say 2027.")."""
    prev = ctx.prev
    for _ in range(_LOOK_BACK):
        if prev is None:
            return None
        named = list(_MILESTONE.finditer(prev.text))
        if named:
            return named[-1].group(0)
        prev = prev.prev
    return None


# A duration given as the answer to when a milestone comes: "Demis Hassabis says 3–5 years.", "A former
# researcher believes it could be just two years.", "Musk, never shy, estimates 3–6 years."
_DURATION_ANSWER = re.compile(
    rf"^\W*(?:[\w'’.,-]+\s+){{0,10}}?(?:says?|said|predicts?|estimates?|believes?|thinks?|guesses|expects?|"
    rf"bets?)\s+(?:(?:it|that|AGI)\s+(?:could|will|would|might|may)\s+(?:be|take)\s+)?(?:(?:just|only|about|roughly|"
    rf"around|maybe|perhaps|another)\s+)?(?P<n>(?:{NUM}\s*(?:-|–|to|or)\s*)?(?P<hi>{NUM}))\s+"
    rf"(?P<u>years?|months?|decades?)\W*$", re.I)


def duration_answer_claims(ctx: SentCtx) -> list[Draft]:
    """A bare duration answering when a milestone named just before arrives (see _DURATION_ANSWER); the deadline
    runs from the publication date when it is known, else it is kept as text.

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> ctx = _demo("Hassabis says 3–5 years.")
    >>> ctx._prev = _demo("When will AGI arrive?")
    >>> [(d["target"], d["deadline_text"]) for d in duration_answer_claims(ctx)]
    [('AGI', '3–5 years')]
    """
    if len(ctx.text) > 120:
        return []
    m = _DURATION_ANSWER.match(ctx.text)
    name = _milestone_before(ctx) if m else None
    if m is None or name is None or _blocked_forecast(ctx, m.start("n"), m.end()):
        return []
    months = (word_number(m.group("hi")) or 1.0) * unit_months(m.group("u"))
    pub = ctx.published
    dl = DateInterval(pub, add_months(pub, months) if pub else None, "relative", ctx.text[m.start("n"): m.end("u")],
                      "within", True)
    return [_forecast_draft(ctx, name, name, [], dl, m.start("n"))]


# "X is (just) N years away": the clause before a distance in time names what arrives then.
_AWAY_DEADLINE = re.compile(r"\b(?:away|out)$", re.I)
_AWAY_SUBJECT = re.compile(
    r"(?P<subj>[^,;:.!?()\n]{3,120}?)\s+(?:is|are|[’']s|remains?|seems?|looks?|stays?)\s+"
    r"(?:(?:still|just|only|probably|likely|perhaps|maybe|possibly|about|roughly|around|at\s+least|at\s+most|now|"
    r"already|effectively|a\s+mere|merely|no\s+more\s+than)\s+)*$", re.I)
# Where the subject clause starts: after "that", a speech verb or a conjunction ("… believe AI capable of … is").
_AWAY_CUT = re.compile(r".*\b(?:that|and|but|while|whereas|says?|said|believes?|believed|thinks?|argues?|argued|"
                       r"predicts?|predicted|estimates?|estimated|where|because|so|including\s+[^,]{0,60},)\s+", re.I)
_AWAY_TOPIC = re.compile(r"\b(?:coding|coders?|automat\w*|agents?|geniuses|self-improv\w*|improving\s+itself|"
                         r"(?-i:AI))\b", re.I)


def away_claims(ctx: SentCtx) -> list[Draft]:
    """A milestone placed at a distance in time: "AI that improves itself is just 2-4 years away", "end-to-end
    coding is likely 1-2 years away". The subject must be about AI progress; a release or event "two weeks away"
    is left to the release rules.

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> drafts = away_claims(_demo("Fully autonomous coding agents are 2-3 years away."))
    >>> [(d["target"], d["deadline_text"]) for d in drafts]
    [('Fully autonomous coding agents', '2-3 years away')]
    >>> away_claims(_demo("The product event is two weeks away."))
    []
    """
    out: list[Draft] = []
    for s, _e, dl in _deadlines(ctx):
        if not _AWAY_DEADLINE.search(dl.text):
            continue
        m = _AWAY_SUBJECT.search(ctx.text, max(0, s - 140), s)
        if m is None:
            continue
        subj = m.group("subj")
        cut = _AWAY_CUT.match(subj)
        subj = subj[cut.end():] if cut else subj
        subj = re.sub(r"^(?:the\s+(?:arrival|advent|emergence)\s+of\s+)", "", subj.strip(" \"“”'"), flags=re.I)
        if len(subj) < 2 or _NOT_PROGRESS.search(subj) or re.fullmatch(r"(?:it|this|that|we|they|he|she)", subj, re.I):
            continue
        if not (_PROGRESS.search(subj) or _MILESTONE.search(subj) or _AWAY_TOPIC.search(subj)):
            continue
        pos = s - len(m.group(0)) + len(m.group("subj")) - len(subj)
        if _blocked_forecast(ctx, pos, s) or not _ai_context(ctx):
            continue
        out.append(_forecast_draft(ctx, subj, subj, [], dl, max(0, pos)))
    return out


# Capability measured against people: "machines will be better than us at translating by 2024", "deep learning is
# going to do better than radiologists within five years", "AI will be able to beat us at everything by 2060".
_MACHINE = re.compile(
    r"\b(?:(?-i:AI|A\.I\.|AIs)|artificial\s+intelligence|machines?|computers?|deep\s+learning|machine\s+learning|"
    r"algorithms?|robots?|neural\s+net(?:work)?s|language\s+models?|LLMs?|chatbots?|(?-i:AI)\s+(?:systems?|models?|"
    r"agents?))\b", re.I)
_PEOPLE = (r"(?:human(?:[- ]level)?\s+(?:performance|level|intelligence)|us|humans?|people|mankind|humanity|"
           r"(?:most|all|any|the\s+best|top|human|expert|professional)\s+[\w-]+|[a-z]+(?:ists|ians|ers|ors)|doctors|"
           r"lawyers|nurses|experts|professionals)\b")
_HUMAN_BAR = re.compile(
    rf"\b(?:(?:be|are|is)\s+(?:(?:much|far|significantly|even)\s+)?(?:better|smarter|faster|more\s+(?:capable|accurate|"
    rf"intelligent))\s+(?:at\s+[\w\s-]{{1,40}}?\s+)?than\s+{_PEOPLE}|(?:do|perform|work)\s+(?:(?:much|far)\s+)?"
    rf"(?:better|as\s+well)\s+(?:than|as)\s+{_PEOPLE}|(?:outperform|outdo|outsmart|outpace|beat|surpass|exceed|match|"
    rf"rival|equal|overtake|replace)\s+{_PEOPLE}"
    rf"|(?:be\s+able\s+to|can)\s+(?:outperform|outdo|beat|surpass|exceed|match|rival|replace|do\s+(?:any|every|all|"
    rf"most))\b|take\s+over\s+(?:from\s+)?{_PEOPLE}|automate\s+(?:all|most|nearly\s+all|every)\s+(?:human\s+)?"
    rf"(?:tasks?|work))", re.I)
# A further item of a dated list, between two deadlines: ", writing essays by 2026", " and driving a truck by 2027".
_LIST_ITEM = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)(?P<item>[^,;.!?]{3,60}?)\s*$", re.I)


def capability_claims(ctx: SentCtx) -> list[Draft]:
    """Capability against people by a deadline, one forecast per listed deadline: "machines are predicted to be
    better than us at translating by 2024, writing essays by 2026 and driving a truck by 2027".

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> text = "Machines are predicted to be better than us at translating by 2024, writing essays by 2026."
    >>> [(d["target"], d["deadline_text"]) for d in capability_claims(_demo(text))]
    [('be better than us at translating', 'by 2024'), ('writing essays', 'by 2026')]
    >>> capability_claims(_demo("Doctors will be better than us at surgery by 2030."))
    []
    """
    text = ctx.text
    bar = _HUMAN_BAR.search(text)
    if bar is None:
        return []
    cue = next((m for m in FUT.finditer(text, 0, bar.end()) if m.end() <= bar.start() + 12), None)
    machine = next((m for m in _MACHINE.finditer(text, 0, bar.start()) if cue is None or m.start() < cue.start()), None)
    if cue is None or machine is None or _NOT_PROGRESS.search(text, machine.start(), bar.end()):
        return []
    found = [x for x in _deadlines(ctx) if x[2].bound in ("by", "before", "in", "within")]
    dates = [x for x in found if x[0] >= bar.end()]
    if dates and (re.search(r"[;:!?]|\.\s", text[bar.end(): dates[0][0]]) or dates[0][0] - bar.end() > 90):
        dates = []
    if not dates:  # "it is obvious within five years that deep learning is going to do better than radiologists"
        dates = [x for x in found if re.fullmatch(r"\s*,?\s*(?:that\s+)?", text[x[1]: machine.start()])][:1]
    if not dates:
        return []
    if _blocked_forecast(ctx, cue.start(), dates[0][0]):
        return []
    subject = machine.group(0)
    first = re.sub(r"\s+", " ", text[bar.start(): dates[0][0] if dates[0][0] > bar.start() else bar.end()]).strip(" ,")
    out = [_forecast_draft(ctx, subject, first, [], dates[0][2], machine.start())]
    last = dates[0][1]
    for s, e, d in dates[1:]:
        item = _LIST_ITEM.match(text, last, s)
        if item is None:
            break
        out.append(_forecast_draft(ctx, subject, item.group("item").strip(), [], d, machine.start()))
        last = e
    return out


def _blocked_forecast(ctx: SentCtx, lo: int, hi: int) -> bool:
    text = ctx.text
    pos = max(lo, hi)
    return (is_negated(text, pos) or bool(_FORECAST_NEG.search(text[max(0, lo - 30): pos]))
            or is_rejected(text) or is_conditional(text, min(lo, hi), forecast=True))


def release_claims(ctx: SentCtx) -> list[Draft]:
    """Release forecasts named with a noun or a bare verb: "a GPT-6 launch by July 1", "K3 is projected to drop
    inside the May window", "odds of GPT-6 releasing before April 30, and 93% by June 30".

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> drafts = release_claims(_demo("Odds of a GPT-6 launch by July 2026 are 30%."))
    >>> [(d["target"], d["deadline_text"]) for d in drafts]
    [('GPT-6', 'by July 2026')]
    """
    text = ctx.text
    if not _RELEASE_SIGNAL.search(text):
        return []
    models = [e for e in ctx.ents if e.kind == "MODEL" and not (e.model_id or "").startswith("family:")]
    dates = _deadlines(ctx)
    if not dates:
        return []
    if not models:
        models = _version_names(ctx)
    if not models:
        return _release_by_reference(ctx, dates) or _release_date_line(ctx, dates)
    for w in _RELEASE_WORD.finditer(text):
        if _PAST_RELEASE.fullmatch(w.group(0)) and not _PASSIVE_FUTURE.search(text, 0, w.start()):
            continue  # "was released in March": a report, not a forecast
        model = next((e for e in reversed(models) if w.start() - 80 <= e.end <= w.start()), None) or next(
            (e for e in models if w.end() <= e.start <= w.end() + 30), None) or next(
            (e for e in models if w.start() < e.start < w.end()), None)  # "delaying the Grok 5 model from … to"
        if model is None:
            continue
        lo = max(w.end(), model.end)
        dl = next((x for x in dates if lo <= x[0] <= lo + 90), None) or next(
            (x for x in dates if 0 <= w.start() - x[1] <= 2), None)  # "an October 22nd launch"
        if dl is None or _blocked_forecast(ctx, w.start(), dl[0]):
            continue
        tmodels = [model.model_id] if model.model_id else []
        out = [_forecast_draft(ctx, model.text, model.text, tmodels, dl[2], w.start())]
        out += [_forecast_draft(ctx, model.text, model.text, tmodels, d2, w.start())
                for _s2, _e2, d2 in _more_deadlines(ctx, dl[1], [x for x in dates if x[0] > dl[0]])]
        return out
    return []


# A model named by a version the registry does not know yet: "DeepSeek's V4 model", "K3 is projected to drop",
# "Llama 4.X" — a capitalised name ending in a version number, or a letter and digits ("R2", "V4").
_VERSION_NAME = re.compile(r"(?<![\w.-])(?-i:[A-Z][A-Za-z]{0,11}[- ]?\d{1,2}(?:\.\d{1,2})?(?:\.[Xx])?"
                           r"(?:[- ](?:Pro|Max|Ultra|Mini|Lite|Turbo|Flash|Thinking))?)(?![\w-]|\.\d)")
# Chips, weapons and vaccines look the same ("H100", "F-35", "COVID-19"): not models.
_NOT_A_MODEL = re.compile(r"^(?:[HABLM]I?\d{2,3}|MI\d+|TPU.*|Ascend.*|Atlas.*|Kirin.*|COVID.*|F-?\d+|Q[1-4]|H[12]|"
                          r"G[78]|M[1-5]|A\d{1,2}|iPhone.*|Windows.*|Series.*|Top.*|Phase.*|Level.*|Tier.*)$")


_CODENAME = re.compile(r"\b(?:code-?named|codename[ds]?|dubbed|called)\s+[“\"‘']?(?P<n>(?-i:[A-Z][\w.-]{1,30})"
                       r"(?:\s+(?-i:[A-Z0-9][\w.-]*))?)(?=[”\"’'.,;:)\s]|$)", re.I)


def _version_names(ctx: SentCtx) -> list[Ent]:
    """Model names the finder does not know, in a sentence of a document about AI (see _VERSION_NAME)."""
    if not (_ai_context(ctx) or (ctx.doc_about_ai and _RELEASE_WORD.search(ctx.text))):
        return []
    out = []
    for m in _VERSION_NAME.finditer(ctx.text):
        name = m.group(0)
        if _NOT_A_MODEL.match(name) or any(s <= m.start() < e for s, e, _d in ctx.dates):
            continue
        out.append(Ent(m.start(), m.end(), name, "MODEL", {}, None))
    for m in _CODENAME.finditer(ctx.text):  # 'a new model codenamed "Avocado"'
        if all(m.start("n") >= x.end or m.end("n") <= x.start for x in out):
            out.append(Ent(m.start("n"), m.end("n"), m.group("n"), "MODEL", {}, None))
    out.sort(key=lambda x: x.start)
    return out


# Forecasts about money, users and jobs are not forecasts of AI progress (docs/annotation.md: optional at most).
_NOT_PROGRESS = re.compile(
    r"\b(?:revenue|revenues|sales|users?|subscribers|market\s+(?:share|cap|size|value)|valuation|funding|spending|"
    r"invest\w*|capex|jobs?|employment|workers|workforce|adoption|price|prices|pricing|costs?|profit\w*|IPO|"
    r"billion|trillion|million|GW|gigawatts?|data\s+cent(?:er|re)s?|power\s+plants?|energy|electricity|"
    r"economy|GDP|enterprises?|customers|households|percent\s+of|%\s+of|regulation|law|act|ban|hire|hiring|"
    r"engineers|staff|employees|exports?|cleared|sanctions?|licen[cs]es?|report|annual|earnings|results|conference|"
    r"event|hearing|chips?|GPUs?|processors?|updated|update|partnership|deal|contract|agreement)\b", re.I)
# AI that drives or walks: its launches and levels are AI progress though the sentence never says "AI" (the
# generic route takes them without the AI-topic check).
_EMBODIED_WORDS = (r"self-driving|driverless|robotaxis?|humanoids?|FSD|level\s+[45]\s+autonom\w*|"
                   r"autonomous\s+(?:driving|rides?|vehicles?|cars?|taxis?|trucks?|bus(?:es)?|mode|software)")
_EMBODIED = re.compile(rf"\b(?:{_EMBODIED_WORDS}|drives?\s+(?:itself|themselves)|(?-i:L[45])\s+(?:autonomous|"
                       r"vehicles?|cars?))\b", re.I)
_PROGRESS = re.compile(
    r"\b(?:model|models|LLMs?|chatbot|AGI|ASI|superintelligen\w*|capabilit\w*|state[- ]of[- ]the[- ]art|parity|"
    r"surpass|overtake|catch\s+up|successor|flagship|human-level|smarter|autonomous\w*|superhuman|"
    r"(?-i:AI)\s+(?:systems|agents)|(?:hour|day|week|month)-long\s+(?:[\w-]+\s+)?tasks?|"
    r"end-to-end|expert-level|PhD-level|Nobel|novel\s+(?:insights|science|discoveries)|"
    rf"robots?|Optimus|{_EMBODIED_WORDS})\b", re.I)  # embodied AI, and robots by name or kind
_PAST_CLAUSE = re.compile(r"\b(?:was|were|had|did|released|launched|announced|unveiled|shipped|debuted|introduced|"
                          r"published|reached|achieved|hit|made|founded|started|starting|began|begun)\b[^,;.]{0,40}$",
                          re.I)


def generic_forecasts(ctx: SentCtx) -> list[Draft]:
    """The last resort: a deadline, a forecast cue and a topic of AI progress in one clause, in any wording
    the routes above do not know ("K3 is projected to drop inside the May 10-31 window", "Google appears
    poised to push Gemini 3 … pointing to a December release window").

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> [d["deadline_text"] for d in generic_forecasts(_demo("Gemini 4 is tipped for a spring 2027 debut."))]
    ['spring 2027']
    >>> generic_forecasts(_demo("OpenAI expects revenue to reach $100 billion by 2029."))
    []
    """
    text = ctx.text
    cue = FUT.search(text) or _RELEASE_PLAN.search(text) or next(
        (m for m in _RELEASE_SIGNAL.finditer(text) if m.group(0) != "%"), None)
    if cue is None:
        return []
    for s, e, dl in _deadlines(ctx):
        if s < cue.start() and dl.bound not in ("by", "before", "within"):
            continue  # "In July 2017, China released a plan that …": a date before the cue sets the scene
        if re.match(r"(?:in\s+|on\s+)?(?:last|this\s+(?:week|month))\b|(?:in\s+)?a\s+single", dl.text, re.I):
            continue
        lo = max(0, min(cue.start(), s) - 10)
        clause = text[lo: max(cue.end(), e)]
        if re.search(r"[;]|\.\s", clause) or len(clause) > 160:
            continue
        # "in under five years, we will see AI agents that …": what comes is named right after the cue
        # (and "agents handling month-long tasks could arrive …": the subject before the cue)
        end = max(cue.end(), e)
        tail = re.split(r"[;:.!?]|,\s", text[end: end + 70].lstrip(" ,"))[0]
        h0 = max(0, lo - 50)
        cut = [m.end() for m in re.finditer(r"[;:.!?]\s|,\s", text[h0: lo])]
        around = text[h0 + (cut[-1] if cut else 0): end] + " " + tail
        if _NOT_PROGRESS.search(around) or not (_PROGRESS.search(around) or any(
                x.kind in ("MODEL", "ORG") and x.start < max(cue.end(), e) for x in ctx.ents)):
            continue
        if _PAST_CLAUSE.search(text, 0, s) and not FUT.search(text, max(0, s - 60), s):
            continue  # "Claude 3 was released in March 2024"
        if ctx.published is not None and dl.end is not None and dl.end < ctx.published and not FUT.search(clause):
            continue
        if _blocked_forecast(ctx, cue.start(), s) or not (_ai_context(ctx) or _EMBODIED.search(around)):
            continue
        models = [x for x in ctx.ents if x.kind == "MODEL" and not (x.model_id or "").startswith("family:")]
        pick = models[0] if models else None
        said = text[cue.end(): s] if s > cue.end() else tail  # "in under five years, we will see …": after the cue
        target = pick.text if pick else re.sub(r"\s+", " ", said).strip(" ,:")[:60] or None
        if target is None:
            continue  # "a successor is due within six months": no model and nothing named to check it against
        tmodels = [pick.model_id] if pick and pick.model_id else []
        return [_forecast_draft(ctx, None, target or "", tmodels, dl, cue.start())]
    return []


_DATE_LINE = re.compile(r"\b(?:(?:expected|likely|estimated|rumou?red|projected)\s+)?(?:release|launch)\s+"
                        r"(?:date|timeline|window|timing)|\bETA\b|best\s+estimate", re.I)


_ANAPHOR = re.compile(r"\b(?:(?:the|its|this|their|that|an?)\s+(?:new\s+|next\s+|upcoming\s+|latest\s+|public\s+|"
                      r"full\s+|official\s+|broader\s+|wider\s+)*(?:model|release|launch|successor|flagship|version|"
                      r"rollout|update|debut|timeline|schedule|target\s+date|release\s+date)|it|"
                      r"(?:that|this)(?=\s+(?:has\s+|had\s+)?(?:now\s+|since\s+)?(?:slipped|shifted|moved|been\s+"
                      r"(?:delayed|pushed|postponed|moved))))\b", re.I)


_MODEL_LOOK_BACK = 3  # sentences back to the model a release phrase refers to ("… the launch is expected …")


def _model_before(ctx: SentCtx) -> Ent | None:
    """The model last named in the few sentences before ctx (versions only, not a family)."""
    prev = ctx.prev
    for _ in range(_MODEL_LOOK_BACK):
        if prev is None:
            return None
        models = [e for e in prev.ents if e.kind == "MODEL" and not (e.model_id or "").startswith("family:")]
        if not models:
            models = [e for e in _version_names(prev) if e.model_id is None]  # "V4", 'codenamed "Avocado"'
        if models:
            return models[-1]
        prev = prev.prev
    return None


def _release_by_reference(ctx: SentCtx, dates: list[tuple[int, int, DateInterval]]) -> list[Draft]:
    """ "The launch is expected later this month", "it could arrive next week": the model is the one the
    sentence before named."""
    ana = _ANAPHOR.search(ctx.text)
    if ana is None:
        return []
    model = _model_before(ctx)
    word = _RELEASE_WORD.search(ctx.text)
    if model is None or word is None or not (FUT.search(ctx.text) or _RELEASE_SIGNAL.search(ctx.text)):
        return []
    if _PAST_RELEASE.fullmatch(word.group(0)) and not _PASSIVE_FUTURE.search(ctx.text, 0, word.start()):
        return []
    dl = next((x for x in dates if x[0] >= min(ana.start(), word.start())), None)
    if dl is None or _blocked_forecast(ctx, word.start(), dl[0]):
        return []
    return [_forecast_draft(ctx, model.text, model.text, [model.model_id] if model.model_id else [], dl[2],
                            word.start())]


def _release_date_line(ctx: SentCtx, dates: list[tuple[int, int, DateInterval]]) -> list[Draft]:
    """ "Release Timeline: Q1 2026" or "The best estimate is April 2026" under a sentence naming the model."""
    m = _DATE_LINE.search(ctx.text)
    prev = ctx.prev
    if m is None or prev is None:
        return []
    model = _model_before(ctx)
    dl = next((x for x in dates if x[0] >= m.end()), None) or next((x for x in dates if x[1] <= m.start()), None)
    if model is None or dl is None or _blocked_forecast(ctx, m.start(), dl[0]):
        return []
    return [_forecast_draft(ctx, model.text, model.text, [model.model_id] if model.model_id else [], dl[2],
                            m.start())]


_KEEP_FOR = re.compile(
    rf"\b(?:(?:stay|stays|remain|remains|keep|keeps|hold|holds|maintain|maintains)\s+(?:in\s+front|ahead|on\s+top|"
    rf"dominant|the\s+leader|(?:its|their|the|a)\s+(?:\w+\s+)?(?:lead|edge|advantage))|"
    rf"(?:lead|edge|advantage|dominance)\s+(?:will|would|could|should|may|might)\s+(?:continue|last|persist|hold|"
    rf"endure)|"
    rf"(?:will|to)\s+(?:continue\s+to\s+)?(?:dominate|lead)\b|(?:will\s+)?be\s+ahead)[^.;]{{0,50}}?\b(?P<span>(?:for|over)\s+"
    rf"(?:another\s+|the\s+next\s+|at\s+least\s+)?(?P<n>{NUM})?\s*(?P<u>decades?|years?|months?))\b", re.I)


def lead_kept_claims(ctx: SentCtx) -> list[Draft]:
    """A lead kept for a stated time: "the US will stay in front for a decade" (deadline = publication + span).

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> [d["deadline_text"] for d in lead_kept_claims(_demo("The US will stay ahead of China for a decade."))]
    ['for a decade']
    """
    m = _KEEP_FOR.search(ctx.text)
    if m is None or not (FUT.search(ctx.text, 0, m.end()) or _MILESTONE_SIGNAL.search(ctx.text, 0, m.start())):
        return []
    if _blocked_forecast(ctx, m.start(), m.end()):
        return []
    n = word_number(m.group("n")) if m.group("n") else 1.0
    months = (n or 1.0) * unit_months(m.group("u"))
    text = m.group("span")
    pub = ctx.published
    dl = DateInterval(pub, add_months(pub, months) if pub else None, "relative", text, "within", True)
    subj = _subject_before(ctx, m.start())
    d = _forecast_draft(ctx, None, "stay ahead", [], dl, m.start(), subj)
    d["direction"] = "ahead"
    return [d]


_MOVE = re.compile(r"\b(?:delayed|postponed|pushed(?:\s+back)?|slipp(?:ed|ing)|slips|moved|shifted|rescheduled)\s+"
                   r"(?:again\s+|first\s+)?(?:to|until|till|into)\b|\band\s+now\s+(?:to|into|until)\b|"
                   # "previously rumored for mid-February and now anticipated in late April"
                   r"\b(?:and|but)\s+now\s+(?:\w+\s+){0,2}?(?:expected|anticipated|rumou?red|slated|planned|"
                   r"scheduled|tipped|targeted|projected|set)\s+(?:for|in|by|around|to)\b", re.I)


def _moved_deadline(ctx: SentCtx, drafts: list[Draft]) -> None:
    """ "was pushed to June and is now delayed until fall": a release forecast takes the date after the last
    move, not a date the plan had before it."""
    moves = list(_MOVE.finditer(ctx.text))
    if not moves or not drafts:
        return
    last = moves[-1]
    new = next((x for x in _deadlines(ctx) if last.start() <= x[0] <= last.end() + 6), None)
    if new is None:
        return
    for d in drafts:
        at = ctx.text.find(d["deadline_text"] or "\0")
        if 0 <= at < last.start() and d["deadline_text"] != new[2].text:
            d.update({"deadline_text": new[2].text, "deadline_start": new[2].start, "deadline_end": new[2].end})


def forecast_claims(ctx: SentCtx, generic: bool = True) -> list[Draft]:
    """Find forecasts: dated milestones, cue-led ones, releases named with a noun, then (with generic, for
    sentences that hold no gap claim) any dated forecast cue about AI progress.

    Release plans ("slated for Q3 2026") count; stated goals ("aims to surpass the US by 2030") are kept with
    is_goal. Without a deadline there is nothing to check later, so no forecast is emitted.
    """
    if _is_question(ctx.text):
        return []
    kept = lead_kept_claims(ctx)
    if kept:
        return kept
    if not ctx.dates:
        return duration_answer_claims(ctx)
    found = milestone_claims(ctx)
    if found:
        return found
    cue = _cue_forecasts(ctx)
    if not cue:
        found = release_claims(ctx) or away_claims(ctx) or capability_claims(ctx) or (
            generic_forecasts(ctx) if generic else [])
        _moved_deadline(ctx, found)
        return found
    rel = release_claims(ctx) if len(cue) == 1 else []
    if len(rel) > 1 and rel[0]["deadline_text"] == cue[0]["deadline_text"]:
        cue += rel[1:]  # "72% odds on a GPT-6 release before April 30, and 93% odds before June 30"
    if len(cue) == 1:
        _moved_deadline(ctx, cue)
    return cue
