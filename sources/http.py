"""A polite, defensive async HTTP client: the only way claimwatch talks to the network.

Politeness: robots.txt (RFC 9309, cached per host for 24 h), per-host concurrency and a minimum interval
between request starts (raised to a robots Crawl-delay), conditional GET (ETag / Last-Modified; a 304 carries
no body), retries with exponential backoff that honour Retry-After on 429/503, and a User-Agent with a
contact URL.

Defence: connect/read timeouts plus a total deadline per attempt (a server dripping one byte per read
timeout cannot hold a slot forever), a body-size cap enforced while streaming (never buffering a runaway
body), gzip/deflate decoded by us with a cap on the *decompressed* size (gzip-bomb safe), redirects followed
by hand so every hop is checked, and an SSRF guard: non-http(s) schemes and private, loopback, link-local,
multicast, reserved or otherwise non-global addresses are refused unless the source opts in with
`allow_private`. The address check runs where the socket is opened, on every address the name resolves to,
so DNS rebinding and redirects to internal hosts are caught too.

Every attempt (success, retry or failure) becomes a `FetchLog` row.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import ipaddress
import json
import logging
import random
import socket
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import anyio
import httpcore
import httpx
from protego import Protego

from schemas import FetchLog
from schemas.charset import detect_encoding
from sources.config import FetchSettings as Settings
from sources.config import SourceConfig

log = logging.getLogger(__name__)

__all__ = [
    "ARTICLE_TYPES",
    "CacheEntry",
    "PoliteClient",
    "Response",
    "RobotsEntry",
    "SSRFBlocked",
    "check_url",
    "is_forbidden_address",
    "robots_token",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_ERRORS = frozenset({"timeout", "connect", "reset"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# RFC 9309 §2.4: a crawler should not use a cached robots.txt for more than 24 hours.
ROBOTS_TTL = timedelta(hours=24)
# RFC 9309 §2.3.1.4: a robots.txt that answers 5xx or cannot be reached means "disallow everything". That verdict
# is cached too, but briefly: long enough not to hammer a struggling server from every source of a run and the
# next scheduled ingest (30 min by default), short enough that a recovered site is crawled again the same hour.
ROBOTS_UNREACHABLE_TTL = timedelta(minutes=30)
# RFC 9309 §2.5: parse at least the first 500 KiB of a robots.txt.
ROBOTS_MAX_BYTES = 512 * 1024
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# What an article link may be: HTML (or text/XML served for it). PDFs, images and video are not parsed.
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml")


class SSRFBlocked(httpcore.ConnectError):
    """Raised at connect time when a host resolves to an address the source may not reach."""


@dataclass
class CacheEntry:
    """Validators remembered for one URL, for conditional GET."""

    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None


@dataclass
class RobotsEntry:
    """A host's robots.txt as last fetched: body empty for 4xx (allow all); status 0 or 5xx when unreachable."""

    body: str
    status: int
    fetched_at: datetime

    @property
    def unreachable(self) -> bool:
        """True when the fetch failed (network error, timeout or 5xx): the host is disallowed until expiry."""
        return not 200 <= self.status < 500

    @property
    def expires_at(self) -> datetime:
        """When this entry must be fetched again: 24 h for a robots.txt that answered, 30 min for a failure."""
        return self.fetched_at + (ROBOTS_UNREACHABLE_TTL if self.unreachable else ROBOTS_TTL)


@dataclass
class Response:
    """The outcome of one logical fetch (after redirects and retries)."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    not_modified: bool = False
    error_class: str | None = None
    message: str | None = None
    log: FetchLog | None = None
    # A later caller's copy of a URL this run has already fetched (PoliteClient.get_once): status, headers and
    # log as the first caller saw them, no body. The first caller kept the body as a RawItem; the same URL and
    # body make the same item id, which the warehouse would ignore as a duplicate anyway.
    repeat: bool = False

    @property
    def ok(self) -> bool:
        """True for a 2xx body or a 304."""
        good_status = self.status is not None and 200 <= self.status < 300
        return self.error_class is None and (self.not_modified or good_status)

    @property
    def transient(self) -> bool:
        """True if the failure may go away on a later run (timeouts, 5xx, 429, resets)."""
        return self.error_class in RETRY_ERRORS or (self.status in RETRY_STATUSES)

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        """The ETag header, if any."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified header, if any."""
        return self.headers.get("last-modified")

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the body."""
        return hashlib.sha256(self.body).hexdigest()

    @property
    def encoding(self) -> str | None:
        """The body's character encoding (header, BOM, declaration or detection); None for binary types."""
        ctype = (self.content_type or "").lower()
        if not self.body or any(t in ctype for t in ("image/", "audio/", "video/", "application/pdf", "octet-stream")):
            return None
        return detect_encoding(self.body, self.content_type)

    def text(self) -> str:
        """The body decoded with its detected encoding (undecodable bytes replaced)."""
        return self.body.decode(self.encoding or "utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError on malformed JSON)."""
        return json.loads(self.body.decode(self.encoding or "utf-8", errors="replace"))

    def fail(self, error_class: str, message: str) -> None:
        """Mark this fetch as failed after the fact (e.g. the body did not parse); updates its log row."""
        self.error_class = error_class
        self.message = message
        if self.log is not None:
            self.log.ok = False
            self.log.error_class = error_class
            self.log.message = message[:500]


# ------------------------------------------------------------------------------------------- SSRF guard


def is_forbidden_address(address: str) -> bool:
    """True if an IP address is not a public unicast address (private, loopback, link-local, reserved...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )


def check_url(url: str, allow_private: bool) -> str | None:
    """Return why a URL may not be fetched (scheme, missing host, literal private address), or None if fine."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"unparseable URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme or '(none)'!r} is not allowed (http and https only)"
    host = parts.hostname
    if not host:
        return "URL has no host"
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"host {host} is loopback"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked on every resolved address when the socket is opened
    if is_forbidden_address(host):
        return f"address {host} is private, loopback, link-local, multicast or reserved"
    return None


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host itself, refuses non-global addresses, then connects to the checked address."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise httpcore.ConnectError(f"{host} did not resolve")
        bad = [a for a in addresses if is_forbidden_address(a)]
        if bad:
            # Any forbidden answer refuses the host: a mixed answer is how rebinding attacks hide.
            raise SSRFBlocked(f"{host} resolves to non-public address {bad[0]}")
        return await self._inner.connect_tcp(addresses[0], port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _make_client(settings: Settings, guarded: bool) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=max(settings.total_concurrency, 1) * 2, max_keepalive_connections=32)
    # trust_env=False: an environment proxy would make the address check inspect the proxy, not the target.
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False)
    if guarded:
        # httpx exposes no network-backend option; the pool's backend is the one place every socket opens.
        pool = transport._pool
        pool._network_backend = _GuardedBackend(pool._network_backend)
    timeout = httpx.Timeout(
        connect=settings.connect_timeout, read=settings.read_timeout, write=settings.read_timeout,
        pool=settings.connect_timeout + settings.read_timeout,
    )
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)


# -------------------------------------------------------------------------------------------- decoding


class _TooLargeError(Exception):
    pass


class _Decoder:
    """Incremental Content-Encoding decoder that refuses to inflate past a cap."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self.out: list[bytes] = []
        enc = encoding.strip().lower()
        self.mode = "identity" if enc in ("", "identity") else enc
        if self.mode in ("gzip", "x-gzip"):
            self._z: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.mode == "deflate":
            self._z = zlib.decompressobj(zlib.MAX_WBITS)
            self._raw_fallback = True
        elif self.mode != "identity":
            raise ValueError(f"unsupported content-encoding {encoding!r}")

    def _emit(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.cap:
            raise _TooLargeError(f"decoded body exceeds {self.cap} bytes")
        self.out.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.mode == "identity":
            self._emit(chunk)
            return
        data = chunk
        while data:
            try:
                piece = self._z.decompress(data, self.cap - self.total + 1)
            except zlib.error:
                # "deflate" is sent both zlib-wrapped (RFC) and raw (common); retry raw once at the start.
                if self.mode == "deflate" and getattr(self, "_raw_fallback", False) and self.total == 0:
                    self._raw_fallback = False
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._raw_fallback = False
            self._emit(piece)
            data = self._z.unconsumed_tail

    def finish(self) -> bytes:
        if self.mode != "identity":
            self._emit(self._z.flush())
        return b"".join(self.out)


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _type_ok(content_type: str | None, accepted: Sequence[str]) -> bool:
    """True if a Content-Type is missing (servers often omit it) or starts with one of the accepted types."""
    if not content_type:
        return True
    ctype = content_type.split(";", 1)[0].strip().lower()
    return any(ctype.startswith(a) for a in accepted)


def _origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}".lower()


def _redact(text: str, secrets: Iterable[str]) -> str:
    for s in secrets:
        if s and len(s) >= 4:
            text = text.replace(s, "***")
    return text


# Every credential a request carried in this process. httpx and httpcore log at DEBUG the response headers a
# server sent back, and a buggy or hostile API may echo a token there; their records are scrubbed of these.
_SENT_SECRETS: set[str] = set()


class _RedactSecrets(logging.Filter):
    """Replace any credential sent by this process with *** in the HTTP libraries' own log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SENT_SECRETS:
            text = record.getMessage()
            clean = _redact(text, tuple(_SENT_SECRETS))
            if clean != text:
                record.msg, record.args = clean, None
        return True


_REDACTOR = _RedactSecrets()
# Logger filters do not apply to records of child loggers, so each logger httpx/httpcore write to gets one.
for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
              "httpcore.connection_pool"):
    logging.getLogger(_name).addFilter(_REDACTOR)


def _classify(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout"
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, SSRFBlocked) or isinstance(cause, SSRFBlocked):
        return "ssrf"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return "reset"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "bad_url"
    if isinstance(exc, zlib.error | ValueError):
        return "decode"
    return "network"


@dataclass
class _Host:
    sem: asyncio.Semaphore
    lock: asyncio.Lock
    robots_lock: asyncio.Lock
    interval: float
    next_start: float = 0.0
    robots: Protego | None = None
    robots_error: str | None = None
    robots_loaded: bool = False


@dataclass
class _Attempt:
    status: int | None
    headers: dict[str, str]
    body: bytes
    error_class: str | None
    message: str | None
    log: FetchLog


Sleep = Callable[[float], Awaitable[None]]


class PoliteClient:
    """Async HTTP client shared by every connector of a run; collects fetch-log rows and cache rows."""

    def __init__(
        self,
        settings: Settings,
        run_id: str,
        cache: Mapping[str, CacheEntry] | None = None,
        robots: dict[str, RobotsEntry] | None = None,
        *,
        sleep: Sleep | None = None,
    ) -> None:
        self.settings = settings
        self.run_id = run_id
        # Conditional headers use the validators known when the run started, never ones learned during it:
        # a URL fetched twice in one run (a page source that a feed also links) must not 304 itself away. The
        # start state is only read (at a year's history it holds a million URLs: never copied); what this run
        # learns goes to `cache` (and `cache_rows`, which the caller stores).
        self._validators: Mapping[str, CacheEntry] = cache if cache is not None else {}
        self.cache: dict[str, CacheEntry] = {}
        self.robots: dict[str, RobotsEntry] = robots if robots is not None else {}
        self.fetches: list[FetchLog] = []  # rows not yet taken (take_fetches) by a caller that stores them
        # Attempts, failures and 304s of the whole run, also counting rows already taken.
        self.fetch_counts: dict[str, int] = {"attempts": 0, "failed_attempts": 0, "not_modified": 0}
        self.cache_rows: dict[str, dict[str, Any]] = {}
        self.robots_rows: dict[str, dict[str, Any]] = {}
        self.bodies_downloaded = 0
        self._sleep: Sleep = sleep or asyncio.sleep
        self._hosts: dict[str, _Host] = {}
        self._global = asyncio.Semaphore(max(settings.total_concurrency, 1))
        self._clients: dict[bool, httpx.AsyncClient] = {}
        self._once: dict[tuple[str, bool], asyncio.Future[Response]] = {}

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying connection pools."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    def _client(self, allow_private: bool) -> httpx.AsyncClient:
        guarded = not allow_private
        if guarded not in self._clients:
            self._clients[guarded] = _make_client(self.settings, guarded)
        return self._clients[guarded]

    def _host(self, url: str) -> _Host:
        key = _origin(url)
        host = self._hosts.get(key)
        if host is None:
            host = _Host(
                sem=asyncio.Semaphore(max(self.settings.per_host_concurrency, 1)),
                lock=asyncio.Lock(), robots_lock=asyncio.Lock(), interval=max(self.settings.per_host_interval, 0.0),
            )
            self._hosts[key] = host
        return host

    # ------------------------------------------------------------------------------------- public API

    async def get(
        self, url: str, *, source: SourceConfig, conditional: bool = True,
        headers: dict[str, str] | None = None, secrets: Sequence[str] = (), check_robots: bool = True,
        accept_types: Sequence[str] | None = None,
    ) -> Response:
        """GET a URL politely; a 304 (conditional) returns not_modified with no body.

        `check_robots=False` is for documented APIs (their terms, not robots.txt, govern programmatic use);
        pages, feeds and linked articles always go through robots.txt. With `accept_types`, a response whose
        Content-Type matches none of them (a PDF, a video) is closed unread and recorded as 'content_type'.
        """
        return await self._fetch(
            "GET", url, source, conditional=conditional, headers=headers, secrets=secrets, check_robots=check_robots,
            accept_types=accept_types,
        )

    async def get_once(
        self, url: str, *, source: SourceConfig, conditional: bool = True, accept_types: Sequence[str] | None = None,
    ) -> Response:
        """GET a URL at most once per run (articles linked from several entries or posts share one fetch)."""
        key = (url, source.allow_private)  # never share a fetch across different SSRF policies
        task = self._once.get(key)
        if task is None:
            task = asyncio.ensure_future(
                self.get(url, source=source, conditional=conditional, accept_types=accept_types)
            )
            self._once[key] = task
            task.add_done_callback(lambda done: self._settle_once(key, done))
        return await asyncio.shield(task)

    def _settle_once(self, key: tuple[str, bool], task: asyncio.Future[Response]) -> None:
        """Keep a finished shared fetch without its body: the run must not hold every body it fetched."""
        if task.cancelled() or task.exception() is not None:
            return
        settled: asyncio.Future[Response] = task.get_loop().create_future()
        settled.set_result(replace(task.result(), body=b"", repeat=True))
        self._once[key] = settled

    async def post_json(
        self, url: str, payload: Any, *, source: SourceConfig, headers: dict[str, str] | None = None,
        secrets: Sequence[str] = (),
    ) -> Response:
        """POST a JSON payload (never logged) and return the response."""
        body = json.dumps(payload).encode("utf-8")
        hdrs = {"content-type": "application/json", **(headers or {})}
        return await self._fetch(
            "POST", url, source, conditional=False, headers=hdrs, content=body, secrets=secrets, check_robots=False,
        )

    def remember(self, resp: Response) -> None:
        """Store a response's validators so the next run sends a conditional GET (call after processing it)."""
        now = datetime.now(UTC).replace(tzinfo=None)
        prev = self.cache.get(resp.url) or self._validators.get(resp.url)
        if resp.not_modified:
            entry = CacheEntry(
                etag=resp.etag or (prev.etag if prev else None),
                last_modified=resp.last_modified or (prev.last_modified if prev else None),
                sha256=prev.sha256 if prev else None,
            )
            status = 304
        elif resp.ok:
            entry = CacheEntry(etag=resp.etag, last_modified=resp.last_modified, sha256=resp.sha256)
            status = resp.status or 200
        else:
            return
        self.cache[resp.url] = entry
        self.cache_rows[resp.url] = {
            "url": resp.url, "etag": entry.etag, "last_modified": entry.last_modified,
            "sha256": entry.sha256, "status": status, "checked_at": now,
        }

    def refuse(self, url: str, source: SourceConfig, error_class: str, message: str) -> Response:
        """Record a fetch that was never attempted (bad URL, missing credentials) as a failed log row."""
        entry = self._log(source, url, datetime.now(UTC), 0.0, None, error_class, message, 0, False)
        return Response(url=url, final_url=url, error_class=error_class, message=message, log=entry)

    def take_fetches(self) -> list[FetchLog]:
        """The fetch log rows written since the last call, handed over (and forgotten here) to be stored."""
        rows, self.fetches = self.fetches, []
        return rows

    # --------------------------------------------------------------------------------------- internals

    def _log(
        self, source: SourceConfig, url: str, started: datetime, duration_ms: float, status: int | None,
        error_class: str | None, message: str | None, nbytes: int, not_modified: bool,
    ) -> FetchLog:
        entry = FetchLog(
            run_id=self.run_id, source=source.name, url=url, started_at=started, duration_ms=round(duration_ms, 3),
            status=status, ok=error_class is None, error_class=error_class,
            message=message[:500] if message else None, bytes=nbytes, not_modified=not_modified,
        )
        self.fetches.append(entry)
        self.fetch_counts["attempts"] += 1
        self.fetch_counts["failed_attempts"] += error_class is not None
        self.fetch_counts["not_modified"] += not_modified
        if error_class:
            log.info("fetch %s [%s]: %s %s", url, source.name, error_class, message or "")
        return entry

    async def _fetch(
        self, method: str, url: str, source: SourceConfig, *, conditional: bool, headers: dict[str, str] | None,
        content: bytes | None = None, secrets: Sequence[str] = (), check_robots: bool = True,
        max_bytes: int | None = None, accept_types: Sequence[str] | None = None,
    ) -> Response:
        current = url
        seen = {url}
        hops = 0
        _SENT_SECRETS.update(x for x in secrets if x and len(x) >= 4)
        hdrs = dict(headers or {})
        entry = self._validators.get(url) if conditional and method == "GET" else None
        while True:
            why = check_url(current, source.allow_private)
            if why:
                err = "bad_url" if "scheme" in why or "no host" in why or "unparseable" in why else "ssrf"
                resp = self.refuse(current, source, err, why)
                resp.url = url
                return resp
            if check_robots and self.settings.respect_robots:
                refusal = await self._robots_refusal(current, source)
                if refusal:
                    resp = self.refuse(current, source, "robots", refusal)
                    resp.url = url
                    return resp
            req_headers = {
                "user-agent": self.settings.user_agent, "accept-encoding": "gzip, deflate", "accept": DEFAULT_ACCEPT,
                **hdrs,
            }
            if entry is not None:
                if entry.etag:
                    req_headers["if-none-match"] = entry.etag
                if entry.last_modified:
                    req_headers["if-modified-since"] = entry.last_modified
            att = await self._with_retries(
                method, current, source, req_headers, content, secrets, max_bytes, accept_types,
            )
            if att.error_class is None and att.status in REDIRECT_STATUSES:
                location = att.headers.get("location")
                if not location:
                    att.log.ok = False
                    att.log.error_class = att.error_class = "http_status"
                    att.log.message = att.message = f"redirect {att.status} without Location"
                    return Response(
                        url, current, att.status, att.headers, b"", False, att.error_class, att.message, att.log,
                    )
                target = urljoin(current, location.strip())
                hops += 1
                problem = None
                if target in seen:
                    problem = ("redirect_loop", f"redirect loop: {target} was already visited")
                elif hops > self.settings.max_redirects:
                    problem = ("too_many_redirects", f"more than {self.settings.max_redirects} redirects")
                if problem:
                    att.log.ok = False
                    att.log.error_class, att.log.message = problem
                    return Response(url, current, att.status, att.headers, b"", False, problem[0], problem[1], att.log)
                if _origin(target) != _origin(current):
                    # Credentials are for the origin that was asked, never for wherever it redirects.
                    hdrs = {k: v for k, v in hdrs.items() if k.lower() not in ("authorization", "cookie")}
                if att.status in (301, 302, 303) and method == "POST":
                    method, content = "GET", None
                    hdrs.pop("content-type", None)
                seen.add(target)
                current = target
                continue
            return Response(
                url=url, final_url=current, status=att.status, headers=att.headers, body=att.body,
                not_modified=att.status == 304 and att.error_class is None,
                error_class=att.error_class, message=att.message, log=att.log,
            )

    async def _with_retries(
        self, method: str, url: str, source: SourceConfig, headers: dict[str, str], content: bytes | None,
        secrets: Sequence[str], max_bytes: int | None, accept_types: Sequence[str] | None,
    ) -> _Attempt:
        retries = max(self.settings.retries, 0)
        attempt = 0
        while True:
            att = await self._attempt(method, url, source, headers, content, secrets, max_bytes, accept_types)
            retryable = att.error_class in RETRY_ERRORS or (att.status in RETRY_STATUSES)
            if not retryable or attempt >= retries:
                return att
            delay = self.settings.backoff_seconds * (2**attempt)
            delay += random.uniform(0, delay * 0.1)
            if att.status in (429, 503):
                after = _retry_after(att.headers.get("retry-after"), datetime.now(UTC))
                if after is not None:
                    delay = after
            delay = min(delay, self.settings.max_retry_after)
            att.log.message = f"will retry in {delay:.2f}s (attempt {attempt + 1} of {retries + 1}): {att.log.message}"
            attempt += 1
            await self._sleep(delay)

    async def _attempt(
        self, method: str, url: str, source: SourceConfig, headers: dict[str, str], content: bytes | None,
        secrets: Sequence[str], max_bytes: int | None, accept_types: Sequence[str] | None = None,
    ) -> _Attempt:
        host = self._host(url)
        cap = max_bytes or self.settings.max_body_bytes
        async with host.sem:
            async with host.lock:
                now = time.monotonic()
                wait = host.next_start - now
                host.next_start = max(now, host.next_start) + host.interval
            if wait > 0:
                await self._sleep(wait)
            async with self._global:
                started = datetime.now(UTC)
                t0 = time.perf_counter()
                status: int | None = None
                resp_headers: dict[str, str] = {}
                body = b""
                error_class: str | None = None
                message: str | None = None
                nbytes = 0
                deadline = self.settings.connect_timeout + 3 * self.settings.read_timeout
                try:
                    async with asyncio.timeout(deadline):
                        client = self._client(source.allow_private)
                        async with client.stream(method, url, headers=headers, content=content) as r:
                            status = r.status_code
                            resp_headers = {k.lower(): v for k, v in r.headers.items()}
                            if status in REDIRECT_STATUSES or status == 304:
                                pass
                            elif status >= 400:
                                error_class = "http_status"
                                message = f"HTTP {status} {r.reason_phrase}".strip()
                            elif accept_types and not _type_ok(resp_headers.get("content-type"), accept_types):
                                error_class = "content_type"
                                message = f"not fetched: Content-Type {resp_headers.get('content-type')}"
                            else:
                                declared = resp_headers.get("content-length", "")
                                if declared.isdigit() and int(declared) > cap:
                                    raise _TooLargeError(f"Content-Length {declared} exceeds {cap} bytes")
                                decoder = _Decoder(resp_headers.get("content-encoding", ""), cap)
                                async for chunk in r.aiter_raw():
                                    nbytes += len(chunk)
                                    if nbytes > cap:
                                        raise _TooLargeError(f"body exceeds {cap} bytes")
                                    decoder.feed(chunk)
                                body = decoder.finish()
                                self.bodies_downloaded += 1
                except _TooLargeError as exc:
                    error_class, message, body = "too_large", str(exc), b""
                except Exception as exc:  # every network failure becomes a logged, classified attempt
                    error_class = _classify(exc)
                    if error_class == "timeout" and not str(exc):
                        message = f"no complete response within the timeouts ({type(exc).__name__})"
                    else:
                        message = f"{type(exc).__name__}: {exc}"
                    body = b""
                duration = (time.perf_counter() - t0) * 1000
        message = _redact(message, secrets) if message else message
        entry = self._log(
            source, url, started, duration, status, error_class, message, nbytes if body else 0,
            status == 304 and error_class is None,
        )
        if status in REDIRECT_STATUSES and error_class is None:
            entry.message = f"redirect to {resp_headers.get('location', '?')}"
        return _Attempt(status, resp_headers, body, error_class, message, entry)

    # ----------------------------------------------------------------------------------------- robots

    async def _robots_refusal(self, url: str, source: SourceConfig) -> str | None:
        host = self._host(url)
        async with host.robots_lock:
            if not host.robots_loaded:
                await self._load_robots(url, source, host)
                host.robots_loaded = True
        if host.robots_error:
            return host.robots_error
        if host.robots is None:
            return None
        if not host.robots.can_fetch(url, self._robots_token):
            return "disallowed by robots.txt"
        return None

    @property
    def _robots_token(self) -> str:
        """The product token robots.txt groups are matched against (RFC 9309 §2.2.1), e.g. 'claimwatch'."""
        return robots_token(self.settings.user_agent)

    async def _fetch_robots(self, origin: str, source: SourceConfig, now: datetime) -> RobotsEntry:
        """Fetch an origin's robots.txt once and classify the answer (RFC 9309 §2.3.1)."""
        resp = await self._fetch(
            "GET", origin + "/robots.txt", source, conditional=False, headers={"accept": "text/plain"},
            check_robots=False, max_bytes=ROBOTS_MAX_BYTES,
        )
        if resp.status is not None and 200 <= resp.status < 300 and resp.error_class is None:
            return RobotsEntry(body=resp.text(), status=resp.status, fetched_at=now)
        if resp.status is not None and 400 <= resp.status < 500:
            return RobotsEntry(body="", status=resp.status, fetched_at=now)  # §2.3.1.3: unavailable, allow all
        if resp.error_class == "too_large":
            return RobotsEntry(body="", status=resp.status or 200, fetched_at=now)
        status = resp.status if resp.status is not None and resp.status >= 500 else 0
        log.info("robots.txt of %s unreachable (%s: %s): not crawling it for %s", origin, resp.error_class,
                 resp.message, ROBOTS_UNREACHABLE_TTL)
        return RobotsEntry(body="", status=status, fetched_at=now)

    async def _load_robots(self, url: str, source: SourceConfig, host: _Host) -> None:
        origin = _origin(url)
        now = datetime.now(UTC).replace(tzinfo=None)
        cached = self.robots.get(origin)
        if cached is None or now >= cached.expires_at:
            fresh = await self._fetch_robots(origin, source, now)
            if fresh.unreachable and cached is not None and not cached.unreachable:
                # §2.4: a stale copy may stand in while robots.txt is unreachable; fetched again next run.
                log.info("robots.txt of %s unreachable: using the copy fetched at %s", origin, cached.fetched_at)
            else:
                cached = fresh
                self.robots[origin] = cached
                self.robots_rows[origin] = {
                    "host": origin, "body": cached.body, "status": cached.status, "fetched_at": cached.fetched_at,
                }
        if cached.unreachable:
            answer = f"HTTP {cached.status}" if cached.status else "no answer"
            host.robots_error = f"robots.txt unreachable ({answer}); not crawling before {cached.expires_at:%H:%M} UTC"
            return
        if cached.body:
            parser = Protego.parse(cached.body)
            host.robots = parser
            delay = parser.crawl_delay(self._robots_token)
            if delay:
                host.interval = max(host.interval, min(float(delay), self.settings.max_retry_after))


def robots_token(user_agent: str) -> str:
    """The product token of a User-Agent header: 'claimwatch/0.1 (+https://x)' → 'claimwatch'."""
    token = user_agent.strip().split("/", 1)[0].split(" ", 1)[0]
    return token or user_agent
