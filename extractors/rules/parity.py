"""Parity claims: "has caught up with", "on par with", "closed the gap" (present or past, never future)."""

from __future__ import annotations

import re

from extractors.rules.base import Draft, SentCtx, _blocked, _draft, _ents_between, _reference_after, _subject_before
from extractors.rules.forecasts import FUT

# How far a gap has closed: "has now / all but / nearly closed".
_CLOSED_ADV = (r"(?:now\s+|all\s+but\s+|effectively\s+|largely\s+|essentially\s+|basically\s+|nearly\s+|almost\s+|"
               r"virtually\s+|practically\s+|mostly\s+)")
_PARITY = re.compile(
    r"\b(?:(?:(?:has|have|had)\s+(?:now\s+|largely\s+|effectively\s+|essentially\s+|all\s+but\s+|finally\s+|"
    r"basically\s+|more\s+or\s+less\s+|mostly\s+|already\s+)?)?caught\s+up(?:\s+(?:with|to))?|"
    r"(?:(?:has|have|had)\s+(?:now\s+|effectively\s+|essentially\s+|all\s+but\s+|largely\s+)?)?closed\s+the\s+gap|"
    r"(?:reached|achieved|at|near|hit|rough|reaching|achieving)\s+parity|parity\s+with|on\s+par\s+with|"
    r"neck[\s-]+and[\s-]+neck|(?:effectively\s+)?[“\"‘']?closes\s+the\s+gap|"
    r"(?:in|within)\s+the\s+(?:same\s+)?(?:[\w-]+\s+)?ballpark\s+(?:of|as)|"
    r"(?:perform(?:s|ed|ing)?|is|are|was|were|sits?)\s+at"
    r"(?=\s+(?:the\s+)?(?:[\w.’'-]+\s+){0,4}?[\w.’'-]+[- ]levels?\b)|"
    r"(?:pulled|drawn|drew)\s+level|level\s+with|"
    r"erased\s+the\s+(?:gap|lead)|(?:match(?:es|ed|ing)|rival(?:s|ed|led|ing|ling)|equal(?:s|led|ed|ing))\s+(?:the\s+)?"
    r"(?:performance|capabilities|level|quality)\s+of|"
    r"(?:perform(?:s|ed|ing)?|scor(?:es|ed|ing))\s+(?:as\s+well\s+as|comparably\s+(?:to|with)|on\s+par\s+with|"
    r"at\s+the\s+level\s+of)|(?:performance|capabilit(?:y|ies)|results?|quality)\s+(?:comparable|equivalent)\s+to|"
    rf"(?:gap|lead)\s+(?:has\s+|had\s+|is\s+|was\s+)?[“\"‘']?{_CLOSED_ADV}?(?:closed|vanished|disappeared|evaporated|gone|collapsed)|"
    r"(?:(?:performance|capability|quality)\s+)?gap\s+between\s+[^.;]{3,80}?\s+[“\"‘']?(?:has|have|had)\s+[“\"‘']?"
    rf"{_CLOSED_ADV}?(?:closed|vanished|disappeared|evaporated|collapsed)|"
    r"(?:reached|reach(?:es|ing)?)\s+the\s+(?:global\s+|AI\s+|capability\s+)?frontier|"
    r"(?:reached|reach(?:es)?|hit)\s+the\s+(?:same\s+)?level\s+of|"
    r"(?:model|system|chatbot|LLM|AI)s?\s+comparable\s+(?:to|with)|"
    r"(?:just\s+)?as\s+good\s+as|at\s+par\s+with|achiev\w+\s+(?:technical\s+|effective\s+|rough\s+)?parity|"
    r"(?:nearly\s+|all\s+but\s+)?erased\s+(?:the\s+)?(?:[\w.’']+\s+){0,2}lead|"
    r"(?:is|are|was|were|now|sits?|stands?)\s+(?:roughly\s+|essentially\s+|broadly\s+|already\s+|now\s+)?"
    r"(?:at\s+the\s+(?:same\s+)?level\s+of|comparable\s+(?:to|with)|on\s+a\s+par\s+with|similar\s+to|"
    r"analogous\s+(?:or\s+similar\s+)?to)|(?:keep|keeps|keeping|kept)\s+pace\s+with|"
    r"perform(?:s|ed|ing)?\s+(?:similarly|comparably)\s+(?:to|with)|"
    r"match(?:es|ed|ing)?\s+or\s+(?:beat|beats|surpass\w*|exceed\w*|outperform\w*)|"
    r"match(?:es|ed|ing)?\s+the\s+(?:[\w-]+\s+){1,2}(?:performance|capabilit(?:y|ies)|level)\s+of|"
    r"within\s+spitting\s+distance\s+of|go(?:es|ing)?\s+toe[\s-]+to[\s-]+toe\s+with|"
    # "GLM-5.2 at Opus 4.8 levels", "perform at the levels of top American models", "as smart as top US models",
    # "in no way inferior to GPT-4", "see open models catch up to the closed labs"
    r"(?<=\s)at(?=\s+(?-i:[A-Z])[\w.’'-]*(?:\s+[\w.’'-]+){0,3}?[- ]levels?\b)|"
    r"perform(?:s|ed|ing)?\s+at\s+the\s+levels?\s+of|"
    r"as\s+(?:smart|capable|strong|powerful|intelligent|competitive)\s+as|"
    r"(?:close|closer|near)\s+to\s+(?:the\s+)?(?:performance\s+|capability\s+)?levels?\s+of|"
    r"competitive\s+(?:performance\s+)?against|(?<!without\s)compet(?:e|es|ed|ing)\s+(?:head-to-head\s+|directly\s+)?with|"
    r"(?:gap|lead)\s+with\s+[^.;]{3,60}?\s+(?:has\s+|have\s+|had\s+)?(?:closed|vanished|disappeared)(?![\w-])|"
    r"(?:in\s+no\s+way|not|no)\s+inferior\s+to|no\s+worse\s+than|"
    r"catch(?:es)?\s+up\s+(?:with|to)|"
    # "reached virtual convergence with", "feel fairly similar to", "matches quality that …", "on par or better
    # than", "traded blows with", "is competitive with", "be statistically comparable to", "AlphaFold3-level accuracy"
    r"convergence\s+with|(?:feels?|looks?|seems?)\s+(?:\w+\s+)?similar\s+to|"
    r"match(?:es|ed)?\s+(?:the\s+)?(?:quality|performance|capabilit(?:y|ies))\s+(?:of|that)|"
    r"on\s+par\s+(?:with\s+)?or\s+(?:better|superior)\s+(?:than|to)|trad(?:ed|es|ing)\s+blows\s+with|"
    r"(?:is|are|was|were|now|remains?|remained|became|become|becoming)\s+(?:\w+ly\s+)?competitive\s+with|"
    r"be\s+(?:\w+ly\s+)?comparable\s+(?:to|with)|"
    r"(?<![\w-])(?P<level_of>(?-i:[A-Z])[\w.]*(?:[-\s][\w.]+)?)[-\s](?:level|class)\s+(?:accuracy|performance|power|"
    r"capabilit\w*|intelligence|reasoning|quality|results|models?)|"
    r"(?<!against\s)(?<!open\s)(?<!its\s)(?<!their\s)(?<!other\s)(?<!and\s)(?<!a\s)(?<!the\s)(?<!main\s)"
    r"(?<!closest\s)(?<!biggest\s)(?<!nearest\s)(?<!key\s)(?<!chief\s)"
    r"(?:match(?:e[sd]|ing)?|rival(?:s|ed|led|ing)?|equal(?:s|ed|led))(?=\s+(?:the\s+)?(?:(?-i:[A-Z])|(?:top|leading|"
    r"frontier|proprietary|closed|best|western|american|state|platforms?|models?|systems?|offerings|chatbots)\b)))\b",
    re.I)
# Parity phrases that need a named comparator right after them (a model, lab or group).
_NEEDS_REF = re.compile(r"match|rival|equal|perform|scor|comparable|equivalent|good\s+as|level\s+of|similar|"
                        r"analogous|toe|ballpark|\sat$|^at$|\sas$|inferior|worse|catch|competitive|convergence|blows|"
                        r"compet|(?:close|closer|near)\s+to|"
                        r"[-\s](?:level|class)\s+(?:accuracy|perf|power|capab|intell|reason|qual|result|model)", re.I)


# "managed to match", "is said to perform similarly to": a report of what happened, not a plan
_PAST_TO = re.compile(r"\b(?:managed|able|said|reported|claimed|believed|thought|known|shown|found|appears?|appeared|"
                      r"seems?|seemed|proved|proven)\s+(?:[\w-]+\s+){0,3}?to\s+(?:be\s+)?(?:\w+ly\s+)?$|"
                      # "the first open-source model to match GPT-4": a record set, not a plan
                      r"\b(?:first|only|latest|second|third)\s+(?:[\w-]+\s+){0,3}?to\s+$|"
                      # "has advanced to near parity with": a state reached, not a plan
                      r"\b(?:advanced|risen|rose|moved|climbed|come|came|got|gotten|jumped|surged)\s+to\s+$", re.I)
_HUMAN_REF = re.compile(r"\s*(?:that\s+of\s+|those\s+of\s+)?(?:the\s+)?(?:average\s+|top\s+|best\s+)?"
                        r"(?:human|humans|people|Nobel|experts?|doctors?|PhDs?|professionals|"
                        r"radiologists|programmers|mathematicians)\b", re.I)
# "can achieve performance comparable to", "its new model can rival DeepSeek": an ability stated, not a doubt
# (unless a doubt word comes before it: "whether it can match", "doubt Huawei can match")
_ABLE = re.compile(r"^(?!.*\b(?:doubts?|doubtful|probability|chances?|odds|whether|if|question|unclear)\b).*"
                   r"\bcan\s+(?:now\s+|already\s+|today\s+)?(?:(?:achieve|deliver|offer|provide|reach)\s+)?$", re.I)
# "can even truly match GPT-4", "doubt Huawei can match", "the probability of open-source matching": not asserted
_UNASSERTED = re.compile(r"\b(?:can|cannot|can['’]t|could|doubts?|doubtful|probability|chances?|odds|whether)\b"
                         r"(?:\s+[\w-]+){0,4}\s*$", re.I)
_MONEY_BEFORE = re.compile(r"\b(?:spending|spend|costs?|prices?|pricing|budgets?|funding|revenues?|valuations?|"
                           r"salar\w+|investment|capex|market\s+share|usage|adoption|downloads|econom(?:y|ies)|GDP|contribution)\b[^.;]*$",
                           re.I)


def parity_claims(ctx: SentCtx, taken: list[Draft]) -> list[Draft]:
    """Find present or past parity claims: "have caught up with", "on par with", "closed the gap".

    Future forms ("will catch up by 2027") are forecasts, not parity claims.

    >>> from extractors.rules.base import demo_ctx as _demo
    >>> [(d["direction"], d["reference"]) for d in parity_claims(_demo("DeepSeek R1 performs as well as o1."), [])]
    [('parity', 'o1')]
    >>> parity_claims(_demo("Is SMIC on par with Intel?"), [])
    []
    """
    text = ctx.text
    out: list[Draft] = []
    if text.rstrip("\"'”’)!").endswith("?"):
        return out  # "SMIC is on par with Intel?": a question asserts nothing
    for m in _PARITY.finditer(text):
        if any((d["_lo"] if "_lo" in d else d["_pos"]) - 60 < m.start() < d["_pos"] + 60 for d in taken):
            continue
        window = text[max(0, m.start() - 45): m.start()]
        if FUT.search(window) or (_UNASSERTED.search(window) and not _ABLE.search(window)) or (
                re.search(r"\bto\s+(?:be\s+)?$", window, re.I) and not _PAST_TO.search(window)):
            continue
        if _MONEY_BEFORE.search(text, max(0, m.start() - 50), m.start()):
            continue  # "its overall spending is similar to that of U.S. labs": cost, not capability
        if _HUMAN_REF.match(text, m.end()):
            continue  # "research on par with Nobel-winning discoveries": a milestone, not parity between rivals
        word = m.group(0).lower()
        inside = _ents_between(ctx, m.start(), m.end()) if m.group("level_of") else []
        # "now rival U.S. counterparts": the group finder read "rival U.S. counterparts" as one group
        inside = inside or [e for e in ctx.ents if e.kind == "GROUP" and e.start <= m.start() < e.end and
                            e.end > m.end()]
        ref = inside[0] if inside else _reference_after(ctx, m.end(), 50)
        subj = _subject_before(ctx, m.start())
        if subj is None and ref is None and " between " in word:
            # "the performance gap between US and Chinese AI has closed": the sides are inside the phrase
            inside = _ents_between(ctx, m.start(), m.end())
            subj, ref = (inside[0], inside[1]) if len(inside) >= 2 else (subj, ref)
        if _NEEDS_REF.search(word) and " between " not in word and (
                ref is None or any(d.bound == "ago" for _s, _e, d in ctx.dates)):
            continue  # "matched GPT-4" needs the comparator, and "six months ago, X matched Y" is an anchor
        if _blocked(ctx, m.start()):
            continue
        if out and (ref is None or any(o["_pos"] >= ref.start for o in out)):
            break  # one parity claim per comparator: "X is at the level of A, while Y is comparable to B" is two
        d = _draft(ctx, "gap", "parity", None, subj, ref, m.start())
        out.append(d)
        if ref is None:
            break
    return out

