"""Character encoding of fetched bodies: BOM, then the HTTP header, then the markup's own declaration, then detection.

Pure functions (no network), shared by the fetcher (which records the encoding on the RawItem) and the
article parser (which decodes stored bodies). The order follows the WHATWG encoding sniffing algorithm in
spirit: a byte-order mark wins, a declared charset is trusted only if the bytes actually decode with it,
and statistical detection (charset_normalizer) settles the rest.
"""

from __future__ import annotations

import codecs
import re

__all__ = ["declared_charset", "decode_body", "detect_encoding", "header_charset"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:\-]+)", re.I)
# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, <?xml encoding="x"?>
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)[\"']", re.I)
_LATIN_FAMILY = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "cp775", "cp850", "cp852", "mac_latin2", "mac_roman", "latin_1",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15",
    "iso8859_16",
})
# Browsers read only the first 1024 bytes for a meta declaration; we allow a little more for long heads.
_SNIFF_BYTES = 4096


def _normalize(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    # Browsers treat a declared latin-1 as windows-1252 (a superset used by most real "latin-1" pages).
    return "cp1252" if codec.name in ("latin-1", "iso8859-1") else codec.name


def header_charset(content_type: str | None) -> str | None:
    """Return the normalized charset named in a Content-Type header, if any and known."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return _normalize(m.group(1)) if m else None


def declared_charset(body: bytes) -> str | None:
    """Return the charset a document declares in its first bytes (XML prolog or HTML meta), if known."""
    head = body[:_SNIFF_BYTES]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return _normalize(m.group(1).decode("ascii", "ignore")) if m else None


def _bom(body: bytes) -> str | None:
    for mark, name in _BOMS:
        if body.startswith(mark):
            return name
    return None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _mostly_utf8(body: bytes) -> bool:
    """True for UTF-8 text with a few stray single-byte characters (a windows-1252 quote pasted into a UTF-8 page).

    Decoding such a page as windows-1252 would garble every correct UTF-8 character to fix a handful of bad
    bytes; it is read as UTF-8 instead, the stray bytes decoded as windows-1252 (see `decode_body`).
    """
    head = body[:200_000]
    text = head.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - head.count("\ufffd".encode())
    valid = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return valid >= 3 and invalid <= valid


def _utf8_with_cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the bytes UTF-8 rejected as windows-1252 (U+FFFD for its five holes)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error("claimwatch-cp1252", _utf8_with_cp1252_fallback)


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """Return the encoding to decode a body with: BOM, header charset, declared charset, then detection."""
    bom = _bom(body)
    if bom:
        return bom
    for candidate in (header_charset(content_type), declared_charset(body)):
        if candidate and _decodes(body, candidate):
            return candidate
    if _decodes(body, "utf-8") or _mostly_utf8(body):
        return "utf-8"
    try:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(body[:200_000]))
    except Exception:  # detection is best effort; a failure falls back to cp1252 below
        matches = []
    best = matches[0] if matches else None
    if best is not None and best.encoding and _decodes(body, best.encoding):
        if best.encoding in _LATIN_FAMILY:
            # Short Western texts look equally plausible in several Latin code pages; windows-1252 is by far
            # the most common on the web, so it wins unless the detector finds it clearly worse.
            for m in matches:
                if m.encoding == "cp1252" and m.percent_chaos <= best.percent_chaos + 10:
                    return "cp1252"
        return _normalize(best.encoding) or best.encoding
    return "cp1252" if _decodes(body, "cp1252") else "utf-8"


def decode_body(body: bytes, content_type: str | None = None, encoding: str | None = None) -> tuple[str, str]:
    """Decode a body to text; returns (text, encoding used). Undecodable bytes become U+FFFD, never an error."""
    enc = encoding if encoding and _decodes(body, encoding) else detect_encoding(body, content_type)
    # A mostly-UTF-8 body keeps its stray windows-1252 bytes readable instead of turning them into U+FFFD.
    text = body.decode(enc, errors="claimwatch-cp1252" if enc == "utf-8" else "replace")
    return text.removeprefix("\ufeff"), enc
