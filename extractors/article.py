"""Article and page HTML → Document; post JSON → Document (via extractors.posts). Pure: no network, no DB.

Main text comes from trafilatura (paragraphs separated by blank lines), with a small lxml fallback when it
finds nothing. Metadata is read in order of reliability: JSON-LD (schema.org Article types), then meta tags
(Open Graph, article:*, Dublin Core, parsely, citation_*), then the URL (/2026/02/14/), then a visible date
(<time datetime>), the feed entry, a dateline under the headline (extractors.dateline), and htmldate's guess
as the last resort. Each date keeps its source (meta | url | dateline | feed | guess) and precision (day |
month | year); a guess is never more precise than a month. The canonical URL comes from rel=canonical (or og:url) with
tracking parameters removed; `dedupe` links a syndicated copy (same text, other canonical URL) to the
earliest original.

`parse_item` never raises: it returns None for feeds, non-HTML bodies and pages without main text;
`parse_item_or_reason` says why.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from extractors.dateline import DateSource, Precision, find_dateline, parse_date_text
from schemas import Document, RawItem
from schemas.charset import decode_body

log = logging.getLogger(__name__)

__all__ = [
    "ParseError",
    "canonicalize_url",
    "dedupe",
    "item_date",
    "parse_html",
    "parse_item",
    "parse_item_or_reason",
]

# Query parameters that identify a campaign or a click, never the resource (Google, Meta, Microsoft,
# Mailchimp, HubSpot, Marketo, Instagram, Yandex, Twitter, Substack, generic "ref"/"source" trackers).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid",
    "twclid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "ref_src", "ref_url",
    "s_cid", "cmpid", "ncid", "sr_share", "smid", "__twitter_impression", "utm", "ito",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "techarticle",
    "scholarlyarticle", "opinionnewsarticle", "report", "webpage", "posting", "socialmediaposting",
})
# Paragraphs shorter than this are navigation crumbs in the fallback extractor, not prose.
_FALLBACK_MIN_CHARS = 40
# Documents whose normalized text is shorter than this are never marked as duplicates: short boilerplate
# ("Page not found", cookie walls) is identical across sites without being syndication.
DEDUPE_MIN_CHARS = 200

_URL_DATE = re.compile(r"/(20\d{2}|19\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
_TITLE_SEP = re.compile(r"\s+[|\u2013\u2014:·-]\s+[^|\u2013\u2014·]{2,60}$")
_BY = re.compile(r"^\s*(by|von|par|por)\s+", re.I)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for it with as was on are be by this have from"),
    "de": _words("der die und in den von zu das mit sich des auf für ist im dem nicht ein eine"),
    "fr": _words("le la les de des et est un une du en que qui dans pour pas sur au avec"),
    "es": _words("el la de que y en los del se las por un para con una su al es lo como"),
    "it": _words("il di che la e per un in del non una sono della le si con da è"),
    "pt": _words("o de que e do da em um para com não uma os no se na por mais as dos"),
    "nl": _words("de het een van en in is dat op te zijn voor met niet aan er maar"),
}


class ParseError(ValueError):
    """An item that cannot become a Document; `reason` says why (for the parse log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------------------------------------------ URLs


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Return a URL with tracking parameters and fragment removed, host lower-cased, default port dropped."""
    if base:
        url = urljoin(base, url)
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)
    ) else None
    netloc = f"{host}:{port}" if port else host
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


# ----------------------------------------------------------------------------------------------- dates


def _parse_date(value: Any) -> datetime | None:
    if not value or not isinstance(value, str | int | float):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = value.strip()
    if not text:
        return None
    dt: datetime | None = None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime

            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            try:
                from dateutil import parser as dateparser

                dt = dateparser.parse(text, fuzzy=False)
            except (ValueError, OverflowError, TypeError):
                return None
    if dt is None or not (1990 <= dt.year <= 2100):
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _url_date(url: str) -> datetime | None:
    m = _URL_DATE.search(urlsplit(url).path)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------- JSON-LD


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            out.append(node)
            if "@graph" in node:
                walk(node["@graph"])
            main = node.get("mainEntity")
            if isinstance(main, dict | list):
                walk(main)

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            walk(json.loads(raw))
        except ValueError:
            # Trailing commas and HTML comments are common in hand-made JSON-LD; try once without them.
            cleaned = re.sub(r",\s*([}\]])", r"\1", raw.replace("<!--", "").replace("-->", ""))
            try:
                walk(json.loads(cleaned))
            except ValueError:
                continue
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {str(v).lower() for v in values if v}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [str(name)] if name else []
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            out.extend(_names(v))
        return out
    return []


def _article_ld(objs: list[dict[str, Any]]) -> dict[str, Any]:
    candidates = [o for o in objs if _types(o) & ARTICLE_TYPES]
    # Prefer a real Article over the WebPage wrapper, and an object with a headline or date over a stub.
    candidates.sort(key=lambda o: (_types(o) <= {"webpage"}, not (o.get("headline") or o.get("datePublished"))))
    return candidates[0] if candidates else {}


# ---------------------------------------------------------------------------------------------- meta


def _meta(tree: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "").strip().lower()
        content = el.get("content")
        if key and content and content.strip():
            out.setdefault(key, []).append(content.strip())
    return out


def _first(meta: dict[str, list[str]], *keys: str) -> str | None:
    for k in keys:
        if meta.get(k):
            return meta[k][0]
    return None


def _clean_author(name: str) -> str | None:
    name = _BY.sub("", " ".join(name.split())).strip(" ,;")
    if not name or name.startswith(("http://", "https://")) or len(name) > 80:
        return None
    return name


def _split_authors(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in names:
        for part in re.split(r"\s*(?:,|;|\band\b|&)\s*", raw):
            name = _clean_author(part)
            if name and name not in out:
                out.append(name)
    return out


DatedAs = tuple[datetime, DateSource, Precision]
# Block elements whose text starts a new line when the page's visible text is read for a dateline. Inline ones
# (span, time, a, b) stay in their line: "released on <time>Aug 7, 2025</time>." is a sentence, not a dateline.
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "header", "section", "article", "br", "address",
    "figcaption", "blockquote", "tr", "td", "dd", "dt",
})


def _dated(value: Any, source: DateSource) -> DatedAs | None:
    """A metadata value as (date, source, precision); a month or year is kept as its first day, never a day."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        dt = _parse_date(value)
        return (dt, source, "day") if dt else None
    if not isinstance(value, str):
        return None
    found = parse_date_text(value)
    return (found[0], source, found[1]) if found else None


def _visible_date(tree: Any) -> DatedAs | None:
    # A <time> in a sidebar, menu or footer dates another article (related links, archives), not this one.
    for el in tree.xpath("//time[@datetime][not(ancestor::aside or ancestor::nav or ancestor::footer)]")[:5]:
        found = _dated(el.get("datetime"), "dateline")
        if found:
            return found
    for el in tree.xpath('//*[@itemprop="datePublished"]')[:2]:
        found = _dated(el.get("content") or el.get("datetime") or el.text_content(), "meta")
        if found:
            return found
    return None


def _head_text(tree: Any) -> str:
    """The page's visible text from its headline on, one block per line (where a dateline sits)."""
    tree = lxml.html.fromstring(lxml.html.tostring(tree))  # work on a copy: we drop nodes and add newlines
    for bad in tree.xpath("//script|//style|//nav|//footer|//aside|//form|//noscript|//iframe|//svg|//button"):
        bad.drop_tree()
    roots = tree.xpath("//article") or tree.xpath("//main") or tree.xpath("//body") or [tree]
    root = max(roots, key=lambda e: len(e.text_content()))
    h1 = root.find(".//h1")
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    if h1 is not None:
        title = " ".join(h1.text_content().split())
        at = text.find(title) if title else -1
        text = text[at:] if at >= 0 else text
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def _text_dateline(tree: Any) -> DatedAs | None:
    found = find_dateline(_head_text(tree))
    return (found.when, "dateline", found.precision) if found else None


def _htmldate(html: str, url: str) -> DatedAs | None:
    """htmldate's guess, from the page's content: never better than a month (January 1 reads as a bare year)."""
    try:
        from htmldate import find_date

        found = find_date(html, url=url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate is a heuristic last resort; its failures must not fail the page
        return None
    dt = _parse_date(found) if found else None
    if dt is None:
        return None
    if (dt.month, dt.day) == (1, 1):
        return dt, "guess", "year"
    return dt.replace(day=1), "guess", "month"


def _published(ld: dict[str, Any], meta: dict[str, list[str]], base: str, tree: Any, html: str,
               hints: Mapping[str, Any]) -> DatedAs | None:
    """The publication date, most reliable first: JSON-LD, meta tags, URL, <time>, feed entry, dateline, guess."""
    structured = (
        _dated(ld.get("datePublished"), "meta") or _dated(ld.get("dateCreated"), "meta")
        or _dated(_first(meta, "article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
                         "dc.date.issued", "dc.date", "date", "citation_publication_date", "sailthru.date",
                         "pubdate", "publish-date"), "meta")
    )
    if structured:
        return structured
    url_day = _url_date(base)
    if url_day:
        return url_day, "url", "day"
    return (
        _visible_date(tree) or _dated(hints.get("entry_published"), "feed") or _text_dateline(tree)
        or _htmldate(html, base)
    )


def _guess_lang(text: str) -> str | None:
    sample = text[:4000]
    if not sample:
        return None
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    kana = sum(1 for ch in sample if "\u3040" <= ch <= "\u30ff")
    hangul = sum(1 for ch in sample if "\uac00" <= ch <= "\ud7af")
    if kana > 20:
        return "ja"
    if hangul > 20:
        return "ko"
    if cjk > 50:
        return "zh"
    words = re.findall(r"[a-zà-ÿ]+", sample.lower())
    if len(words) < 20:
        return None
    scores = {lang: sum(1 for w in words if w in sw) for lang, sw in _STOPWORDS.items()}
    lang, score = max(scores.items(), key=lambda kv: kv[1])
    return lang if score >= max(3, len(words) // 25) else None


def _norm_lang(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


# ---------------------------------------------------------------------------------------- main text


def _xml_blocks(xml: str, title: str | None) -> list[str]:
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return []
    main = root.find("main")
    if main is None:
        return []
    blocks: list[str] = []
    for el in main:
        for lb in el.iter("lb"):
            lb.tail = "\n" + (lb.tail or "")
        if el.tag == "list":
            items = [" ".join("".join(i.itertext()).split()) for i in el.iter("item")]
            text = "\n".join(f"- {i}" for i in items if i)
        elif el.tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [" ".join("".join(c.itertext()).split()) for c in row.iter("cell")]
                rows.append(" | ".join(c for c in cells if c))
            text = "\n".join(r for r in rows if r)
        else:
            text = "\n".join(" ".join(line.split()) for line in "".join(el.itertext()).split("\n")).strip()
            if el.tag == "p" and len(text.split()) <= 2 and not text.endswith((".", "!", "?", ":", "\"")):
                continue  # a byline or dateline whose name/date trafilatura removed ("Posted by")
        if text:
            blocks.append(text)
    if blocks and title and " ".join(blocks[0].split()).lower() == " ".join(title.split()).lower():
        blocks = blocks[1:]
    return blocks


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _fallback_blocks(tree: Any, title: str | None) -> list[str]:
    tree = lxml.html.fromstring(lxml.html.tostring(tree))  # work on a copy: we drop nodes
    for bad in tree.xpath("//script|//style|//nav|//header|//footer|//aside|//form|//noscript|//iframe|//svg"):
        bad.drop_tree()
    root = None
    for xp in ("//article", "//main", '//*[@itemprop="articleBody"]', "//body"):
        found = tree.xpath(xp)
        if found:
            root = max(found, key=lambda e: len(e.text_content()))
            break
    if root is None:
        root = tree
    blocks: list[str] = []
    for el in root.iter("p", "h2", "h3", "h4", "li", "blockquote", "pre"):
        text = " ".join(el.text_content().split())
        heading = el.tag in ("h2", "h3", "h4")
        if text and (heading or len(text) >= _FALLBACK_MIN_CHARS) and text not in blocks:
            blocks.append(text)
    if blocks and title and blocks[0].lower() == title.lower():
        blocks = blocks[1:]
    return blocks


def _main_text(html: str, tree: Any, title: str | None, url: str) -> str:
    blocks: list[str] = []
    try:
        import trafilatura

        xml = trafilatura.extract(
            html, url=url, output_format="xml", include_comments=False, include_tables=True,
            include_formatting=False, with_metadata=False, deduplicate=False,
        )
        if xml:
            blocks = _xml_blocks(xml, title)
    except Exception as exc:  # trafilatura bugs on odd markup must not lose the page: fall back below
        log.info("trafilatura failed on %s: %s", url, exc)
    if not blocks:
        blocks = _fallback_blocks(tree, title)
    return "\n\n".join(blocks).strip()


# ----------------------------------------------------------------------------------------------- parse


def _html_tree(html: str) -> Any:
    """Parse the page with lxml; raises ParseError for markup lxml refuses or a document with nothing in it."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unparseable HTML: {exc}") from exc
    if tree is None or (tree.find(".//body") is None and not tree.text_content().strip()):
        raise ParseError("empty HTML document")
    return tree


def _title(ld: dict[str, Any], meta: dict[str, list[str]], tree: Any, hints: Mapping[str, Any]) -> str | None:
    """The headline: JSON-LD, meta tags, <title> without its site suffix, the first <h1>, then the feed."""
    head_title = tree.findtext(".//title")
    title = (
        (ld.get("headline") if isinstance(ld.get("headline"), str) else None)
        or _first(meta, "og:title", "twitter:title", "dc.title", "citation_title")
        or (_TITLE_SEP.sub("", head_title.strip()) if head_title and head_title.strip() else None)
        or next((" ".join(h.text_content().split()) for h in tree.iter("h1")), None)
        or hints.get("entry_title")
    )
    return " ".join(title.split()) if isinstance(title, str) else None


def _authors(ld: dict[str, Any], meta: dict[str, list[str]], tree: Any, hints: Mapping[str, Any]) -> list[str]:
    """The authors: JSON-LD, then meta tags, then bylines in the page, then the feed entry."""
    authors = _split_authors(_names(ld.get("author")))
    if not authors:
        authors = _split_authors(
            a for a in (meta.get("author", []) + meta.get("article:author", []) + meta.get("dc.creator", [])
                        + meta.get("parsely-author", []) + meta.get("citation_author", []))
        )
    if not authors:
        bylines = tree.xpath('//*[@rel="author"]|//*[@itemprop="author"]|//*[contains(@class,"byline")]')
        authors = _split_authors(" ".join(b.text_content().split()) for b in bylines[:3])
    if not authors and hints.get("entry_author"):
        authors = _split_authors([str(hints["entry_author"])])
    return authors


def _updated(ld: dict[str, Any], meta: dict[str, list[str]], hints: Mapping[str, Any]) -> datetime | None:
    """The last-modified date: JSON-LD, then meta tags, then the feed entry."""
    return (
        _parse_date(ld.get("dateModified"))
        or _parse_date(_first(meta, "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
                              "last-modified"))
        or _parse_date(hints.get("entry_updated"))
    )


def _canonical(tree: Any, meta: dict[str, list[str]], ld: dict[str, Any], base: str) -> str:
    """rel=canonical, then og:url, then the JSON-LD url, else the fetched URL; tracking parameters removed."""
    canonical = None
    for link in tree.xpath('//link[@href][contains(concat(" ", normalize-space(@rel), " "), " canonical ")]'):
        href = (link.get("href") or "").strip()
        if href:
            canonical = urljoin(base, href)
            break
    canonical = canonical or _first(meta, "og:url") or (ld.get("url") if isinstance(ld.get("url"), str) else None)
    if not canonical or urlsplit(canonical).scheme not in ("http", "https"):
        canonical = base
    return canonicalize_url(canonical)


def _lang(tree: Any, ld: dict[str, Any], meta: dict[str, list[str]], text: str) -> str | None:
    """The language: <html lang>, then JSON-LD, then meta tags, then a guess from the text's stopwords."""
    return (
        _norm_lang(tree.get("lang") or tree.get("xml:lang"))
        or _norm_lang(ld.get("inLanguage") if isinstance(ld.get("inLanguage"), str) else None)
        or _norm_lang(_first(meta, "og:locale", "content-language", "language", "dc.language"))
        or _guess_lang(text)
    )


def _outlet(meta: dict[str, list[str]], ld: dict[str, Any], canonical: str) -> str | None:
    """The publication's name: the site-name meta tag, then the JSON-LD publisher, else the host."""
    publisher = _names(ld.get("publisher"))
    outlet = _first(meta, "og:site_name", "application-name") or (publisher[0] if publisher else None)
    if not outlet:
        host = urlsplit(canonical).hostname or ""
        outlet = host.removeprefix("www.") or None
    return outlet


def parse_html(
    html: str, url: str, *, source: str = "", final_url: str | None = None, raw_item_id: str | None = None,
    discovered_via: str | None = None, kind: str = "article", hints: Mapping[str, Any] | None = None,
) -> Document:
    """Parse article HTML into a Document; raises ParseError if there is no usable main text."""
    base = final_url or url
    # C0 control characters are invalid in HTML text and make lxml refuse to move nodes (drop_tree raises
    # ValueError); they carry no meaning in an article, so they become spaces before parsing.
    html = _CONTROL_CHARS.sub(" ", html)
    tree = _html_tree(html)
    hints = hints or {}
    meta = _meta(tree)
    ld = _article_ld(_jsonld_objects(tree))

    title = _title(ld, meta, tree, hints)
    authors = _authors(ld, meta, tree, hints)
    dated = _published(ld, meta, base, tree, html, hints)
    published, published_source, published_precision = dated if dated else (None, None, None)
    updated = _updated(ld, meta, hints)
    canonical = _canonical(tree, meta, ld, base)

    text = _main_text(html, tree, title, base)
    if not text:
        raise ParseError("no main text found")

    doc_meta: dict[str, Any] = {k: v for k, v in hints.items() if v}
    if final_url and final_url != url:
        doc_meta["final_url"] = final_url
    return Document(
        url=url, canonical_url=canonical, source=source, kind="page" if kind == "page" else "article",
        title=title, authors=authors, published_at=published, published_source=published_source,
        published_precision=published_precision, updated_at=updated, text=text, lang=_lang(tree, ld, meta, text),
        discovered_via=discovered_via, raw_item_id=raw_item_id, outlet=_outlet(meta, ld, canonical), meta=doc_meta,
    )


def item_date(item: RawItem) -> tuple[datetime, DateSource, Precision] | None:
    """An article or page item's publication date with its source and precision, without extracting its text.

    Used to record the provenance of documents parsed before dates had one; parse_html gives the same answer.
    """
    if not item.body or not _looks_html(item):
        return None
    html, _enc = decode_body(item.body, item.content_type, item.encoding)
    try:
        tree = lxml.html.fromstring(_CONTROL_CHARS.sub(" ", html))
    except (etree.ParserError, ValueError):
        return None
    if tree is None:
        return None
    return _published(_article_ld(_jsonld_objects(tree)), _meta(tree), item.final_url or item.url, tree, html,
                      item.meta or {})


def _looks_html(item: RawItem) -> bool:
    ctype = (item.content_type or "").lower()
    if "html" in ctype:
        return True
    if ctype and not ctype.startswith("text/"):
        return False
    head = item.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p" in head


def parse_item_or_reason(item: RawItem) -> tuple[Document | None, str | None]:
    """Parse a RawItem; returns (document, None) or (None, reason it was skipped)."""
    if item.kind in ("feed", "api"):
        return None, f"{item.kind} items are not documents"
    if item.kind == "post":
        from extractors.posts import parse_post

        try:
            doc = parse_post(item)
        except Exception as exc:  # one malformed post is skipped with its reason
            return None, f"post could not be parsed: {type(exc).__name__}: {exc}"
        return (doc, None) if doc else (None, "post has no text")
    if not item.body:
        return None, "empty body"
    if not _looks_html(item):
        return None, f"not HTML ({item.content_type or 'unknown type'})"
    html, _enc = decode_body(item.body, item.content_type, item.encoding)
    try:
        doc = parse_html(
            html, item.url, source=item.source, final_url=item.final_url, raw_item_id=item.item_id or None,
            discovered_via=item.parent_url, kind=item.kind, hints=item.meta,
        )
    except ParseError as exc:
        return None, exc.reason
    except Exception as exc:  # never let one page stop a batch
        log.warning("article parse failed for %s: %s: %s", item.url, type(exc).__name__, exc)
        return None, f"{type(exc).__name__}: {exc}"
    return doc, None


def parse_item(item: RawItem) -> Document | None:
    """Parse an article/page (HTML) or post (JSON) RawItem into a Document; None for feeds and unusable bodies."""
    doc, _reason = parse_item_or_reason(item)
    return doc


# ----------------------------------------------------------------------------------------------- dedupe


def _sort_key(doc: Document) -> tuple[bool, datetime]:
    when = doc.published_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when is None, when or datetime.max.replace(tzinfo=UTC))


def dedupe(docs: Sequence[Document], existing: Mapping[str, str] | Iterable[Document] = ()) -> list[Document]:
    """Drop repeated canonical URLs and point syndicated copies at the earliest original.

    `existing` maps content_sha256 → doc_id of originals already stored (or is an iterable of stored
    Documents). A doc whose text hash matches an earlier doc under another canonical URL gets duplicate_of =
    that original's doc_id; within `docs` the earliest published copy is the original (unknown dates last).
    Posts and very short texts are never marked (short boilerplate matches across unrelated sites).
    """
    originals: dict[str, str] = {}
    if isinstance(existing, Mapping):
        originals.update({str(k): str(v) for k, v in existing.items()})
    else:
        for d in sorted(existing, key=_sort_key):
            if d.duplicate_of is None:
                originals.setdefault(d.content_sha256, d.doc_id)
    seen_ids: set[str] = set()
    out: list[Document] = []
    for doc in sorted(docs, key=_sort_key):
        if doc.doc_id in seen_ids:
            continue
        seen_ids.add(doc.doc_id)
        eligible = doc.kind != "post" and len(" ".join(doc.text.split())) >= DEDUPE_MIN_CHARS
        if eligible:
            orig = originals.get(doc.content_sha256)
            if orig is None:
                originals[doc.content_sha256] = doc.doc_id
            elif orig != doc.doc_id:
                doc = doc.model_copy(update={"duplicate_of": orig})
        out.append(doc)
    return out
