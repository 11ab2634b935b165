"""Gap claims written in Chinese, Japanese or Korean: "落后美国约三到六个月", "기술격차는 유럽 1.1년, 일본 1.5년",
"米国に対する技術格差は、中国(0.9年)、欧州(1.0年)".

The English pipeline cannot read these: spaCy's English tokenizer sees a run of CJK characters as one token, so
the trigger flags never fire. This family reads a whole document instead, only when it holds CJK text (one
character-class search), sentence by sentence (。！？ and line ends), with the same counting conventions as the
English rules: a number of months or years tied to a gap word is a gap claim; "N年前" / "N개월 전" (ago), "每"
(every) and four-digit years are not. Sides are read from country names in the sentence; the speaker from the
"according to" and "X said" forms of each language.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cjk_gap_drafts", "cjk_speaker", "has_cjk"]

Draft = dict[str, Any]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SENT = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# Numbers: digits, or Chinese numerals (两 = two, 半 = half).
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "半": 0.5}
_NUM = r"(?:\d+(?:\.\d+)?|[一二两兩三四五六七八九十半]{1,3})"
_UNIT = r"(?P<u>个月|個月|ヶ月|カ月|か月|개월|달|年|년|周|週|주)"
_SPAN = re.compile(rf"(?<![\d.])(?P<a>{_NUM})(?:\s*(?:到|至|~|〜|∼|～|-|–|或)\s*(?P<b>{_NUM}))?\s*(?:多)?\s*{_UNIT}"
                   r"(?P<after>.{0,4})", re.S)
# Words that make a span a gap (behind unless an "ahead" word is nearer).
_BEHIND = re.compile(r"落后|落後|差距|差|遅れ|格差|後れ|뒤지|뒤처|뒤쳐|격차|차이|追いつく|추격|追撃|追赶|追趕")
_AHEAD = re.compile(r"领先|領先|リード|先行|앞서|앞선|超越")
_NOT_SPAN = re.compile(r"^\s*(?:前|전|以前|来|以来|이래|後|후|后|间|間|동안|に一度|每|毎|ごと|마다|度|回|"
                       r"內|内|以内|以內|이내|안에|までに|까지|단축|缩短|縮短|短縮|줄|만에|만의|이\s*걸|가\s*걸|걸릴|걸려|걸린|"
                       r"かけて|かかる|かかり|才能|就能)")
_MORE_THAN = re.compile(r"^\s*(?:以上|이상|多|余|餘|超|넘)")
_LESS_THAN = re.compile(r"(?:不到|少于|少於|不足|未満|미만|不超过|不超過)\s*$")
# A number after these is a deadline ("未来3到5年内"), not a gap.
_FUTURE_BEFORE = re.compile(r"(?:未来|未來|今後|향후|앞으로|将来|將來)\s*$")
# The sentence (or the one before) must be about AI or chips: "领先美国两到三年" about fusion is not a claim.
_TOPIC = re.compile(r"AI|人工智能|人工智慧|人工知能|模型|大模型|芯片|晶片|半导体|半導體|半導体|算力|知能|인공지능|지능|"
                    r"반도체|모델|칩|LLM|GPT|DeepSeek|OpenAI")
_PAST = re.compile(r"之前|以前|过去|過去|当时|當時|이전|과거|かつて")
_FIRST_PERSON = re.compile(r"我|저는|제가|私|僕")
# "한국무역협회 국제무역연구원이 22일 발표한 … 보고서에 따르면": the one who published the report
_PUBLISHER = re.compile(r"(?P<who>[^\s,·]{2,20}(?:\s[^\s,·]{2,20})?)(?:이|가|은|는)\s+(?:\d+일\s+)?발표한|"
                        r"(?P<who2>[^\s，,。、]{2,20}?)(?:发布的|發布的|が発表した)")
_APPROX = re.compile(r"约|約|大约|左右|ほど|程度|약|정도|가량|近く|近")
_HEDGE = re.compile(r"可能|也许|大概|或许|かもしれ|だろう|とみられ|수\s*있|것으로\s*보")
# Countries and regions as each language writes them (the subject is the one before the number).
_PLACES = (r"中国|中國|美国|美國|米国|欧洲|欧州|歐洲|日本|韩国|韓国|韓國|台湾|台灣|印度|英国|英國|"
           r"중국|미국|유럽|일본|한국|대만|인도|영국")
_PLACE = re.compile(_PLACES)
_COUNTRY = {**dict.fromkeys(("中国", "中國", "중국"), "CN"), **dict.fromkeys(("美国", "美國", "米国", "미국"), "US"),
            **dict.fromkeys(("欧洲", "欧州", "歐洲", "유럽"), "EU"), **dict.fromkeys(("日本", "일본"), "JP"),
            **dict.fromkeys(("韩国", "韓国", "韓國", "한국"), "KR"), **dict.fromkeys(("台湾", "台灣", "대만"), "TW"),
            **dict.fromkeys(("印度", "인도"), "IN"), **dict.fromkeys(("英国", "英國", "영국"), "GB")}
_REFERENCE = re.compile(rf"(?P<ref>{_PLACES})(?:에\s*비해|에\s*뒤|대비|対比|に対する|に比べ|比|に|보다|より|に遅れ)"
                        rf"|(?:落后|落後|领先|領先|超越)(?:于|於)?(?P<ref2>{_PLACES})")
_SAYS = r"(?:表示|认为|認為|称|稱|说|說|指出|评估|評估|估计|估計|预计|預計)"  # said, believes, estimates, …
_SPEAKER = (
    re.compile(r"(?:根据|據|据)(?P<who>[^，,。、的]{2,24}?)(?:对|對|的|发布|發布|显示|顯示|，|,)"),
    re.compile(r"(?P<who>[^\s，,。、「“]{2,24}?)(?:에\s*따르면|によると|によれば)"),
    re.compile(rf"(?P<who>[A-Za-z][\w .-]{{1,30}}?)\s*{_SAYS}"),
    # "四川大學教授徐玖平對記者表示": a title, then the name
    re.compile(rf"(?:教授|委员|委員|主席|董事长|董事長|创始人|創始人|CEO|总裁|總裁|院士|部长|部長|经理|經理|会长|會長)"
               rf"(?P<who>[\u4e00-\u9fff]{{2,3}})(?:对|對|在|向|日前|近日|此前)?[^，,。]{{0,10}}?{_SAYS}"),
    # "李开复毫不避讳一针见血地表示": the name opening the clause, a few words before the verb
    re.compile(rf"(?:^|[：:，,。“\"\s])(?![他她我亦也这這那该該其])(?P<who>[\u4e00-\u9fff]{{3}}|[\u4e00-\u9fff]{{2}})"
               rf"[^，,。：:“\"]{{0,12}}?{_SAYS}"),
    # Japanese: "Anthropicのダリオ・アモダイ氏は…予測しています", "孫正義氏は…と述べた"
    re.compile(r"(?:(?P<who>[\u30a0-\u30ff・ー]{2,20})(?:氏|CEO|社長|会長|教授)?|(?P<kanji>[\u4e00-\u9fff]{2,4})"
               r"(?:氏|CEO|社長|会長|教授))は[^。]{0,80}?"
               r"(?:予測|予想|述べ|語っ|語り|発言|指摘|見込|主張|明らかに|強調|説明)"),
    # Korean: "유상임 과학기술정보통신부 장관은 … 밝혔다", "최 장관은 … 말했다"
    re.compile(r"(?:^|[.\n]\s*)(?P<who>[\uac00-\ud7af]{2,4}(?:\s[\uac00-\ud7af()A-Za-z]{1,15}){0,3}?)(?:은|는|이|가)\s"
               r"[^.]{0,200}?(?:말했|밝혔|전망했|예상했|강조했|설명했|인정하|지적했|주장했|평가했|내다봤)"),
)


def has_cjk(text: str) -> bool:
    """True when the text holds any Chinese, Japanese or Korean character."""
    return not text.isascii() and _CJK.search(text) is not None  # isascii is a flag check: no scan


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        pass
    if token in _CN_DIGITS:
        return float(_CN_DIGITS[token])
    if len(token) == 2 and token[0] == "十":  # 十二
        return 10.0 + _CN_DIGITS.get(token[1], 0)
    if len(token) >= 2 and token[1] == "十":  # 二十, 二十四
        rest = _CN_DIGITS.get(token[2], 0) if len(token) == 3 else 0
        return _CN_DIGITS.get(token[0], 0) * 10.0 + rest
    return None


def _months(unit: str) -> float:
    if unit in ("年", "년"):
        return 12.0
    if unit in ("周", "週", "주"):
        return 12.0 / 52
    return 1.0


def cjk_speaker(sentence: str, before: list[str]) -> str | None:
    """Who says it: the "according to" or "X said" form in the sentence, else in one of the three before it."""
    for text in (sentence, *reversed(before)):
        pub = _PUBLISHER.search(text)
        if pub:
            return (pub.group("who") or pub.group("who2")).strip(" 　·:：")
        for rx in _SPEAKER:
            for m in rx.finditer(text):
                who = (m.group("who") or m.groupdict().get("kanji") or "").strip(" 　·:：")
                if not _FIRST_PERSON.search(who):
                    return who
    return None


def _direction(sentence: str, lo: int, hi: int) -> str | None:
    """Behind or ahead, by the gap word nearest the number (within 40 characters before, 12 after)."""
    best: tuple[int, str] | None = None
    for rx, name in ((_BEHIND, "behind"), (_AHEAD, "ahead")):
        for w in rx.finditer(sentence, max(0, lo - 40), min(len(sentence), hi + 12)):
            dist = lo - w.end() if w.end() <= lo else w.start() - hi
            if best is None or abs(dist) < best[0]:
                best = (abs(dist), name)
    if best is None:  # "…は欧州(0.5年)、日本(0.9年)などで、…米国を追撃した": the sentence's gap word
        b, a = _BEHIND.search(sentence), _AHEAD.search(sentence)
        return "behind" if b is not None else "ahead" if a is not None else None
    return best[1]


def _sentence_drafts(sentence: str, start: int, before: list[str]) -> list[Draft]:
    out: list[Draft] = []
    if not (_BEHIND.search(sentence) or _AHEAD.search(sentence)):
        return out
    if not (_TOPIC.search(sentence) or any(_TOPIC.search(b) for b in before)):
        return out
    for m in _SPAN.finditer(sentence):
        if _NOT_SPAN.match(m.group("after")) or (re.match(r"\d{4}$", m.group("a")) and m.group("u") in ("年", "년")):
            continue  # "三年前" (ago), "2022年" (a year), "每三个月" (every)
        if re.fullmatch(r"[12]\d", m.group("a")) and not m.group("b") and m.group("u") in ("年", "년") and \
                not sentence[: m.start()].strip(" 　，,。"):
            continue  # "25年模型差距…": a year written short at the head of a sentence, not twenty-five years
        if sentence[max(0, m.start() - 1): m.start()] in ("每", "毎"):
            continue
        a, b = _number(m.group("a")), _number(m.group("b")) if m.group("b") else None
        if a is None:
            continue
        f = _months(m.group("u"))
        low: float | None = round(a * f, 2)
        high: float | None = round((b if b is not None else a) * f, 2)
        if _MORE_THAN.match(m.group("after")) or sentence[m.start("u") - 1] == "多":
            high = None  # "一年多", "1년 이상": at least
        elif _LESS_THAN.search(sentence, max(0, m.start() - 4), m.start()):
            low = None  # "不到三个月", "3개월 미만": at most
        if _FUTURE_BEFORE.search(sentence, 0, m.start()):
            continue
        direction = _direction(sentence, m.start(), m.end())
        if direction is None:
            continue
        places = [p.group(0) for p in _PLACE.finditer(sentence[: m.start()])]
        ref_m = _REFERENCE.search(sentence)
        ref = (ref_m.group("ref") or ref_m.group("ref2")) if ref_m else None
        subj = next((p for p in reversed(places) if p != ref), None)
        out.append({
            "kind": "gap", "direction": direction, "months_low": low, "months_high": high,
            "approximate": bool(_APPROX.search(sentence[max(0, m.start() - 6): m.end() + 4])),
            "subject": subj, "subject_group": {"country": _COUNTRY[subj]} if subj else {}, "reference": ref,
            "reference_group": {"country": _COUNTRY[ref]} if ref else {}, "models": [],
            "hedged": bool(_HEDGE.search(sentence)), "confidence": 0.6,
            "attributed_to": cjk_speaker(sentence, before),
            "timeframe": "past" if _PAST.search(sentence, 0, m.start()) else "current",
            "sentence": sentence.strip(), "start_char": start, "end_char": start + len(sentence),
        })
    return out


def cjk_gap_drafts(text: str) -> list[Draft]:
    """Gap claims in the CJK sentences of a document (none when it has no CJK text).

    >>> [(d["direction"], d["months_low"], d["months_high"], d["subject"], d["reference"])
    ...  for d in cjk_gap_drafts("中国的模型可能落后美国约三到六个月。")]
    [('behind', 3.0, 6.0, '中国', '美国')]
    >>> korean = "AI 분야 미국과의 기술격차는 유럽 1.1년, 일본 1.5년이다."
    >>> [(d["subject"], d["months_low"]) for d in cjk_gap_drafts(korean)]
    [('유럽', 13.2), ('일본', 18.0)]
    >>> cjk_gap_drafts("三年前，中国发布了第一个模型。Open models trail by a year.")
    []
    """
    if not has_cjk(text):
        return []
    out: list[Draft] = []
    before: list[str] = []
    for m in _SENT.finditer(text):
        sentence = m.group(0)
        if _CJK.search(sentence):
            out += _sentence_drafts(sentence, m.start(), before[-3:])
        before.append(sentence)
    return out
