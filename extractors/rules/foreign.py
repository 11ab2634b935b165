"""Claims written in languages other than English: parity ("auf Augenhöhe mit", "媲美", "rivalise avec"), gaps
in European languages ("six mois de retard", "drei bis sechs Monate hinter"), and dated milestone and release
forecasts ("AGI bis 2030", "2030年までにAGI", "lancera V4 en février").

The English families read tokens flagged by the English tokenizer's trigger words, which never fire on these
languages; CJK gaps have their own family (extractors.rules.cjk). This module reads the sentences of a document
that is not English (a cheap test: a CJK character, or too few English function words), one regex per family and
language group, with the English conventions: parity needs an AI topic in the sentence and is never negated,
asked or future; a gap needs a time unit tied to a behind/ahead word and is not "ago", "every" or a deadline; a
forecast needs a milestone (AGI, superintelligence) or a named model with a release word, a future or
prediction word, and a deadline that resolves to a date (a year, a month, a year's end; relative spans only
against a known publication date).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from extractors.dates import add_months, month_end
from extractors.models import find_mentions
from extractors.rules.cjk import cjk_gap_drafts, cjk_speaker, has_cjk

__all__ = ["foreign_drafts", "is_english"]

Draft = dict[str, Any]

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")
_EN_WORDS = frozenset({"the", "and", "of", "to", "is", "are", "that", "with", "for", "in", "on", "it", "was", "this",
                       "by", "at", "as", "from", "has", "have", "be", "will", "a", "an", "its", "their", "than"})
# Sentences: a stop (Latin or CJK) followed by space or end, or a line end.
_SENT = re.compile(r"[^\n。！？!?]+?(?:[.!?](?=\s|$)|[。！？]|\n|$)")


def is_english(text: str) -> bool:
    """Whether a text reads as English: at least one word in eight of its first 2,000 characters is an English
    function word ("the", "and", "of", …). CJK text and other languages fall below that. One split and a set
    lookup per word, no regex: it runs on every document.

    >>> is_english("Chinese models are five months behind the US frontier, the report says.")
    True
    >>> is_english("Die chinesischen Modelle liegen etwa sechs Monate hinter den amerikanischen.")
    False
    """
    words = text[:2000].lower().split()
    if len(words) < 5:
        return not has_cjk(text[:2000])
    return sum(w in _EN_WORDS for w in words) * 8 >= len(words)


# --- what the sentence is about ----------------------------------------------------------------------------

_AI_TOPIC = re.compile(
    r"(?<![A-Za-z0-9_-])(?:AI|A\.I\.|KI|IA|ИИ|LLM|LLMs|GPT[-\w.]*|IA\s+générative|intelligence\s+artificielle|"
    r"künstliche[rn]?\s+Intelligenz|inteligencia\s+artificial|inteligência\s+artificial|intelligenza\s+artificiale|"
    r"искусственн\w+\s+интеллект\w*|Sprachmodell\w*|modèles?\s+de\s+langage|modelos?\s+de\s+lenguaje|"
    r"modelos?\s+de\s+linguagem|modell[oi]\s+linguistic\w*|Chatbot\w*|chatbot\w*|Modell\w*|modèles?|modelos?|"
    r"modell[oi]|модел\w+|Chips?|puces?|semi-?conduct\w+|Halbleiter\w*)(?![A-Za-z0-9_])"
    r"|人工智能|人工智慧|人工知能|大模型|模型|モデル|生成AI|生成式|인공지능|모델|반도체|芯片|晶片|半导体|半導體|半導体|算力")

# --- parity --------------------------------------------------------------------------------------------------

_PARITY = re.compile(
    # German
    r"auf\s+Augenhöhe|gleichauf|ebenbürtig|vergleichbar(?:e[nmrs]?)?\s+mit|gleichgezogen|zieh\w*\s+(?:\w+\s+){0,4}gleich|"
    r"(?:hat|haben|hätten)\s+(?:\w+\s+){0,3}aufgeholt|(?:Lücke|Abstand|Rückstand)\s+(?:\w+\s+){0,3}(?:geschlossen|"
    r"aufgeholt|verschwunden)|auf\s+(?:dem\s+)?(?:gleichen\s+|selben\s+)?Niveau\s+(?:von|wie)|mithalten|"
    r"konkurrenzfähig\s+mit|gleichwertig|"
    # French
    r"au\s+(?:même\s+)?niveau\s+(?:de|d['’]|des|du|que)|à\s+égalité\s+avec|rivalis\w*\s+avec|comparables?\s+(?:à|aux|au)|"
    r"aussi\s+performant\w*\s+que|(?:a|ont)\s+(?:\w+\s+){0,2}rattrapé|(?:a|ont)\s+comblé\s+(?:\w+\s+){0,2}(?:retard|écart)|"
    r"égal(?:e|er|ent|é)\s+(?:les?|la|ceux|celles)|d['’]égal\s+à\s+égal|au\s+coude-à-coude|"
    # Spanish / Portuguese / Italian
    r"a\s+la\s+par|al\s+(?:mismo\s+)?nivel\s+de|a\s+la\s+altura\s+de|comparables?\s+(?:a|al|con)\s|rivaliz\w*\s+con|"
    r"(?:ha|han)\s+alcanzado|(?:ha\s+|han\s+)?(?:cerrado|cerró|cerraron)\s+(?:la\s+)?brecha|mismo\s+nivel\s+que|igual(?:a|an|ó|aron)\s|"
    r"à\s+altura\s+d[eoa]s?|no\s+mesmo\s+nível|compar[áa]ve(?:l|is)\s+(?:a|ao|aos|à|com)\s|rivaliz\w*\s+com|"
    r"equipar[áa]ve(?:l|is)|par\s+a\s+par|(?:ao|no)\s+nível\s+d[eoa]s?|(?:alcançou|alcançaram)\s|"
    r"alla\s+pari|al(?:lo)?\s+(?:stesso\s+)?livello\s+d[ie]|paragonabil[ei]\s+a|rivaleggi\w*|(?:ha|hanno)\s+raggiunto|"
    r"in\s+grado\s+di\s+competere\s+con|"
    # Russian / Dutch / Polish
    r"на\s+уровне|наравне|сопоставим\w*|сравнял\w*|догнал\w*|не\s+уступа\w*|"
    r"evenaar\w*|op\s+gelijke\s+hoogte|vergelijkbaar\s+met|porównywaln\w+\s+z|dorównuj\w+|na\s+równi|"
    # Chinese / Japanese / Korean
    r"比肩|媲美|不相上下|旗鼓相当|旗鼓相當|并驾齐驱|並駕齊驅|平起平坐|分庭抗礼|分庭抗禮|不分伯仲|追平|打平|"
    r"(?:已经?|已經)?(?:赶上|趕上|追上)|(?:达到|達到|接近)[^，。,]{1,24}?(?:水平|水准|水準|级别|級別)|"
    r"(?:与|和|跟|同|與)[^，。,]{1,30}?(?:相当|相當|持平|相媲美|一样|一樣|同等)|全面对标|全面對標|对标|對標|"
    r"(?:差距|差別)(?:已经?|已經)?(?:消失|抹平|基本消除|不复存在)|"
    r"肩を並べ|匹敵|同等(?:の|な)?(?:性能|水準|レベル)|同水準|遜色(?:ない|なく)|互角|追いつ(?:いた|いて)|"
    r"대등|비슷한\s*수준|맞먹|동등한?|필적|따라잡(?:았|은)|격차(?:가|는)?\s*(?:거의\s*)?(?:없어|사라|해소)")
_PARITY_NOT = re.compile(
    r"(?<![\w])(?:nicht|kein\w*|nie|pas|jamais|ni|no|nunca|não|nunca|non|mai|не|нет|niet|geen|nie)\s+(?:\w+\s+){0,3}$|"
    r"(?:不|没|沒|未|無|无|非)[^，。,]{0,10}$", re.I)
# Korean and Japanese put the negation after the phrase ("동등한 수준은 아니지만", "同等ではない").
_NOT_AFTER = re.compile(r"[^,，。.]{0,12}?(?:아니|않|없|ではな|じゃな|ない|せず)|"
                        r"[^,，。.]{0,25}?(?:수\s*있|것(?:으로|이)|예정|전망|계획|할\s*것|見込み|予定|だろう)")
# Parity with people ("인간과 대등한", "le niveau de l'humain") is a milestone, not a gap between rivals.
_HUMAN_SIDE = re.compile(r"인간|사람|뇌|人类|人類|人間|Mensch|humain|humano|umano|человек", re.I)
# "the share of start-ups and big firms is about equal": a count or a price, not capability
_NOT_CAPABILITY = re.compile(r"占比|比例|份额|份額|数量|數量|价格|價格|成本|收入|营收|營收|市场|市場|市占|점유율|가격|"
                             r"Preis|Kosten|Umsatz|prix|coûts?|precio|costos?|preço|custos?|prezz[oi]|costi|цен\w*")
_FUTURE_NEAR = re.compile(
    r"(?<![\w])(?:wird|werden|würde|könnte|soll|dürfte|va|vont|pourrait|pourraient|devrait|podría|podrá|va\s+a|"
    r"aura|aurons|auront|sera|serons|seront|serait|seraient|tendrá|tendremos|tendrán|terá|teremos|terão|avrà|avremo|"
    r"vai|poderá|poderia|potrebbe|potrà|будет|может|сможет|zal|kan)\s+(?:\w+\s+){0,4}$|"
    r"(?:将|將|会|會|有望|预计|預計|可能|要|需要|还需|還需|才能|就能|能够|能夠|目标|目標|计划|計劃|为了|為了)[^。]{0,24}$|"
    r"(?<![\w])(?:per|pour|para|um|afin\s+de|in\s+order\s+to|to)\s+(?:\w+\s+){0,4}$", re.I)

# --- gaps in European languages -----------------------------------------------------------------------------

_WORD_NUM = {
    "ein": 1, "eine": 1, "einem": 1, "einen": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "zwölf": 12, "achtzehn": 18, "halbes": 0.5, "anderthalb": 1.5,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "six": 6, "onze": 11, "douze": 12, "dix-huit": 18, "vingt": 20, "quinze": 15, "uno": 1, "una": 1, "dos": 2,
    "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "dieciocho": 18, "um": 1, "uma": 1, "dois": 2,
    "duas": 2, "três": 3, "quatro": 4, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "doze": 12, "dezoito": 18,
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "dieci": 10, "dodici": 12,
    "diciotto": 18, "один": 1, "одного": 1, "два": 2, "двух": 2, "три": 3, "трёх": 3, "трех": 3, "четыре": 4,
    "пять": 5, "шесть": 6, "полгода": 6, "een": 1, "twee": 2, "drie": 3, "vijf": 5, "zes": 6}
_NUMW = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(map(re.escape, _WORD_NUM), key=len, reverse=True)) + ")"
_UNITS = {"month": r"Monat\w*|mois|mes(?:es)?|mês|mesi?|месяц\w*|maand\w*|miesi\w+",
          "year": r"Jahr\w*|ans?|années?|año|años|anos?|ann[oi]|год\w*|лет|jaar|lat|rok\w*",
          "week": r"Woche\w*|semaines?|semanas?|settiman[ae]|недел\w+|we(?:ek|ken)"}
_GAP_SPAN = re.compile(
    rf"(?<![\w-])(?P<a>{_NUMW})(?:\s*(?:-|–|bis|à|a|ou|o|oder|tot|до|или|e|y)\s*(?P<b>{_NUMW}))?\s+"
    rf"(?P<u>{'|'.join(_UNITS.values())})(?![\w])", re.I)
_BEHIND_W = re.compile(r"hinter\w*|Rückstand\w*|zurück\w*|retard\w*|derrière|retras\w*|detrás|atrás|atras\w*|"
                       r"defasage\w*|ritard\w*|indietro|dietro|отста\w+|позади|achter\w*|za\s+\w+|gap|écart|brecha|"
                       r"divario|разрыв\w*|Abstand|Lücke", re.I)
_AHEAD_W = re.compile(r"Vorsprung\w*|voraus|vorne|avance|d['’]avance|ventaja|por\s+delante|adelante|vantag\w+|"
                      r"à\s+frente|vantaggio|avanti|davanti|опережа\w+|впереди|voorsprong|voor\b", re.I)
_NOT_GAP = re.compile(r"(?<![\w])(?:vor|il\s+y\s+a|hace|há|fa|назад|geleden|temu|alle|tous\s+les|toutes\s+les|"
                      r"cada|ogni|каждые|elke|co|in|dans|en|tra|fra|em|через|binnen|innerhalb|d['’]ici|dentro)"
                      r"\s+(?:\w+\s+){0,1}$", re.I)
_AGO_AFTER = re.compile(r"\s*(?:fa|назад|geleden|temu|später|plus\s+tard|después|depois|dopo)\b", re.I)

# --- forecasts -----------------------------------------------------------------------------------------------

_MILESTONE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:AGI|ASI|IAG|IAGs?|AGIs?|Superintelligenz|superintelligence|superinteligencia|superinteligência|"
    r"superintelligenza|сверхинтеллект\w*|singularit\w+|Singularität|сингулярност\w+|"
    r"(?:künstliche|allgemeine)\s+(?:allgemeine\s+)?Intelligenz|intelligence\s+artificielle\s+générale|"
    r"inteligencia\s+artificial\s+general|inteligência\s+artificial\s+geral|intelligenza\s+artificiale\s+generale|"
    r"общ\w+\s+искусственн\w+\s+интеллект\w*|Super-?KI|KI\s+auf\s+menschlichem\s+Niveau|"
    r"(?:klüger|schlauer|intelligenter)\s+als\s+(?:der|die|alle|jeder|jeden)\s+\w*\s*Mensch\w*|"
    r"plus\s+intelligente?s?\s+que\s+(?:l['’]homme|les\s+humains|tout\s+humain)|"
    r"más\s+inteligente\s+que\s+(?:los\s+humanos|cualquier\s+humano|el\s+ser\s+humano)|"
    r"mais\s+inteligente\s+(?:do\s+)?que\s+(?:o\s+mais|os\s+humanos|qualquer\s+humano)|"
    r"più\s+intelligente\s+(?:dell['’]uomo|degli\s+umani|di\s+qualsiasi)|умнее\s+(?:человека|людей)|"
    r"(?:desempenho|rendimiento|performance|Leistung)\s+(?:humano|humana|humaine|menschliche))(?![A-Za-z0-9_-])|"
    r"超越人类|超越人類|人类水平|人類水平|人間を超え|人間より賢|인간을\s*(?:넘어|뛰어넘)|인간\s*수준|"
    r"通用人工智能|超级智能|超級智能|超人工智能|汎用人工知能|人工超知能|超知能|범용\s*인공지능|초지능|인공\s*초지능|특이점|"
    r"奇点|奇點|シンギュラリティ")
# A lead taken or kept ("détrônera les États-Unis", "2030年之前超越美国"): a forecast when a country is named.
_LEAD_W = re.compile(r"überhol\w*|überflügel\w*|dépass\w*|détrôn\w*|supera\w*|ultrapass\w*|sorpass\w*|обгон\w*|"
                     r"обогна\w*|превзо\w*|перегна\w*|inhal\w*|超越|反超|赶超|趕超|超过|超過|追い越|追い抜|앞지르|앞설|추월|"
                     r"dominante?|dominan\w+|主导地位|主導地位|领导者|領導者|リーダー", re.I)
# Negated or already done: "ainda não veremos a AGI", "AGI wird nicht vor 2040 kommen", "已推出".
_FORECAST_NOT = re.compile(r"(?<![\w])(?:não|nicht|kein\w*|pas|jamais|no|nunca|non|mai|не|нет|niet|geen)(?![\w])|"
                           r"已经?|已經|曾经|曾經|すでに|既に|이미", re.I)
_NEGATED_AFTER = re.compile(r"[^。.]{0,20}?(?:計画はない|予定はない|ことはない|않을|않는다|없다|없을)")
_RELEASE_W = re.compile(
    r"veröffentlich\w*|vorstell\w*|erschein\w*|lancer\w*|lancement|lancera\w*|sortie|sortira|publier|lanza\w*|"
    r"lanzamiento|publicar\w*|lança\w*|lançamento|rilasci\w*|lancio|lancer\w*|выпуст\w*|выход\w*|релиз|"
    r"发布|發布|推出|上线|上線|亮相|面世|リリース|公開|発表|投入|출시|공개|발표", re.I)
_FUTURE_W = re.compile(
    r"(?<![\w])(?:wird|werden|soll|sollen|dürfte|könnte|erwart\w*|prognostiz\w*|vorhersag\w*|rechnet|glaubt|plant|"
    r"va|vont|devrait|pourrait|prévoit|prévu\w*|prédit|estime|attendu\w*|pense|sera|seront|"
    r"será|serán|podría|prevé|previsto|espera\w*|predice|cree|planea|"
    r"vai|deverá|poderá|pode|podem|possa|prevê|previsto|acredita|acreditam|puede|pueden|pueda|peut|peuvent|"
    r"kann|können|potrebbe|possa|могут|pronostica|anticipa|"
    r"sarà|saranno|potrebbe|prevede|previsto|attes[oa]|ritiene|"
    r"будет|будут|может|прогноз\w*|ожида\w*|считает|планирует)(?![\w])|"
    r"将|將|会|會|有望|预计|預計|预测|預測|计划|計劃|预期|預期|或将|或將|可能|"
    r"予定|見込み|予測|予想|だろう|見通し|計画|する見通し|"
    r"예정|전망|예상|예측|계획|것으로|될\s*것", re.I)
_PLACES = {"CN": r"China|Chine|Cina|Chinas?|chinesisch\w*|chinois\w*|chin[oa]s?|cinesi|Китай\w*|китайск\w+|"
                 r"中国|中國|중국",
           "US": r"USA|US|Etats-Unis|États-Unis|EE\.?\s?UU\.?|Estados\s+Unidos|Stati\s+Uniti|США|Amerika|"
                 r"amerikanisch\w*|américain\w*|estadounidense\w*|americano\w*|americani|美国|美國|米国|미국"}
_PLACE_RE = {k: re.compile(rf"(?<![\w]){v}(?![\w])") for k, v in _PLACES.items()}

# Deadlines: years with a "by / before / in / end of" word of each language, and CJK year and month forms.
_YEAR = r"(?:19|20)\d\d"
_EU_MONTHS = {
    1: "janvier|januar|jänner|enero|janeiro|gennaio|января|januari",
    2: "février|februar|febrero|fevereiro|febbraio|февраля|februari", 3: "mars|märz|marzo|março|марта|maart",
    4: "avril|april|abril|aprile|апреля", 5: "mai|mayo|maio|maggio|мая|mei", 6: "juin|juni|junio|junho|giugno|июня",
    7: "juillet|juli|julio|julho|luglio|июля", 8: "août|august|agosto|августа|augustus",
    9: "septembre|september|septiembre|setembro|settembre|сентября",
    10: "octobre|oktober|octubre|outubro|ottobre|октября", 11: "novembre|november|noviembre|novembro|ноября",
    12: "décembre|dezember|diciembre|dezembro|dicembre|декабря|december"}
_EU_MONTH_ALT = "|".join(_EU_MONTHS.values())
_BEFORE = (r"avant|vor|antes\s+de|prima\s+del?|до|voor|przed")
_BY = (r"bis(?:\s+(?:spätestens|zum\s+Jahr))?|d['’]ici(?:\s+à)?|para|até|entro\s+il|entro|к|tegen|do|pour|"
       r"spätestens|au\s+plus\s+tard\s+en|hasta")
_END = r"(?:bis\s+)?(?:Ende|fin|finales?\s+de|fim\s+de|final\s+de|fine|конц[ае])\s+(?:de\s+|d['’]|del\s+)?"
_EU_DEADLINE = re.compile(
    rf"(?<![\w])(?:(?P<end>{_END}(?:des\s+)?(?:Jahres\s+|l['’]année\s+|año\s+|ano\s+|anno\s+|года\s+)?)"
    rf"|(?P<before>{_BEFORE})\s+(?:l['’]an\s+|dem\s+Jahr\s+|el\s+año\s+|o\s+ano\s+|l['’]anno\s+|)"
    rf"|(?P<by>{_BY})\s+(?:l['’]an\s+|el\s+año\s+|o\s+ano\s+|)"
    rf"|(?P<between>zwischen|entre|tra\s+il|fra\s+il|tussen|между|de|desde|von)\s+"
    rf"|(?P<in>en|in|im\s+Jahr|em|já\s+em|nel|dès|desde|schon|в|por\s+volta\s+de|vers|um|gegen|hacia|"
    rf"alrededor\s+de|intorno\s+al)\s+)?"
    rf"(?:(?P<month>{_EU_MONTH_ALT})\s+(?:de\s+|del\s+|d['’])?)?(?P<y>{_YEAR})(?:\s*(?:-|–|oder|ou|o|или|bis|à|a|"
    rf"und|et|y|e\s+il|e|en|и)\s*"
    rf"(?P<y2>{_YEAR}))?(?![\d])", re.I)
_CJK_DEADLINE = re.compile(
    rf"(?P<y>{_YEAR})\s*(?:年|년)(?!\s*\d{{1,2}}\s*(?:月|월)\s*\d{{1,2}}\s*(?:日|일))"
    rf"(?:\s*(?:-|–|~|〜|至|到|或)\s*(?P<y2>{_YEAR})\s*(?:年|년))?"
    rf"(?:\s*(?P<m>\d{{1,2}})\s*(?:月|월)(?!\s*\d))?\s*(?P<tail>前(?![後后])|以前|之前|底|末|年末|年底|までに|まで|까지|이전|전|안에|内|內|中)?")
_CJK_MONTH = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月(?!\s*\d)\s*(?P<part>上旬|中旬|下旬|初|底|末)?")
_CJK_REL = re.compile(r"(?P<n>\d{1,2})\s*(?:年|년)\s*(?:以内|以內|内|內|이내|내|안에|後|后|후)")
# Relative spans: "innerhalb von 3-5 Jahren", "dans les cinq prochaines années", "nos próximos 5 a 10 anos",
# "entro 5-10 anni", "en los próximos meses"; dated against the publication date when it is known.
_REL_UNIT = (r"(?P<ru>Jahr\w*|ans|années|años|anos|anni|лет|года|jaar|Monat\w*|mois|meses|mesi|месяц\w*|maanden|"
             r"Jahrzehnt\w*|décennies?|décadas?|decenni?o?)")
_EU_REL = re.compile(
    r"(?<![\w])(?:innerhalb\s+(?:von\s+|der\s+nächsten\s+)?|in\s+(?:den\s+nächsten\s+)?|"
    r"dans\s+(?:les\s+)?(?:prochaines?\s+)?|d['’]ici\s+|en\s+(?:los\s+|las\s+)?(?:próxim[oa]s\s+)?|dentro\s+de\s+|"
    r"(?:em|nos)\s+(?:até\s+|próximos\s+)?|entro\s+(?:i\s+prossimi\s+)?|nei\s+prossimi\s+|tra\s+|fra\s+|через\s+|"
    r"binnen\s+|(?:mais|más|plus|mehr)\s+(?:de|als)\s+|(?:in|em|en)\s+menos\s+de\s+|in\s+meno\s+di\s+)"
    r"(?:(?P<n>\d{1,2}|" + "|".join(sorted(map(re.escape, _WORD_NUM), key=len, reverse=True)) + r")"
    r"(?:\s*(?:-|–|a|à|bis|à|e|y|oder|ou|o)\s*(?P<n2>\d{1,2}|" +
    "|".join(sorted(map(re.escape, _WORD_NUM), key=len, reverse=True)) + r"))?\s+)?"
    r"(?:(?:prochaines|nächsten|próximos|próximas|prossimi)\s+)?" + _REL_UNIT + r"(?![\w])", re.I)


def _before_month(y: int, m: int) -> date:
    return date(y, m, 1) - timedelta(days=1)


def _eu_deadlines(sentence: str, published: date | None) -> list[tuple[int, str, date | None, date | None]]:
    """(position, text, start, end) for each deadline in a European-language sentence."""
    out: list[tuple[int, str, date | None, date | None]] = []
    for m in _EU_DEADLINE.finditer(sentence):
        y, y2 = int(m.group("y")), int(m.group("y2")) if m.group("y2") else None
        if not (m.group("end") or m.group("before") or m.group("by") or m.group("in") or y2) or (
                m.group("between") and not y2):
            continue  # a bare year names a moment ("2023 a déclaré …"), not a deadline
        month = next((k for k, v in _EU_MONTHS.items() if m.group("month") and re.fullmatch(v, m.group("month"), re.I)),
                     None)
        last = y2 or y
        if m.group("before"):
            end = date(last - 1, 12, 31) if month is None else _before_month(last, month)
            out.append((m.start(), m.group(0).strip(), None, end))
            continue
        end = month_end(last, month) if month else date(last, 12, 31)
        start = date(y, month or 1, 1) if not m.group("by") else None
        if m.group("end"):
            start = date(last, 9, 1)
        out.append((m.start(), m.group(0).strip(), start, end))
    for m in _EU_REL.finditer(sentence):
        n = _number(m.group("n2") or m.group("n") or "")
        unit = 1.0 if re.match(r"(?i)mo|me|ма|мес", m.group("ru")) else 120.0 if re.match(
            r"(?i)jahrz|déc|déca|dec", m.group("ru")) else 12.0
        if published is not None and n is not None:
            out.append((m.start(), m.group(0).strip(), published, add_months(published, unit * n)))
        else:  # kept as written, undated ("innerhalb von 3-5 Jahren" with no publication date)
            out.append((m.start(), m.group(0).strip(), None, None))
    return sorted(out, key=lambda x: x[0])


def _cjk_deadlines(sentence: str, published: date | None) -> list[tuple[int, str, date | None, date | None]]:
    out: list[tuple[int, str, date | None, date | None]] = []
    taken: list[tuple[int, int]] = []
    for m in _CJK_DEADLINE.finditer(sentence):
        y, y2 = int(m.group("y")), int(m.group("y2")) if m.group("y2") else None
        last = y2 or y
        month = int(m.group("m")) if m.group("m") and 1 <= int(m.group("m")) <= 12 else None
        tail = m.group("tail") or ""
        if tail in ("前", "以前", "之前", "이전", "전"):
            end = date(last - 1, 12, 31) if month is None else _before_month(last, month)
            start = None
        else:
            end = month_end(last, month) if month else date(last, 12, 31)
            start = None if tail in ("までに", "まで", "까지", "안에", "内", "內") else date(y, month or 1, 1)
            if tail in ("底", "末", "年末", "年底"):
                start = date(last, 9, 1)
        out.append((m.start(), m.group(0), start, end))
        taken.append((m.start(), m.end()))
    if published is not None:
        for m in _CJK_MONTH.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            month = int(m.group("m"))
            if not 1 <= month <= 12:
                continue
            year = published.year + (1 if month < published.month - 1 else 0)
            part = m.group("part") or ""
            end = month_end(year, month) if part not in ("上旬", "初") else date(year, month, 10)
            if part == "中旬":
                end = date(year, month, 20)
            out.append((m.start(), m.group(0), date(year, month, 1), end))
        for m in _CJK_REL.finditer(sentence):
            out.append((m.start(), m.group(0), published, add_months(published, 12 * int(m.group("n")))))
    return sorted(out, key=lambda x: x[0])


_NAME = r"(?:[A-ZÀ-ÞА-Я][\w’'.-]+)(?:\s+(?:de|von|van|da|di|del|der|la|le)?\s*[A-ZÀ-ÞА-Я][\w’'.-]+){0,3}"
_SAYS_EU = (r"(?:a\s+|hat\s+|ha\s+|ont\s+|haben\s+)?(?:déclaré|déclare|estime|estimé|affirme|affirmé|prédit|pense|"
            r"explique|expliqué|sagte|sagt|erklärte|erklärt|glaubt|meint|schätzt|prognostiziert|prophezeit|erwartet|"
            r"dijo|dice|afirmó|afirma|aseguró|asegura|cree|estima|predijo|disse|diz|afirmou|acredita|prevê|"
            r"detto|dichiarato|afferma|ritiene|prevede|заявил\w*|сказал\w*|считает|уверен|verklaarde|zei)")
_SPEAKER_EU = (
    re.compile(rf"(?<![\w])(?i:selon|laut|según|segundo|secondo|d['’]après|volgens|по\s+словам|according\s+to)\s+"
               rf"(?:(?:le|la|les|der|die|dem|den|el|los|o|a|il|lo)\s+)?(?:[a-zà-ÿ-]+\s+){{0,3}}?(?P<who>{_NAME})"),
    re.compile(rf"(?P<who>{_NAME})(?:,[^,]{{2,80}},)?\s+{_SAYS_EU}(?![\w])"),
    re.compile(rf"{_SAYS_EU}\s+(?P<who>{_NAME})"),
)
_NOT_SPEAKER = re.compile(r"^(?:Le|La|Les|Der|Die|Das|El|Los|Las|O|A|Il|Lo|Un|Une|Ein|Eine|Im|In|En|Dans|Mit|Con|Com|"
                          r"Pour|Für|Para|Per|Et|Und|Y|E|Mais|Aber|Pero|Mas|Ma|Ce|Cette|Dieser|Diese|Este|Esta|Questo|"
                          r"Questa|Selon|Laut|Según|Segundo|Secondo|KI|IA|AI)$")


_PRONOUN_SOURCE = re.compile(r"(?i:selon|secondo|según|segundo|laut|d['’]après)\s+"
                             r"(?:lui|elle|él|ella|ele|ela|lei|ihm|ihr)\b|"
                             r"^\W*(?:Il|Elle|Er|Sie|Él|Ella|Ele|Ela|Lui|Lei)\s+(?:\w+\s+){0,2}?" + _SAYS_EU)
_FULL_NAME = re.compile(r"(?<![\w])(?:[A-ZÀ-Þ][a-zà-ÿ’'-]+)(?:\s+[A-ZÀ-Þ][a-zà-ÿ’'-]+){1,2}")


def _eu_speaker(sentence: str, before: list[str]) -> str | None:
    """Who says it in a European-language sentence (or one of the two before): "selon X", "X a déclaré"; for
    "selon lui" / "Er sagte", the first full name of the sentences before."""
    if _PRONOUN_SOURCE.search(sentence.strip()):
        for text in reversed(before[-2:]):
            for m in _FULL_NAME.finditer(text):
                if not _NOT_SPEAKER.match(m.group(0).split()[0]) and _side(m.group(0), 0, len(m.group(0))) is None:
                    return m.group(0)
    for text in (sentence, *reversed(before[-2:])):
        for rx in _SPEAKER_EU:
            for m in rx.finditer(text):
                who = m.group("who").strip(" .,")
                if not _NOT_SPEAKER.match(who) and _side(who, 0, len(who)) is None:
                    return who
    return None


def _side(sentence: str, lo: int, hi: int) -> str | None:
    for country, rx in _PLACE_RE.items():
        if rx.search(sentence, lo, hi):
            return country
    return None


def _base(sentence: str, start: int) -> Draft:
    return {"direction": None, "months_low": None, "months_high": None, "approximate": False, "subject": None,
            "subject_group": {}, "reference": None, "reference_group": {}, "models": [], "confidence": 0.5,
            "attributed_to": None, "sentence": sentence.strip(), "start_char": start,
            "end_char": start + len(sentence.rstrip())}


def _parity(sentence: str, start: int, topic: bool) -> list[Draft]:
    if not topic or sentence.rstrip(" \"'”’)»」").endswith(("?", "？")):
        return []
    for m in _PARITY.finditer(sentence):
        before = sentence[max(0, m.start() - 40): m.start()]
        if _PARITY_NOT.search(before) or _FUTURE_NEAR.search(before) or _NOT_AFTER.match(sentence, m.end()) or \
                _NOT_CAPABILITY.search(sentence, max(0, m.start() - 30), m.end()) or \
                _HUMAN_SIDE.search(sentence, max(0, m.start() - 15), min(len(sentence), m.end() + 15)):
            continue
        d = _base(sentence, start)
        subj, ref = _side(sentence, 0, m.start()), _side(sentence, m.end(), len(sentence))
        d.update({"kind": "gap", "direction": "parity", "timeframe": "current", "hedged": False,
                  "subject_group": {"country": subj} if subj else {},
                  "reference_group": {"country": ref} if ref and ref != subj else {}})
        return [d]
    return []


def _unit_months(unit: str) -> float:
    u = unit.lower()
    for kind, alt in _UNITS.items():
        if re.fullmatch(alt, u, re.I):
            return {"month": 1.0, "year": 12.0, "week": 12.0 / 52}[kind]
    return 1.0


def _number(token: str) -> float | None:
    t = token.lower().replace(",", ".")
    try:
        return float(t)
    except ValueError:
        return _WORD_NUM.get(t)


_VAGUE = re.compile(rf"(?<![\w])(?:einige|ein\s+paar|wenige|quelques|algunos|unos\s+pocos|pocos|alguns|poucos|alcuni|"
                    rf"pochi|qualche|несколько|enkele|kilka)\s+(?P<u>{_UNITS['month']}|{_UNITS['year']}|{_UNITS['week']})"
                    rf"(?![\w])", re.I)


def _vague(sentence: str, start: int) -> list[Draft]:
    """ "nur noch einige Monate hinter", "quelques mois de retard": a gap with no number (null/null)."""
    for m in _VAGUE.finditer(sentence):
        window = (max(0, m.start() - 90), min(len(sentence), m.end() + 40))
        if _NOT_GAP.search(sentence, 0, m.start()) or _AGO_AFTER.match(sentence, m.end()):
            continue
        b, a = _BEHIND_W.search(sentence, *window), _AHEAD_W.search(sentence, *window)
        if b is None and a is None:
            continue
        d = _base(sentence, start)
        d.update({"kind": "gap", "direction": "behind" if b is not None else "ahead", "timeframe": "current",
                  "hedged": False})
        return [d]
    return []


def _gaps(sentence: str, start: int, topic: bool) -> list[Draft]:
    if not topic:
        return []
    out: list[Draft] = []
    for m in _GAP_SPAN.finditer(sentence):
        if _NOT_GAP.search(sentence, 0, m.start()) or _AGO_AFTER.match(sentence, m.end()):
            continue
        if re.fullmatch(_YEAR, m.group("a")) or _PARITY_NOT.search(sentence[max(0, m.start() - 30): m.start()]):
            continue
        window = (max(0, m.start() - 90), min(len(sentence), m.end() + 40))
        behind = [w for w in _BEHIND_W.finditer(sentence, *window)]
        ahead = [w for w in _AHEAD_W.finditer(sentence, *window)]
        if not behind and not ahead:
            continue

        def dist(w: re.Match[str], m: re.Match[str] = m) -> int:
            return m.start() - w.end() if w.end() <= m.start() else w.start() - m.end()

        near = min([*((dist(w), "behind") for w in behind), *((dist(w), "ahead") for w in ahead)])
        a = _number(m.group("a"))
        b = _number(m.group("b")) if m.group("b") else None
        if a is None or (m.group("a").lower() in ("um", "uma") and re.match(r"(?i)monat|jahr|woche", m.group("u"))):
            continue
        f = _unit_months(m.group("u"))
        d = _base(sentence, start)
        d.update({"kind": "gap", "direction": near[1], "months_low": round(a * f, 2),
                  "months_high": round((b if b is not None else a) * f, 2), "timeframe": "current",
                  "hedged": False, "approximate": bool(re.search(r"(?:etwa|rund|ungefähr|environ|quelque|"
                                                                  r"aproximadamente|cerca\s+de|circa|около|примерно|"
                                                                  r"ongeveer|~)\s*$", sentence[:m.start()], re.I))})
        out.append(d)
    return out or _vague(sentence, start)


def _forecasts(sentence: str, start: int, published: date | None, cjk: bool) -> list[Draft]:
    names = [(m.start(), m.group(0)) for m in _MILESTONE.finditer(sentence)]
    if not names and _LEAD_W.search(sentence) and any(rx.search(sentence) for rx in _PLACE_RE.values()):
        names = [(m.start(), m.group(0)) for m in _LEAD_W.finditer(sentence)]
    models: list[tuple[int, str]] = []
    if _RELEASE_W.search(sentence):
        # CJK characters count as word characters: blank them so "模型DeepSeek-V4" still shows the name's edge
        found, orgs = find_mentions(_CJK_CHAR.sub(" ", sentence) if cjk else sentence)
        # a named model released, else a lab releasing ("OpenAI planea lanzar … en los próximos meses")
        models = [(h.start, h.text) for h in found if h.label == "MODEL"] or [(h.start, h.text) for h in orgs]
    if not (names or models) or not _FUTURE_W.search(sentence):
        return []
    deadlines = (_cjk_deadlines if cjk else _eu_deadlines)(sentence, published)
    if len(deadlines) > 1 and deadlines[0][0] < 4 and deadlines[0][2] is not None:
        deadlines = deadlines[1:]  # "Nel 2023 un sondaggio … entro il 2040": when it was said, then the deadline
    if not deadlines:
        return []
    out: list[Draft] = []
    used: set[int] = set()
    anchors = sorted({*names, *models})
    for k, (apos, atext) in enumerate(anchors):
        if _FORECAST_NOT.search(sentence, max(0, apos - 30), apos + len(atext) + 12):
            continue  # "ainda não veremos a AGI", "已推出": negated or done
        nxt = anchors[k + 1][0] if k + 1 < len(anchors) else len(sentence)
        # every deadline after the anchor up to the next one ("AGI bis 2025 …, und 90 % bis 2028"), else the last
        # one before it
        after = [x for x in deadlines if apos <= x[0] < nxt and x[0] not in used][:3]
        picks = after or [x for x in reversed(deadlines) if x[0] not in used][:1]
        for pick in picks:
            if _FORECAST_NOT.search(sentence, pick[0], pick[0] + len(pick[1]) + 15) or \
                    _NEGATED_AFTER.match(sentence, pick[0] + len(pick[1])):
                continue  # "2025年中にリリースする計画はない", "2023 年 2 月,ChatGPT 已 推出"
            used.add(pick[0])
            _pos, text, dstart, dend = pick
            d = _base(sentence, start)
            d.update({"kind": "forecast", "subject": atext, "target": atext, "target_models": [],
                      "deadline_text": text, "deadline_start": dstart, "deadline_end": dend, "timeframe": "future",
                      "hedged": True, "is_goal": False})
            out.append(d)
    return out


def foreign_drafts(text: str, published: date | None) -> list[Draft]:
    """Claim drafts from the non-English sentences of a document (CJK gaps included); none for English text.

    >>> [(d["kind"], d["direction"]) for d in foreign_drafts("Das Startup ist mit OpenAI auf Augenhöhe, "
    ...  "sagen KI-Experten.", None)]
    [('gap', 'parity')]
    >>> [(d["months_low"], d["months_high"]) for d in foreign_drafts("Les modèles chinois ont trois à six mois "
    ...  "de retard sur les américains.", None)]
    [(3.0, 6.0)]
    >>> [(d["target"], str(d["deadline_end"])) for d in foreign_drafts("Musk erwartet die AGI bis 2029.", None)]
    [('AGI', '2029-12-31')]
    """
    cjk = has_cjk(text)
    out = cjk_gap_drafts(text) if cjk else []
    if not cjk and is_english(text):
        return out
    gap_at = {d["start_char"] for d in out}
    before: list[str] = []
    for m in _SENT.finditer(text):
        sentence = m.group(0)
        before.append(sentence)
        if not sentence.strip() or (is_english(sentence) and not has_cjk(sentence)):
            continue
        s_cjk = has_cjk(sentence)
        topic = _AI_TOPIC.search(sentence) is not None
        found = _forecasts(sentence, m.start(), published, s_cjk)
        if not found:
            found = _parity(sentence, m.start(), topic)
            if not s_cjk and m.start() not in gap_at:
                found += _gaps(sentence, m.start(), topic)
        for d in found:
            d["attributed_to"] = cjk_speaker(sentence, before[-4:-1]) if s_cjk else _eu_speaker(sentence, before[:-1])
        out += found
    return out
