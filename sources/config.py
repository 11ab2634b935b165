"""The watch list: `sources.toml` entries validated into `SourceConfig` records with file-and-line errors.

Each `[[source]]` table names one feed, page or account. tomllib reports no line numbers for valid TOML
that fails our own checks, so `load_sources` finds the header line of the n-th `[[source]]` itself.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = ["FetchSettings", "SourceConfig", "SourceType", "SourcesError", "load_sources", "parse_sources"]

SourceType = Literal["rss", "page", "hackernews", "mastodon", "bluesky", "reddit", "x"]

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_HEADER_RE = re.compile(r"^\s*\[\[\s*source\s*\]\]\s*(#.*)?$")


class FetchSettings(Protocol):
    """The settings sources/ reads, passed down as a value (claimwatch's Settings object fits)."""

    @property
    def user_agent(self) -> str:
        """The User-Agent header sent with every request."""

    @property
    def connect_timeout(self) -> float:
        """Seconds to wait for a connection."""

    @property
    def read_timeout(self) -> float:
        """Seconds to wait between two reads of a response."""

    @property
    def max_body_bytes(self) -> int:
        """The largest body kept, after decompression."""

    @property
    def max_redirects(self) -> int:
        """Redirect hops followed per request."""

    @property
    def retries(self) -> int:
        """Retries of a transient failure."""

    @property
    def backoff_seconds(self) -> float:
        """The first retry delay (doubled on each retry)."""

    @property
    def max_retry_after(self) -> float:
        """The longest Retry-After honoured, in seconds."""

    @property
    def per_host_concurrency(self) -> int:
        """Requests in flight per host."""

    @property
    def per_host_interval(self) -> float:
        """Seconds between two request starts on one host."""

    @property
    def total_concurrency(self) -> int:
        """Requests in flight overall."""

    @property
    def respect_robots(self) -> bool:
        """Whether robots.txt is obeyed for pages and feeds."""

    @property
    def max_items_per_source(self) -> int:
        """Entries or posts taken per source and run."""


class SourcesError(ValueError):
    """A watch-list entry that cannot be used; the message names the file and line."""


def _check_http_url(value: str | None, field: str) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{field} must be an absolute http(s) URL, got {value!r}")


class SourceConfig(BaseModel):
    """One entry of the watch list: what to fetch and how."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="unique id of the source; keys its cursor and its raw items")
    type: SourceType
    url: str | None = Field(default=None, description="feed or page URL (rss, page)")
    query: str | None = Field(default=None, description="search query (hackernews, bluesky search, reddit search, x)")
    instance: str | None = Field(default=None, description="Mastodon server host, e.g. mastodon.social")
    tag: str | None = Field(default=None, description="Mastodon hashtag without '#'")
    actor: str | None = Field(default=None, description="Bluesky handle or DID for the author feed")
    subreddit: str | None = Field(default=None, description="subreddit name without 'r/'")
    api_base: str | None = Field(default=None, description="override of the API origin (tests, proxies)")
    allow_private: bool = Field(default=False, description="allow loopback/private targets (tests, the demo)")
    lab: str | None = Field(
        default=None, max_length=120,
        description="the lab or company this source is the own announcement feed of (e.g. \"OpenAI\"): a model "
                    "release it announces enters the release registry without further corroboration",
    )
    enabled: bool = True
    max_items: int | None = Field(default=None, ge=1, le=10_000, description="cap on entries per run")

    @model_validator(mode="after")
    def _check_fields(self) -> SourceConfig:
        if not _NAME_RE.match(self.name):
            raise ValueError(f"name {self.name!r} must be 1-80 letters, digits, '.', '_' or '-'")
        _check_http_url(self.url, "url")
        _check_http_url(self.api_base, "api_base")
        need: dict[str, tuple[str, ...]] = {
            "rss": ("url",),
            "page": ("url",),
            "hackernews": ("query",),
            "mastodon": ("tag",),
            "x": ("query",),
        }
        for field in need.get(self.type, ()):
            if not getattr(self, field):
                raise ValueError(f"type {self.type!r} needs `{field}`")
        if self.type == "mastodon" and not (self.instance or self.api_base):
            raise ValueError("type 'mastodon' needs `instance` (or `api_base`)")
        if self.type == "bluesky" and not (self.actor or self.query):
            raise ValueError("type 'bluesky' needs `actor` (author feed) or `query` (search)")
        if self.type == "reddit" and not (self.subreddit or self.query):
            raise ValueError("type 'reddit' needs `subreddit` or `query`")
        if self.tag is not None and self.tag.startswith("#"):
            raise ValueError("tag is written without '#'")
        return self


def _header_lines(text: str) -> list[int]:
    """Return the 1-based line numbers of every `[[source]]` header, in order."""
    lines: list[int] = []
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        # Skip headers that sit inside multi-line strings (rare, but a false line number is worse than none).
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = None if in_multiline == quote else (in_multiline or quote)
        if in_multiline is None and _HEADER_RE.match(line):
            lines.append(number)
    return lines


def parse_sources(text: str, origin: str = "<string>") -> list[SourceConfig]:
    """Validate watch-list TOML text; raise SourcesError naming `origin` and the line of the bad entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{origin}: invalid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise SourcesError(f"{origin}: unknown top-level key(s) {unknown}; entries go in [[source]] tables")
    entries: Any = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{origin}: `source` must be an array of tables ([[source]])")
    headers = _header_lines(text)
    out: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        line = headers[index] if index < len(headers) else None
        where = f"{origin}:{line}" if line else f"{origin} (entry {index + 1})"
        if not isinstance(entry, dict):
            raise SourcesError(f"{where}: entry {index + 1} is not a table")
        try:
            cfg = SourceConfig(**entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "entry"
            msg = str(first["msg"]).removeprefix("Value error, ")
            label = entry.get("name", f"#{index + 1}")
            raise SourcesError(f"{where}: source {label!r}: {loc}: {msg}") from exc
        if cfg.name in seen:
            raise SourcesError(f"{where}: duplicate source name {cfg.name!r} (first at entry {seen[cfg.name] + 1})")
        seen[cfg.name] = index
        out.append(cfg)
    return out


def load_sources(path: str | Path) -> list[SourceConfig]:
    """Read and validate a watch-list file; raise SourcesError naming the file and line of a bad entry."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{p}: cannot read watch list: {exc.strerror or exc}") from exc
    return parse_sources(text, str(p))
