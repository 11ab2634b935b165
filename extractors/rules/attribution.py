"""Who makes a claim: "according to X", "X said", "said X, a fellow at Y", "a report from X"."""

from __future__ import annotations

import re
from functools import lru_cache

from extractors.cues import cues
from extractors.models import find_mentions

# A proper name: capitalised words (with "of", "for", "and", … inside), a handle, or a camel-cased brand, and an
# optional parenthetical right after it ("Center for AI Standards (CAISI)", "Ray Kurzweil (Google)").
_NAME = (r"(?:@\w+|(?:[A-Z][\w.&'’-]*|[a-z]+[A-Z][\w.&'’-]*|\d+\.[A-Z]\w*)"
         r"(?:[ \t]+(?:[A-Z][\w.&'’-]*|of|for|and|&|de|at|the|von|van|on(?=[ \t]+(?!(?:Monday|Tuesday|"
         r"Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|"
         r"September|October|November|December)\b)[A-Z])))*"
         r"(?:[ \t]+\((?:[A-Z][\w.&'’/-]*(?:[ \t]+[\w.&'’/-]+){0,3}|[^\x00-\x7f]{1,12})\))?)")
_PRONOUNS = {"agi", "asi", "ai", "he", "she", "they", "it", "we", "i", "the", "this", "that", "these", "those", "you",
             "one", "many",
             "there", "here", "his", "her", "their", "its", "our", "my", "him", "them", "us", "me",
             "let's", "let’s", "lets"}  # "within, let's say, five years": a filler, not a speaker
# Nouns that make a phrase a source on its own ("a viral chart", "internal evaluations", "a team of researchers").
_SOURCE_NOUN = (r"(?:reports?|analys[ie]s|stud(?:y|ies)|papers?|surveys?|polls?|posts?|estimates?|memos?|notes?|data|"
                r"research|trackers?|charts?|index|leaderboards?|tally|evaluations?|assessments?|findings|forecasts?|"
                r"predictions?|projections?|timelines?|treatise|essays?|books?|scenarios?|verdict|calculations?|"
                r"analysts|experts|researchers|scientists|economists|insiders|sources?|observers|officials|"
                r"executives|critics|skeptics|sceptics|forecasters|bettors|traders|investors|engineers|team|group|"
                r"agency|institute|government|commission|council|community|public|panel|authors|media|outlets|"
                r"leaks|leakers|people|respondents|markets?|spokes(?:man|woman|person)|CEO|founder|chief|"
                r"executive|director|president|officials?|employees?|staff)")
# Crowd words that are sources when they report something ("as insiders report", "with leaks pointing to").
_CROWD = (r"(?:(?:some|many|several|multiple|other|industry|anonymous|unnamed|independent|leading|top|most|"
          r"western|chinese|american)\s+)?(?:insiders|sources|leaks|leakers|rumou?rs|analysts|experts|observers|"
          r"reports|critics|skeptics|sceptics|forecasters|bettors|researchers|scientists|economists)")
_SOURCE_RE = re.compile(rf"\b{_SOURCE_NOUN}\b", re.I)
_OWN = re.compile(r"\b(?:this|these|our|my|such)\b", re.I)  # the author's own reasoning ("a projection of this trend")
_ANAPHOR = re.compile(r"(?:the|this|that|these|those)\s+(?:report|study|analysis|paper|survey|authors|researchers|"
                      r"group|institute|tally|tracker|memo|researcher|analyst|executive|company|firm|lab|startup|"
                      r"evaluation|assessment|statement|CEO|founder|agency|team)", re.I)
# Verbs after which a side of the claim is not a source ("Chinese models show …"); speech verbs have no such limit.
_EVIDENCE_VERB = re.compile(r"(?:show|find|found|indicate|suggest|reveal|put|place|peg|report|confirm|provide|"
                            r"give|gave|offer)\w*$", re.I)
# A sentence-initial noun phrase that is a side of the claim ("Chinese models show …"), not its source.
_SIDE = re.compile(r"\b(?:models?|labs?|China|Chinese|US|U\.S\.|America\w*|companies|firms|systems|AI|LLMs?|"
                   r"open|closed|frontier|it|they|this|that|these|those|we|I)\b", re.I)
_SIDE_NAME = re.compile(r"(?:Chinese|American|US|U\.S\.|Western|Open|Closed|European|Korean|Japanese|Indian|French|"
                        r"German|British|Russian|Israeli|Emirati|Saudi)\b")
# Capitalised words that open a time or place phrase, not a name ("On Tuesday", "In March").
_NOT_NAME = re.compile(r"(?:On|In|At|By|For|From|With|Within|Without|Among|Amid|Across|Through|Beyond|Toward|Towards|"
                       r"Upon|After|Before|During|Since|Until|Last|This|Next|Early|Late|"
                       r"A|An|The|While|When|Whereas|Although|Though|But|And|However|So|Despite|If|Because|Once|"
                       r"Then|Now|Yet|Also|Still|Meanwhile|Instead|Indeed|Even|Just|Only|Here|There|What|Why|How|"
                       r"Who|Where|Which|As|He|She|They|It|We|I|You|His|Her|Their|Its|Our|My|"
                       r"One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|Many|Most|All|Both|Each|"
                       r"Every|Other|Another|No|These|Those|That|"
                       r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|"
                       r"June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|"
                       r"Nov|Dec|Not|Today|Yesterday|Established|Founded|Based|Launched|Released|Announced|Compared|"
                       r"Asked|Given|Overall|Ultimately|Moreover|Furthermore|Additionally|Similarly|"
                       r"[A-Z][a-z]+(?:ingly|edly|ably|ibly|antly|ently|ially|ously|ively|ully)|"
                       r"[A-Z][a-z]{2,}ing\s+(?:on|to|at|in|with|about|during|after|before|from)|According)\b")
_TIME_TAIL = re.compile(r"[ \t]+(?:on|in|last|this|next|earlier|later)[ \t]+(?:Monday|Tuesday|Wednesday|Thursday|"
                        r"Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|"
                        r"October|November|December|week|month|year)\b.*$")
# Every word capitalised, or a linking word: a name, not a clause ("She uses the brain to estimate …").
_NAME_LIKE = re.compile(r"(?:[A-Z0-9@][\w.&'’()/-]*|of|for|and|&|de|at|the|von|van|on)"
                        r"(?:[ \t]+(?:[A-Z0-9@(][\w.&'’()/-]*|of|for|and|&|de|at|the|von|van|on))*")
_MD_LINK = re.compile(r"\[([^\]\n]{1,80})\]\([^)\s]{1,300}\)")


_HEADLINE_VERB = re.compile(r"(?:Says|Said|Claims|Warns|Predicts|Thinks|Believes|Expects|Estimates|Argues|Tells|"
                            r"Admits|Reveals|Insists|Doubts|Sees)\b")


def _clean_name(name: str) -> str | None:
    n = name.strip(" ,.;:’'\"“”")
    n = re.sub(r"\s+(?:of|for|and|&|de|at|the|von|van)$", "", n)
    n = re.sub(r"^(?:The|A|An)\s+", "", n)
    n = re.sub(r"^(?:Even|Also|Now|Meanwhile|Still|Indeed|Yet|And|So|Then|Only|Just|However)\s+(?=[A-Z])", "", n)
    if re.search(r"\s(?:Really|Probably|Likely|Actually|Finally|Already|Soon|Will|Could|May|Might|Would|Should|Can)$",
                 n):
        return None  # a headline's words ("Will AI Really …"), not a name
    n = re.sub(r"['’]s$|(?<=s)['’]$", "", n)
    n = _TIME_TAIL.sub("", n)  # "OpenAI on Tuesday" → "OpenAI"
    if _NOT_NAME.match(n) or re.search(r"(?:^|\s)(?:I|I['’]\w+|We|You)$", n):
        return None  # "Previously I", "I'd": a pronoun, not a name
    if _HEADLINE_VERB.match(n):
        return None  # "Says Chinese AI Firms …": a headline's verb and its object, not a name
    if not n or n.lower() in _PRONOUNS or not (n[0].isupper() or n[0] in "@0123456789" or re.match(r"[a-z]+[A-Z]", n)):
        return None
    return n


def _clean_phrase(phrase: str) -> str | None:
    """A descriptive source kept as written ("an employee cited in the article", "The latest reports")."""
    p = phrase.strip(" ,.;:’'\"“”-*•#")
    p = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", p)  # "6.1 The public predicts …": a section number
    if not p or p.split()[0].lower() in _PRONOUNS - {"the", "this", "that", "these", "those", "one"} \
            or p.lower() in _PRONOUNS or _ANAPHOR.fullmatch(p):
        return None
    return p


@lru_cache(maxsize=1)
def _fragments() -> dict[str, str]:
    """The pattern pieces the attribution regexes share (verbs from patterns/cues.jsonl, source nouns, adverbs)."""
    verb = cues().attribution_verb
    # Headline case ("Hassabis Says China …") only before another capitalised word; never "United States".
    any_verb = rf"(?:{verb}|(?<!United\s)(?i:{verb})(?=\s+(?:[A-Z0-9\"“‘'$]|that\b)))"
    source = (r"(?:report|analysis|study|paper|survey|blog\s+post|post|estimate|estimates|memo|note|data|research|"
              r"tracker|chart|index|leaderboard|tally)")
    doc = (r"(?i:report|analysis|study|paper|survey|assessment|evaluation|estimate|forecast|projection|essay|"
           r"treatise|memo|note|blog\s+post|post|verdict|findings|scenario|chart|tally|ranking|calculations?|"
           r"prediction|timeline|outlook|review|answer|response|reply|remark|comment|statement|guess|bet|claim|finding|"
           r"view|take|proclamation|declaration|pledge|promise|vision|belief|expectation|assertion)s?")
    adv = r"(?:(?:currently|now|also|still|recently|previously|already|publicly|repeatedly|reportedly|further|then|" \
          r"once|all|both|even|long|again|just|first|later|since|[a-z]+ly)\s+)"
    speech = (r"say|says|said|told|tells|informed|added|wrote|writes|noted|notes|argued|argues|argue|warned|warns|"
              r"warn|estimated|estimates|estimate|believe|believes|believed|predicted|predicts|predict|explained|"
              r"stated|states|claimed|claims|claim|insisted|insists|cautioned|reckon|reckons|think|thinks|expect|"
              r"expects|contend|contends|disclosed|discloses|forecast|forecasts")
    gverb = rf"(?:{verb}|place|places|placed|pricing|price|(?<!United\s)(?i:{verb})(?=\s+(?:[A-Z0-9\"“‘'$]|that\b)))"
    np_word = r"(?!(?:is|are|was|were|be|been|has|have|had|that|who|which|will|would|could|may|might|can|should|but)\b)"
    det = r"(?:the|a|an|some|many|most|several|multiple)\b"
    # "As the report notes, …": a conjunction before the source phrase is skipped.
    generic = (rf"(?:^|\n)[-•*#>\s]*(?:\d+(?:\.\d+)*\.?\s+)?(?:(?:As|While|When|Although|Though|But|And|Yet|So|Now)"
               rf"[ \t]+(?={det}))?((?:[A-Z][\w’'-]*|{det})(?:[ \t]+{np_word}[\w’'().&/-]+)"
               rf"{{{{0,{{n}}}}}}?)(?:\s*,[^,]{{{{2,120}}}},|\s*[—–][^—–]{{{{2,120}}}}[—–])?\s+(?:(?:has|have|had)\s+)?{adv}?"
               rf"({gverb})\b")
    return {"verb": verb, "any_verb": any_verb, "source": source, "doc": doc, "adv": adv, "speech": speech,
            "gverb": gverb, "np_word": np_word, "generic": generic}


@lru_cache(maxsize=1)
def attr_res() -> dict[str, re.Pattern[str]]:
    """Attribution regexes, compiled once (they embed the cue lists from patterns/cues.jsonl)."""
    f = _fragments()
    return {**_source_res(f), **_speaker_res(f)}


def _source_res(f: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """Sources named by a phrase: "according to", "per", "a report from", "X's estimate", "X, who said"."""
    verb, source, doc, adv = f["verb"], f["source"], f["doc"], f["adv"]
    return {
        "according": re.compile(r"\b(?i:according\s+to)\s+([^;]{0,160}?)(?=[,;:!?()]|\.(?:\s|$)|$|\s+that\b)"),
        "by": re.compile(rf"\b(?:by|from|at|of)\s+(?:the\s+)?({_NAME})"),
        "lead_name": re.compile(rf"^(?:(?:a|an|the)\s+)?(?:new\s+|recent\s+|latest\s+)?"
                                rf"(?:(?!(?:with|of|at|to|in|on|for|from|by|close|familiar|who)\b)[a-z][\w-]*\s+)"
                                rf"{{0,3}}?({_NAME})"),
        "based_on": re.compile(rf"\b(?i:based\s+on)\s+(?:(?:a|an|the)\s+)?(?:new\s+|recent\s+|latest\s+)?({_NAME})"
                               rf"(?:['’]s)?\s+(?i:analysis|research|data|estimates?|report|assessment|survey|tracking)\b"),
        "lead": re.compile(rf"\b(?i:per|via|in\s+the\s+words\s+of)\s+(?:(?:a|an|the)\s+)?"
                           rf"(?:new\s+|recent\s+|latest\s+)?(?:{source}\s+(?:from|by|of)\s+)?"
                           rf"(?:[a-z][\w-]*\s+){{0,3}}?({_NAME})"),
        "made_by": re.compile(rf"\b(?:prediction|forecast|estimate|claim|assessment|view|warning|timeline|bet|"
                              rf"comment|remark)s?\s+"
                              rf"(?:by|from|of)\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?(?:like|such\s+as|including)\s+"
                              rf"({_NAME})|\b(?:prediction|forecast|estimate|claim|assessment|view|warning|timeline|"
                              rf"bet|comment|remark)s?\s+(?:by|from|of)\s+(?:the\s+)?({_NAME})"),
        "who": re.compile(rf"(?<![\w-])({_NAME}),\s+who\s+(?:\w+\s+)?(?i:{verb})\b"),
        # "A Chinese lab has released a model it claims matches GPT-5": the one releasing is the one claiming
        "self_claim": re.compile(r"(?:^|\n|,\s+with\s+)((?:[A-Z][\w.’'-]*|(?:a|an|the)\b)(?:[ \t]+[\w.’'-]+){0,5}?)"
                                 r"[ \t]+"
                                 r"(?:has\s+|have\s+)?(?:released|releasing|unveiled|unveiling|launched|launching|"
                                 r"introduced|introducing|announced|announcing|published|rolled\s+out|debuted)\b"
                                 r"[^.;]{0,160}?\b(?:that\s+|which\s+)?it\s+"
                                 r"(?:claims|says|said|claimed|asserts|boasts)\b"),
        # "Shane Legg … still gives even odds that AGI arrives by 2028"
        "odds_by": re.compile(rf"(?<![\w-])(?!{_NOT_NAME.pattern})({_NAME})\b[^.;:]{{0,60}}?\b"
                              rf"(?:gives|gave|puts|put|places|placed|assigns|assigned)\s+(?:even\s+|\d+(?:\.\d+)?\s*%\s+|(?:a|an)\s+[\w-]+\s+)?"
                              rf"(?:odds|probability|chance|likelihood)\b"),
        # "A report cited a research company as claiming that …": the one cited
        "cited": re.compile(r"\bcit(?:ed|es|ing)\s+((?:an?|the|some|two|three|several)\s+[^,;.]{2,60}?)\s+as\s+"
                            r"(?:saying|claiming|estimating|predicting|warning|arguing|stating)\b"),
        # "Sam Altman, the CEO of OpenAI, has made one of the boldest predictions …: AGI could arrive …"
        "made": re.compile(rf"(?<![\w-])({_NAME})(?:,[^,]{{2,80}},)?\s+(?:has\s+|have\s+|had\s+)?{adv}?"
                           rf"(?:made|given|offered|issued)\s+"
                           rf"(?:a|an|the|another|one\s+of\s+the|his|her|their|its)\s+(?:[\w-]+\s+){{0,3}}?"
                           rf"(?:predictions?|forecasts?|claims?|bets?|calls?|assessments?|estimates?|statements?|"
                           rf"remarks?|comments?)\b"),
        "source": re.compile(rf"\b(?:(?:a|an|the)\s+)?(?:new\s+|recent\s+|latest\s+)?{source}\s+(?:from|by)\s+"
                             rf"(?:the\s+)?({_NAME})"),
        "appositive": re.compile(rf"(?<![\w-])({_NAME}),\s+(?!(?:but|and|or|yet|so|while|whereas|although|though|"
                                 rf"because|which|as|if|when)\b)[^,]{{2,80}},\s+(?:(?:has|have|had)\s+)?{adv}?"
                                 rf"(?:{verb})\b"),
        # "Jensen Huang, the CEO of Nvidia — one of the companies … — predicts", "Mustafa Suleyman—Microsoft's CEO
        # of AI—recently outlined"
        "dash_appositive": re.compile(rf"(?<![\w-])({_NAME})(?:,[^,—–]{{2,80}})?\s*[—–]\s*[^—–]{{2,120}}[—–]\s*"
                                      rf"(?:(?:has|have|had)\s+)?{adv}?(?:{verb})\b"),
        "possessive": re.compile(rf"(?<![\w-])({_NAME})(?:\s+(?:community|team|forecasters|bettors|users))?"
                                 rf"(?:['’]s|(?<=s)['’])\s+(?:[\w-]+\s+){{0,3}}?{doc}\b"),
        "published": re.compile(rf"(?<![\w-])({_NAME})(?:,[^,]{{2,80}},)?\s+(?:(?:has|have|had)\s+)?{adv}?"
                                rf"(?:published|released|issued|produced|wrote|authored|ran|conducted|put\s+out|"
                                rf"shared|posted|unveiled|presented)\s+(?:a|an|the|its|their|his|her)\s+"
                                rf"(?:[^.;]{{0,60}}?\s)?{doc}\b"),
        "maintains": re.compile(rf"(?:^|[:;,]\s+|\n|[.!?]\s+)({_NAME})\s+{adv}?(?:maintains|maintained|reiterated|"
                                rf"reiterates|repeated|repeats|restated|stands\s+by|stood\s+by|sticks\s+(?:to|with)|"
                                rf"stuck\s+(?:to|with)|doubled\s+down\s+on)\s+(?:his|her|their|its)\b"),
        "agent": re.compile(rf"\b(?:assessed|measured|estimated|evaluated|compiled|predicted|forecast|projected|"
                            rf"calculated|tracked|reported|verified|confirmed|corroborated|cited|highlighted|noted|pointed\s+out|"
                            rf"argued|explained|observed|described|stated|suggested|flagged)\s+by\s+(?:the\s+)?"
                            rf"({_NAME}|(?:(?:multiple|several|many|two|three|various|other|independent|anonymous|"
                            rf"unnamed)\s+)?(?:sources|insiders|analysts|experts|researchers|reports|outlets))"),
        "called": re.compile(rf"\b(?:project|report|paper|study|scenario|essay|forecast|analysis|survey|"
                             rf"initiative|document)\s+(?:called|named|titled|entitled|dubbed)\s+"
                             rf"(?:[“\"]([^”\"]{{2,40}})[”\"]|({_NAME}))"),
    }


def _speaker_res(f: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """Speakers placed by a clause: "X said", "…, Y told", "A viral chart predicts", "insiders report"."""
    verb, any_verb, source, adv, speech = f["verb"], f["any_verb"], f["source"], f["adv"], f["speech"]
    gverb, np_word, generic = f["gverb"], f["np_word"], f["generic"]
    return {
        "saying": re.compile(rf"(?:^|[:,]\s+|\n)(?!{_NOT_NAME.pattern})({_NAME})(?:,[^,]{{2,80}},)?\s+"
                             rf"(?:[a-z]+ly\s+)?(?:is\s+|was\s+|has\s+)?"
                             rf"[a-z]+\b(?:[^.;:]|\.(?=\w)){{0,160}}?\b(?:saying|claiming|predicting|warning|arguing|insisting|"
                             rf"estimating|asserting|stating|declaring|boasting|telling\s+[^.;:\"“]{{0,60}}?\bthat)\b"),
        "crowd": re.compile(rf"\b({_CROWD})\s+(?:[a-z]+ly\s+)?(?:report|reported|say|said|suggest|suggested|"
                            rf"point(?:ing)?\s+to|claim|claimed|indicate|indicated|believe|expect|estimate|predict|"
                            rf"warn|insist|reckon)\b", re.I),
        "inverted": re.compile(rf"\b(?:{verb})\s+({_NAME})"),
        # "…, Sam Ito told reporters." / "The gap, analysts say, is …": a speaker clause after the claim.
        "trailing": re.compile(rf",[\"'”’]?\s+((?!(?:and|but|or|while|which|who|as|with|so|since|if|when|where|"
                               rf"although|though|because|he|she|they|it|we|i|you|around|about|in|at|on|by|for|from|to|of|after|before|"
                               rf"during|until|over|under|than|then|just|even|only|not|its|their|his|her)\b)"
                               rf"[\w@][\w.&'’-]*(?:\s+"
                               rf"(?!(?:is|are|was|were|has|have|had|will|would|that)\b)[\w.&'’()-]+){{0,6}}?)\s+"
                               rf"(?:(?:has|have|had)\s+)?{adv}?(?:{speech})\b(?:(?:\s+[^,;]{{0,60}})?[.!?\"”’']*\s*$|\s*,)"),
        "subject": re.compile(rf"(?<![\w-])({_NAME})(?:['’]s)?(?:\s+(?:(?:previous|first|latest|new|recent|own|"
                              rf"annual|latest)\s+)?(?:researchers|analysts|economists|scientists|"
                              rf"staff|team|engineers|founder|CEO|chief\s+executive|co-founder|president|"
                              rf"spokesperson|bettors|forecasters|community|users|{source}))?\s+"
                              rf"(?:(?:has|have|had)\s+)?(?:(?:is|are|was|were)\s+{adv}?(?=[a-z]+ing\b))?{adv}?"
                              rf"(?:{any_verb}|pricing|prices|price)\b"),
        "generic_that": re.compile(generic.format(n=12) + r"(?=\s+that\b)"),
        "generic": re.compile(generic.format(n=10)),
        # "…, but a leaked timeline hints that …": a source phrase opening a later clause.
        "clause": re.compile(rf"[,;]\s+(?:but|and|while|yet|as)\s+((?:a|an|the|some|many|several|multiple)\s+"
                             rf"[\w’'-]+(?:[ \t]+{np_word}[\w’'().&/-]+){{0,6}}?)\s+{adv}?({gverb})\b"),
        "verb_that": re.compile(rf"(?:{verb})\s+(?:that\s+)?", re.I),
    }


@lru_cache(maxsize=1)
def _gates() -> dict[str, re.Pattern[str]]:
    """Cheap word tests that every match of a rule needs: a sentence without them skips the rule's scan."""
    verb = re.compile(rf"(?i:{cues().attribution_verb})|\b(?:place[sd]?|pricing|prices?)\b")
    return {
        "verb": verb,
        "source": re.compile(r"\b(?:from|by)\b"),
        "appositive": verb, "dash_appositive": verb, "who": re.compile(r",\s+who\b"), "inverted": verb, "subject": verb,
        "self_claim": re.compile(r"\bit\s+(?:claims|says|said|claimed|asserts|boasts)\b"),
        "odds_by": re.compile(r"\b(?:odds|probability|chance|likelihood)\b"),
        "made_by": re.compile(r"\b(?:by|from|of)\b"),
        "published": re.compile(r"\b(?:published|released|issued|produced|wrote|authored|ran|conducted|put\s+out|"
                                r"shared|posted|unveiled|presented)\b"),
        "maintains": re.compile(r"\b(?:maintain|reiterat|repeat|restate|stands\s|stood\s|stick|stuck|doubled)"),
        "possessive": re.compile(r"\w['’]"),
        "agent": re.compile(r"\sby\s"),
        "cited": re.compile(r"\bcit(?:ed|es|ing)\b"),
        "made": re.compile(r"\b(?:made|given|offered|issued)\b"),
        "called": re.compile(r"\b(?:called|named|titled|entitled|dubbed)\b"),
        "saying": re.compile(r"\b(?:saying|claiming|predicting|warning|arguing|insisting|estimating|asserting|stating|"
                            r"declaring|boasting|telling)\b"),
        "crowd": re.compile(r"insiders|sources|leak|rumou?rs|analysts|experts|observers|reports|critics|skeptics|"
                            r"sceptics|forecasters|bettors|researchers|scientists|economists", re.I),
        "clause": re.compile(r"[,;]\s+(?:but|and|while|yet|as)\s"),
    }


def _search(key: str, text: str, r: dict[str, re.Pattern[str]]) -> re.Match[str] | None:
    gate = _gates().get(key)
    return r[key].search(text) if gate is None or gate.search(text) else None


def _generic(text: str, r: dict[str, re.Pattern[str]]) -> str | None:
    """A sentence-initial noun phrase before a reporting verb ("A viral chart predicts …", "Analysts estimate …")."""
    for key in ("generic_that", "generic"):
        m = r[key].search(text)
        if not m:
            continue
        np, v = m.group(1), m.group(2)
        if _ANAPHOR.fullmatch(np.strip()):
            return None  # "The report says …": the report named before (claims._carried_attribution)
        if _OWN.search(np):
            return None  # "A projection of this trend suggests …": the author's own reasoning
        has_source = _SOURCE_RE.search(np)
        if _SIDE.search(np) and not has_source and _EVIDENCE_VERB.match(v):
            continue
        if v in ("place", "places", "placed", "pricing") and not has_source:
            continue
        if _SIDE_NAME.match(np) and not has_source and len(np.split()) <= 2 and _EVIDENCE_VERB.match(v):
            continue
        article = np.split()[0].lower() in ("the", "a", "an")
        if not has_source and not article and not _NAME_LIKE.fullmatch(np):
            continue  # a clause, not a name ("She uses the brain to estimate …")
        who = _clean_name(np) if not has_source and not article else _clean_phrase(np)
        if who is None and article and not _SIDE.search(np):
            who = _clean_phrase(np)
        if who:
            return who
    return None


def _according(phrase: str, r: dict[str, re.Pattern[str]]) -> str | None:
    m = r["lead_name"].match(phrase)
    if m:
        name = _clean_name(m.group(1))
        if name:
            return name
    by = r["by"].search(phrase)
    if by:
        name = _clean_name(by.group(1))
        if name:
            return name
    words = phrase.split()
    if 0 < len(words) <= 10:
        return _clean_phrase(phrase)
    return None


def attribution(text: str) -> str | None:
    """Return who a sentence attributes the claim to, or None.

    >>> attribution("Chinese models are five months behind, according to a new report from Epoch AI.")
    'Epoch AI'
    >>> attribution("US labs lead by seven months, Jane Roe, an analyst at Foo Research, said.")
    'Jane Roe'
    >>> attribution("According to economist Mara Lind, open models trail by a year.")
    'Mara Lind'
    >>> attribution("The launch slipped to June, according to two people briefed on the plan.")
    'two people briefed on the plan'
    >>> attribution("A leaked roadmap suggests that the model ships in the fourth quarter.")
    'A leaked roadmap'
    >>> attribution("Quill Labs' spring analysis puts the lag at four months.")
    'Quill Labs'
    >>> attribution("The Bureau of Model Audits (BMA), based in Oslo, released its evaluation: the gap is a year.")
    'Bureau of Model Audits (BMA)'
    >>> attribution("Tom Vale maintains his forecast that AGI arrives by 2031.")
    'Tom Vale'
    >>> attribution("Nova Corp unveiled a chatbot on Monday, saying it matches the best US system.")
    'Nova Corp'
    >>> attribution("The release could come in May, as insiders report.")
    'insiders'
    >>> attribution("The chip is due in 2027, people close to the plan told a trade paper.")
    'people close to the plan'
    >>> attribution("The United States keeps a lead of seven months over China.") is None
    True
    >>> attribution("Open models are six months behind, she said.") is None
    True
    """
    text = _MD_LINK.sub(r"\1", text)
    r = attr_res()
    who = _named_source(text, r)
    if who is not None and _REPORTED_BY.search(text):
        # "…, Lee said at a forum, according to a CNBC report": the speaker, not the outlet that reported it
        speaker = _speaker_clause(text, r)
        if speaker is not None and _NAME_LIKE.fullmatch(speaker) and speaker != who:
            return speaker
    who = who or _speaker_clause(text, r)
    return _person_behind(who, text) if who else None


# A role between an organisation and a person: "Princeton AI expert Sayash Kapoor", "ASML CEO Christophe Fouquet",
# "Roey Tzezana, a fellow at the Tel Aviv Workshop, said".
_ROLE = (r"(?:expert|czar|tsar|CEO|chief(?:\s+executive)?|founder|co-founder|cofounder|president|chair(?:man|woman)?|"
         r"analyst|researcher|scientist|professor|minister|secretary|director|head|official|executive|investor|boss|"
         r"fellow|economist|engineer|spokes(?:man|woman|person)|adviser|advisor|partner|lead|CTO|CFO|COO|chief\s+\w+)")
_PERSON_AFTER = re.compile(rf"(?:\s+[a-z][\w-]*){{0,3}}?\s+{_ROLE}\s+((?:[A-Z][\w.'’-]+\s+){{1,2}}[A-Z][\w'’-]+)\b")
_PERSON_BEFORE = re.compile(rf"((?:[A-Z][\w.'’-]+\s+){{1,2}}[A-Z][\w'’-]+),\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?"
                            rf"{_ROLE}\s+(?:at|of|for|with|in)\s+(?:the\s+)?$")


def _person_behind(who: str, text: str) -> str:
    """The person an organisation name stands in front of ("ASML CEO Christophe Fouquet told …") or behind
    ("Roey Tzezana, a fellow at the Yuval Workshop, said"), else who itself."""
    at = text.find(who)
    if at < 0 or not who[:1].isupper():
        return who
    m = _PERSON_AFTER.match(text, at + len(who))
    if m and not _NOT_NAME.match(m.group(1)):
        return m.group(1)
    b = _PERSON_BEFORE.search(text, max(0, at - 160), at)
    if b and not _NOT_NAME.match(b.group(1)):
        return b.group(1)
    return who


_REPORTED_BY = re.compile(r"\baccording\s+to\s+(?:an?|the)\s+(?:[\w.’'-]+\s+){0,3}?(?:report|article|story|"
                          r"interview|post|piece|transcript)\b|"
                          # "…," Musk told a fund manager, per the Financial Times.': the outlet only relays it
                          r",\s+(?:per|via)\s+(?:the\s+)?(?-i:[A-Z][\w.&'’-]*)(?:\s+(?-i:[A-Z][\w.&'’-]*)){0,3}\s*[.!]?\s*$",
                          re.I)


def _named_source(text: str, r: dict[str, re.Pattern[str]]) -> str | None:
    """A source named by a phrase: "according to X", "a report from X", "X, who …", "X's estimate"."""
    m = r["according"].search(text)
    if m:
        # "According to a paper, Jo Kim, its author, believes …": the speaker right after the source is the claimant.
        rest = text[m.end():].lstrip(" ,")
        sm = r["appositive"].match(rest) or r["subject"].match(rest)
        name = _clean_name(sm.group(1)) if sm else None
        if name and not _SIDE_NAME.match(name):
            return name
        who = _according(m.group(1), r)
        if who:
            return who
    for key in ("lead", "based_on", "source", "appositive", "dash_appositive", "made_by", "who", "self_claim",
                "odds_by", "cited", "made",
                "published", "maintains",
                "possessive", "agent", "called"):
        m = _search(key, text, r)
        if m and key == "appositive":
            person = _described_person(text, m)
            if person:
                return person
        if m and key == "possessive":  # "A's remark contrasts with B's claim that …": the one stating the claim
            m = next((p for p in r[key].finditer(text) if re.match(r"\s*(?:that\b|:)", text[p.end():])), m)
        if m:
            name = next((g for g in m.groups() if g), "")
            name = _clean_name(name) or (name.strip() if key == "called" else
                                         _clean_phrase(name) if key in ("agent", "cited") else None)
            if name:
                return name
    return None


_PERSON = re.compile(r"(?:[A-Z][\w.'’-]+\s+){1,3}[A-Z][\w.'’-]+")


def _described_person(text: str, m: re.Match[str]) -> str | None:
    """ "The founder of Foo Labs, Ada Kim, has said …": the person between the commas, not the organisation that
    the description before them ends with."""
    mid = re.match(r",\s+([^,]{2,80}),", text[m.end(1):])
    role = _ROLE_NAME.fullmatch(m.group(1)) is not None  # "Baidu's billionaire CEO, Robin Li, assured …"
    if mid is None or not (role or re.search(r"\b(?:of|at|for|from|with)\s+(?:the\s+)?$", text[: m.start(1)])):
        return None
    name = mid.group(1).strip()
    return name if _PERSON.fullmatch(name) and not _NOT_NAME.match(name) else None


_ROLE_NAME = re.compile(r"(?:[A-Z][\w.&'’-]*\s+)*(?:CEO|CTO|COO|CFO|Chief|Founder|Co-founder|President|Chairman|"
                        r"Chairwoman|Head|Director|Minister|Secretary)")
_DESCRIBED = re.compile(r"(?:\s+[a-z][\w-]*){1,2}\s+([A-Z][\w.-]+(?:\s+[A-Z][\w.-]+)?)")


def _speaker_clause(text: str, r: dict[str, re.Pattern[str]]) -> str | None:
    """A speaker placed by a clause: "…, X said", "X argues", "A viral chart predicts", "insiders report"."""
    m = _search("inverted", text, r)
    if m and re.search(r",[\"'”’]?\s*$", text[: m.start()]):
        name = _clean_name(m.group(1))
        if name:
            return name
    m = r["trailing"].search(text)
    if m:
        name = _clean_name(m.group(1)) or _clean_phrase(m.group(1))
        if name:
            return name
    has_verb = _gates()["verb"].search(text) is not None
    for m in r["subject"].finditer(text) if has_verb else ():
        name = _clean_name(m.group(1))
        if name and not _SIDE_NAME.match(name):
            return name
    for m in r["saying"].finditer(text) if _gates()["saying"].search(text) else ():
        name = _clean_name(m.group(1))
        if name and _SIDE_NAME.match(name):
            # "Chinese AI startup DeepSeek has unveiled …, asserting that …": the name after the description
            named = _DESCRIBED.match(text, m.end(1))
            name = _clean_name(named.group(1)) if named else None
        if name and not _SIDE_NAME.match(name):
            return name
    who = _generic(text, r) if has_verb else None
    if who:
        return who
    m = _search("clause", text, r)
    if m and _SOURCE_RE.search(m.group(1)) and not _OWN.search(m.group(1)):
        return m.group(1)
    m = _search("crowd", text, r)
    return m.group(1) if m else None


@lru_cache(maxsize=1)
def _carry_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    subject = re.compile(rf"(?:^|[,:;]\s+|\n)(?!{_NOT_NAME.pattern})({_NAME})(?:,[^,]{{2,80}},)?\s+"
                         rf"(?:[a-z]+ly\s+)?[a-z]+\b")
    anaphor = re.compile(rf"\b{_ANAPHOR.pattern}\b", re.I)
    return subject, anaphor


def antecedent(text: str) -> str | None:
    """The named subject of a sentence: who a following "he" or "she" most likely is.

    >>> antecedent("Last spring, Dana Okafor, a former regulator, was talking to a Senate panel.")
    'Dana Okafor'
    >>> antecedent("China has closed much of the gap.") is None
    True
    """
    for m in _carry_res()[0].finditer(_MD_LINK.sub(r"\1", text)):
        name = _clean_name(m.group(1))
        if name and not _SIDE_NAME.match(name) and not _SIDE.fullmatch(name):
            return name
    return None


def anaphor(text: str) -> str | None:
    """A definite description that makes the claim ("The lab said …"), as written; used when nobody is named.

    >>> anaphor("The startup said its model matches the leader.")
    'The startup'
    """
    m = _carry_res()[1].search(text)
    return m.group(0) if m else None


@lru_cache(maxsize=1)
def _planner_re() -> re.Pattern[str]:
    adv = _fragments()["adv"]
    return re.compile(rf"(?:^|[:;,]\s+|\n)(?!{_NOT_NAME.pattern})({_NAME})(?:['’]s(?:\s+[\w-]+){{1,4}}?)?"
                      rf"(?:,[^,]{{2,80}},)?\s+{adv}?(?:plans|planned|intends|aims|hopes|"
                      rf"is\s+{adv}?(?:planning|preparing|working\s+(?:on|to|towards?)|aiming|hoping|gearing\s+up)|"
                      rf"(?:has\s+)?(?:revealed|announced|confirmed|said)\s+(?:that\s+)?it\s+(?:will|would|plans))\b")


def planner(text: str) -> str | None:
    """Who announces a plan the sentence reports: the maker of a release or capability plan is the one
    forecasting it ("Mistral AI plans to open-source …", "Baidu has revealed it will launch …").

    >>> planner("Quill Labs plans to release Wren 3 in the first half of 2027.")
    'Quill Labs'
    >>> planner("The model is planned for 2027.") is None
    True
    """
    for m in _planner_re().finditer(_MD_LINK.sub(r"\1", text)):
        name = _clean_name(m.group(1))
        if name and not _SIDE_NAME.match(name) and name.lower() not in _PRONOUNS:
            return name
    return None


def speakers(text: str) -> list[tuple[int, str]]:
    """Every "X says / X estimates / X, the CEO of Y, predicts" clause of a sentence, in order, as (offset, name):
    a sentence that quotes several people gives each claim the speaker whose clause it sits in.

    >>> speakers("Ada Park says 2027, Tom Vale estimates 2030, and Mira Chen predicts 2035.")
    [(0, 'Ada Park'), (20, 'Tom Vale'), (49, 'Mira Chen')]
    """
    text = _MD_LINK.sub(r"\1", text)
    if not _gates()["verb"].search(text):
        return []
    out: list[tuple[int, str]] = []
    for m in attr_res()["subject"].finditer(text):
        name = _clean_name(m.group(1))
        if name and not _SIDE_NAME.match(name) and (not out or out[-1][1] != name):
            out.append((m.start(1), name))
    return out


_PLACE_NAME = re.compile(r"China|America|Europe|India|Japan|Korea|South\s+Korea|Russia|Germany|France|Britain|Israel|"
                         r"Taiwan|Canada|Singapore|Silicon\s+Valley|Washington|Beijing|Shanghai|Shenzhen|Hangzhou|"
                         r"London|Paris|Brussels|Tokyo|Seoul|Congress|Senate|White\s+House")
_NOT_PERSON = re.compile(r"\b(?:Party|Models?|Group|Company|Institute|Labs?|Inc|Corp|University|Council|Committee|"
                         r"Commission|Ministry|Agency|Foundation|Times|Post|Journal|News|Review|Index|Report|"
                         r"Hundred|Thousand|Million|Billion|Act|Plan|Summit|Forum|Conference|Day|Week)\b")
_CAPS_RUN = re.compile(r"(?<![\w.’'-])[A-Z][a-z][\w’'-]*(?:\s+(?:[A-Z][a-z][\w’'-]*|(?:de|van|von|bin|al)\b))*")


def person_in(text: str) -> str | None:
    """The last person-like name of a sentence (capitalised words that are not a lab, a model, a country, a
    month or a sentence opener): whom a following "he" or "she" most likely means when no clause names a speaker
    ("Where Amodei departs from the skeptics … He says …").

    >>> person_in("Where Amodei departs from many skeptics is in his forecasts.")
    'Amodei'
    >>> person_in("OpenAI and China both released models in March.") is None
    True
    """
    found: list[str] = []
    for m in _CAPS_RUN.finditer(_MD_LINK.sub(r"\1", text)):
        words = m.group(0).split()
        lead = 0
        while lead < len(words) and _NOT_NAME.fullmatch(words[lead]):
            lead += 1  # "Where Amodei …": the opener goes, the name stays
        name = re.sub(r"['’]s?$", "", " ".join(words[lead:]))
        if not name or _SIDE_NAME.match(name) or _HEADLINE_VERB.match(name) or _PLACE_NAME.match(name) or (
                m.start() == 0 and lead == 0 and len(words) == 1) or _NOT_PERSON.search(name) or (
                " " not in name and len(name) < 4):
            continue
        models, orgs = find_mentions(name)
        if models or orgs or name.lower() in _PRONOUNS:
            continue
        found.append(name)
    return found[-1] if found else None

