"""The one HTTP client every scraper uses: polite, bounded, and testable.

- a named User-Agent, a rate limit (default 3 requests/second) shared by all calls of one client;
- retries with exponential back-off (tenacity) on connection errors, timeouts, a body cut off mid-way,
  HTTP 429 (honouring Retry-After, capped) and 5xx; always bounded by `retries`;
- conditional requests (If-None-Match / If-Modified-Since) from what the raw store saw last time: a 304
  gives back the stored body without transferring it again;
- every body is kept in the raw store (content-addressed) with url, time, status and validators;
- pages served with status 200 that are really "not found" pages (officielebekendmakingen answers an
  unknown .xml URL with an HTML "pagina niet gevonden") raise `NotFound`, never become a document;
- limits (`Limits`, per kind of response): the decoded body size and the decompression ratio are checked while
  the body streams in (reading stops past them), one deadline covers a whole request (retries and redirects
  included); redirects are followed by hand, only to http(s) and only within the source's own hosts
  (`same_source`), and the response keeps the final URL (provenance). A breach raises `LimitExceeded` or
  `Refused`: one line, never retried;
- a transport seam: pass `transport=` (any httpx transport) or point base URLs at a local server.
"""
from __future__ import annotations

import email.utils
import os
import zlib
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Callable, Iterable, Mapping, Optional
from urllib.parse import urlsplit

import httpx
import tenacity

USER_AGENT = "kamerstukken/0.1 (+https://github.com/kamerstukken/kamerstukken)"

DEFAULTS = {
    "KAMERSTUKKEN_SRU_URL": "https://repository.overheid.nl/sru",
    "KAMERSTUKKEN_OB_URL": "https://zoek.officielebekendmakingen.nl",
    "KAMERSTUKKEN_ODATA_URL": "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0",
    "KAMERSTUKKEN_EK_URL": "https://www.eerstekamer.nl",
    "KAMERSTUKKEN_ROB_URL": "https://www.raadopenbaarbestuur.nl",
}


def base_url(var: str, explicit: Optional[str] = None) -> str:
    """The base address of a source: explicit argument, else the environment variable, else the default."""
    return (explicit or os.environ.get(var) or DEFAULTS[var]).rstrip("/")


class FetchError(Exception):
    """A fetch failed. `network` is True only when the source could not be reached at all (connection errors
    and timeouts after the retries): a scrape stops there and resumes on the next run; any other FetchError is
    the failure of that one record."""

    network = False

    def __init__(self, message: str, url: str = "", status: Optional[int] = None):
        super().__init__(message)
        self.url = url
        self.status = status


class LimitExceeded(FetchError):
    """The body grew past a limit (size, decompression ratio) or the request ran past its deadline."""


class Refused(FetchError):
    """A URL (redirect target, nextLink, item URL) outside the source's own hosts or not http(s)."""


class Unavailable(FetchError):
    """A maintenance / "service unavailable" page served where a document was expected."""


class NotFound(FetchError):
    """404, or a 200 page that says "niet gevonden" where a document was expected."""


class TransientError(FetchError):
    """429 / 5xx: worth retrying. `retry_after` in seconds when the server said so."""

    def __init__(self, message: str, url: str = "", status: Optional[int] = None,
                 retry_after: Optional[float] = None):
        super().__init__(message, url, status)
        self.retry_after = retry_after


class IncompleteBody(FetchError):
    """The body was shorter than Content-Length said (connection dropped mid-body)."""


RETRYABLE = (httpx.TransportError, TransientError, IncompleteBody)


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    hash: Optional[str] = None          # content hash in the raw store
    not_modified: bool = False          # 304: body comes from the raw store

    def json(self) -> Any:
        import json
        return json.loads(self.content.decode("utf-8-sig"))


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    delta = dt.timestamp() - (now if now is not None else time.time())
    return max(0.0, delta)


_NOT_FOUND_RE = re.compile(rb"(pagina|document|bestand|page)\s+(is\s+)?niet\s+gevonden|page not found|"
                           rb"404\s*[-:|]?\s*not found|<title>[^<]*\b404\b", re.I)


def looks_not_found(content: bytes, expect: Optional[str]) -> bool:
    """Is this a "not found" page served with status 200?

    `expect` is what the URL should give: "xml", "pdf", "json", "html" or None. An HTML page where XML, PDF
    or JSON was expected is never the document; an HTML page that says "niet gevonden" in its head is a
    not-found page even when HTML was expected.
    """
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    low = head.lower()
    is_html = low.startswith(b"<!doctype html") or low.startswith(b"<html") or b"<html" in low[:300]
    if expect == "pdf":
        return not head.startswith(b"%PDF")
    if expect in ("xml", "json") and is_html:
        return True
    if expect == "json" and not (head.startswith(b"{") or head.startswith(b"[")):
        return True
    if is_html or expect in (None, "html"):
        m = re.search(rb"<title[^>]*>(.*?)</title>", content[:20000], re.I | re.S)
        title = m.group(1) if m else b""
        h1 = re.search(rb"<h1[^>]*>(.*?)</h1>", content[:40000], re.I | re.S)
        probe = title + b" " + (h1.group(1) if h1 else b"")
        if _NOT_FOUND_RE.search(probe):
            return True
    return False


_UNAVAILABLE_RE = re.compile(rb"^\W*(gepland\s+|technisch\s+)?onderhoud\b|wegens\s+onderhoud|in\s+onderhoud|"
                             rb"maintenance|tijdelijk\s+niet\s+(beschikbaar|bereikbaar)|"
                             rb"service\s+(temporarily\s+)?unavailable|^\W*503\b|^\W*storing\W*$", re.I)


def looks_unavailable(content: bytes, expect: Optional[str]) -> bool:
    """A maintenance page ("Onderhoud", "Service unavailable") served with 200: its title or first heading says
    so. Only a short HTML page is taken for one (a real document may mention "onderhoud" in its title)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not (head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:300]):
        return False
    if expect in ("html", None) and len(content) > 20000:
        return False
    m = re.search(rb"<title[^>]*>(.*?)</title>", content[:20000], re.I | re.S)
    h1 = re.search(rb"<h1[^>]*>(.*?)</h1>", content[:40000], re.I | re.S)
    probes = [(x.group(1) if x else b"").strip() for x in (m, h1)]
    return any(_UNAVAILABLE_RE.search(p) for p in probes if p)


class RateLimiter:
    """At most `rate` requests per second (minimum spacing), thread-safe. rate <= 0 disables it."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self.clock()
            delay = self._next - now
            if delay > 0:
                self.sleep(delay)
                now = self.clock()
            self._next = max(now, self._next) + self.interval


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    not_modified: int = 0
    errors: int = 0
    bytes: int = 0
    by_status: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"requests": self.requests, "retries": self.retries, "not_modified": self.not_modified,
                "errors": self.errors, "bytes": self.bytes, "by_status": dict(self.by_status)}


MB = 1024 * 1024


def _size(value: str) -> int:
    """"64M", "2G", "500K" or a number of bytes."""
    v = value.strip().upper().rstrip("B")
    mult = {"K": 1024, "M": MB, "G": 1024 * MB}.get(v[-1:], 1)
    return int(float(v[:-1] if mult > 1 else v) * mult)


PER_KIND_BYTES = {"pdf": 200 * MB, "html": 16 * MB, "json": 64 * MB, "xml": 64 * MB, None: 64 * MB}


@dataclass(frozen=True)
class Limits:
    """What one request may cost. The decoded body cap is per kind of response (the `expect` of `get`,
    PER_KIND_BYTES) unless `max_bytes` sets one cap for all; the decompression ratio is checked once
    `ratio_floor` bytes are decoded (small bodies legitimately compress well)."""
    max_bytes: Optional[int] = None
    max_ratio: float = 200.0
    ratio_floor: int = 1 * MB
    deadline: float = 120.0
    max_redirects: int = 5

    def bytes_for(self, expect: Optional[str]) -> int:
        return self.max_bytes if self.max_bytes else PER_KIND_BYTES.get(expect, PER_KIND_BYTES[None])

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Limits":
        """$KAMERSTUKKEN_MAX_BODY (e.g. 64M: one cap for every kind), $KAMERSTUKKEN_MAX_RATIO,
        $KAMERSTUKKEN_FETCH_DEADLINE (seconds per request)."""
        kw: dict[str, Any] = {}
        if env.get("KAMERSTUKKEN_MAX_BODY"):
            kw["max_bytes"] = _size(env["KAMERSTUKKEN_MAX_BODY"])
        if env.get("KAMERSTUKKEN_MAX_RATIO"):
            kw["max_ratio"] = float(env["KAMERSTUKKEN_MAX_RATIO"])
        if env.get("KAMERSTUKKEN_FETCH_DEADLINE"):
            kw["deadline"] = float(env["KAMERSTUKKEN_FETCH_DEADLINE"])
        return cls(**kw)


# hosts that belong together: a redirect may move between hosts of one family (plus the configured base URLs)
HOST_FAMILIES = (
    {"repository.overheid.nl", "zoek.officielebekendmakingen.nl", "officielebekendmakingen.nl",
     "www.officielebekendmakingen.nl", "repository.officiele-overheidspublicaties.nl"},
    {"gegevensmagazijn.tweedekamer.nl", "www.tweedekamer.nl", "tweedekamer.nl"},
    {"www.eerstekamer.nl", "eerstekamer.nl"},
    {"www.raadopenbaarbestuur.nl", "raadopenbaarbestuur.nl"},
)


def origin(url: str) -> str:
    """host[:port] of a URL, the port left out when it is the scheme's default (http→https keeps the origin)."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return ""
    if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)):
        return host
    return f"{host}:{port}"


def same_source(a: str, b: str, extra: Iterable[str] = ()) -> bool:
    """May a fetch of URL `a` go on to URL `b`? Only http(s), and the same origin, an origin of the same
    family (HOST_FAMILIES), or one of `extra` (origins, e.g. from $KAMERSTUKKEN_ALLOWED_HOSTS)."""
    try:
        scheme = urlsplit(b).scheme.lower()
    except ValueError:
        return False
    if scheme not in ("http", "https"):
        return False
    oa, ob = origin(a), origin(b)
    if not ob:
        return False
    if oa == ob or ob in set(extra):
        return True
    return any(oa in fam and ob in fam for fam in HOST_FAMILIES)


def check_url(url: Any, base: str, what: str, extra: Iterable[str] = ()) -> str:
    """A URL taken from a response (nextLink, itemUrl): a string, http(s), within the source of `base`."""
    if not isinstance(url, str) or not url.strip():
        raise Refused(f"{what} is not a URL: {str(url)[:80]!r}", base, 200)
    url = url.strip()
    if not same_source(base, url, extra):
        raise Refused(f"{what} {url[:200]!r} is outside the source {origin(base)!r} (or not http/https); "
                      f"refused", url, 200)
    return url


def env_hosts(env: Mapping[str, str] = os.environ) -> frozenset[str]:
    """Extra origins a redirect may go to: $KAMERSTUKKEN_ALLOWED_HOSTS (comma-separated host[:port])."""
    return frozenset(h.strip().lower() for h in env.get("KAMERSTUKKEN_ALLOWED_HOSTS", "").split(",") if h.strip())


class _Inflater:
    """Streaming Content-Encoding decoder that never gives more than it is asked for (zlib max_length)."""

    def __init__(self, encoding: str, url: str, status: int):
        enc = (encoding or "identity").strip().lower()
        self.url, self.status, self.enc = url, status, enc
        if enc in ("", "identity"):
            self.z = None
        elif enc in ("gzip", "x-gzip"):
            self.z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self.z, self._raw_deflate = zlib.decompressobj(), False
        else:
            raise FetchError(f"unsupported Content-Encoding {enc[:40]!r} from {url}", url, status)

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode `data`; at most room+1 bytes come back (one more than room means: over the limit)."""
        if self.z is None:
            return data[:room + 1]
        try:
            return self.z.decompress(data, room + 1)
        except zlib.error as exc:
            if self.enc == "deflate" and not self._raw_deflate:   # deflate without the zlib header
                self.z, self._raw_deflate = zlib.decompressobj(-zlib.MAX_WBITS), True
                return self.feed(data, room)
            raise FetchError(f"bad {self.enc} body from {self.url}: {exc}", self.url, self.status) from None


class HttpClient:
    """`HttpClient(rawstore=RawStore(...))`; `client.get(url, params, expect="xml")`.

    retries: how many times one request is retried (so at most retries+1 attempts); back-off doubles from
    `backoff` seconds up to `max_backoff`; a Retry-After is honoured up to `max_retry_after` seconds.
    """

    def __init__(self, *, rawstore=None, rate: float = 3.0, retries: int = 4, backoff: float = 1.0,
                 max_backoff: float = 30.0, max_retry_after: float = 120.0, timeout: float = 30.0,
                 transport: Optional[httpx.BaseTransport] = None, user_agent: str = USER_AGENT,
                 sleep: Callable[[float], None] = time.sleep, conditional: bool = True,
                 limits: Optional[Limits] = None, allowed_hosts: Iterable[str] = ()):
        self.rawstore = rawstore
        self.limits = limits or Limits.from_env()
        self.allowed_hosts = frozenset(allowed_hosts) | env_hosts()
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff, self.max_backoff, self.max_retry_after = backoff, max_backoff, max_retry_after
        self.sleep = sleep
        self.conditional = conditional
        self.limiter = RateLimiter(rate, sleep=sleep)
        self.stats = Stats()
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False, transport=transport)

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ requests
    def _wait(self, retry_state: tenacity.RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, TransientError) and exc.retry_after is not None:
            return min(exc.retry_after, self.max_retry_after)
        n = max(0, retry_state.attempt_number - 1)
        return min(self.max_backoff, self.backoff * (2 ** n))

    def _before_sleep(self, retry_state: tenacity.RetryCallState) -> None:
        self.stats.retries += 1

    def get(self, url: str, params: Optional[Mapping[str, Any]] = None, *, expect: Optional[str] = None,
            conditional: Optional[bool] = None, headers: Optional[Mapping[str, str]] = None,
            store: bool = True) -> Response:
        """GET with retries. Raises NotFound, FetchError (other 4xx, or retries exhausted)."""
        full_url = str(httpx.URL(url, params=params)) if params else url
        use_cond = self.conditional if conditional is None else conditional
        req_headers = dict(headers or {})
        previous = None
        if use_cond and self.rawstore is not None:
            previous = self.rawstore.latest_for(full_url)
            if previous and previous.get("status") == 200:
                if previous.get("etag"):
                    req_headers["If-None-Match"] = previous["etag"]
                if previous.get("last_modified"):
                    req_headers["If-Modified-Since"] = previous["last_modified"]
            else:
                previous = None

        deadline = time.monotonic() + self.limits.deadline
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RETRYABLE),
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=self._wait, sleep=self.sleep, before_sleep=self._before_sleep, reraise=True)
        try:
            final_url, resp = retrying(self._attempt, full_url, req_headers, expect, deadline)
        except RETRYABLE as exc:
            self.stats.errors += 1
            if isinstance(exc, FetchError):
                raise
            err = FetchError(f"{type(exc).__name__}: {exc or 'no answer'} ({full_url})", full_url)
            err.network = True
            raise err from exc
        except FetchError:
            self.stats.errors += 1
            raise

        if resp.status_code == 304 and previous is not None:
            body = self.rawstore.get(previous["hash"]) if self.rawstore else None
            if body is not None:
                self.stats.not_modified += 1
                return Response(final_url, 200, body, dict(resp.headers), previous["hash"], not_modified=True)
            # the stored body is gone: ask again without validators
            return self.get(url, params, expect=expect, conditional=False, headers=headers, store=store)

        content = resp.content
        h = None
        if store and self.rawstore is not None:
            h = self.rawstore.put(full_url, resp.status_code, content, resp.headers, final_url=final_url)
        if resp.status_code == 404 or resp.status_code == 410:
            raise NotFound(f"not found (HTTP {resp.status_code}): {full_url}", full_url, resp.status_code)
        if resp.status_code >= 400:
            self.stats.errors += 1
            raise FetchError(f"HTTP {resp.status_code} for {full_url}", full_url, resp.status_code)
        if resp.status_code == 200 and looks_unavailable(content, expect):
            raise Unavailable(f"a maintenance / unavailable page was served with status 200 for {full_url}",
                              full_url, 200)
        if resp.status_code == 200 and looks_not_found(content, expect):
            raise NotFound(f"not-found page served with status 200 for {full_url}", full_url, 200)
        return Response(final_url, resp.status_code, content, dict(resp.headers), h)

    def _attempt(self, url: str, headers: Mapping[str, str], expect: Optional[str],
                 deadline: float) -> tuple[str, httpx.Response]:
        """One attempt: follow redirects by hand (same source, http(s) only), read the body within limits."""
        current = url
        for _hop in range(self.limits.max_redirects + 1):
            left = deadline - time.monotonic()
            if left <= 0:
                raise LimitExceeded(f"gave up on {url}: no complete answer within the {self.limits.deadline:g} s "
                                    f"deadline", url)
            self.limiter.wait()
            self.stats.requests += 1
            timeout = httpx.Timeout(min(self.timeout, left), connect=min(self.timeout, 10.0, left))
            with self._client.stream("GET", current, headers=headers, timeout=timeout) as resp:
                status = resp.status_code
                self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
                if status in (301, 302, 303, 307, 308) and resp.headers.get("location"):
                    current = self._redirect_target(url, current, resp)
                    continue
                body, raw_len = self._read(resp, current, expect, deadline)
            return current, self._finish_attempt(current, resp, body, raw_len)
        raise Refused(f"too many redirects (more than {self.limits.max_redirects}) from {url}", url, 310)

    def _redirect_target(self, url: str, current: str, resp: httpx.Response) -> str:
        try:
            target = str(httpx.URL(current).join(resp.headers["location"]))
        except (httpx.InvalidURL, ValueError) as exc:
            raise Refused(f"bad redirect from {current}: {exc}", url, resp.status_code) from None
        if not same_source(url, target, self.allowed_hosts):
            raise Refused(f"refused redirect from {current} to {target[:200]}: not within the source's own "
                          f"hosts ({origin(url)}) or not http(s)", url, resp.status_code)
        return target

    def _read(self, resp: httpx.Response, url: str, expect: Optional[str], deadline: float) -> tuple[bytes, int]:
        """The decoded body, stopping as soon as it passes the size cap, the ratio or the deadline."""
        cap, lim = self.limits.bytes_for(expect), self.limits
        dec = _Inflater(resp.headers.get("content-encoding", ""), url, resp.status_code)
        body, raw_len = bytearray(), 0
        for chunk in resp.iter_raw():
            raw_len += len(chunk)
            # never decode more than both limits allow at this point: a bomb is stopped before it inflates
            allowed = min(cap, max(lim.ratio_floor, int(lim.max_ratio * raw_len)))
            body += dec.feed(chunk, allowed - len(body))
            if len(body) > allowed and allowed == cap:
                raise LimitExceeded(f"body of {url} is larger than the {cap // MB} MB limit for "
                                    f"{expect or 'this kind of'} responses; stopped reading", url, resp.status_code)
            if len(body) > allowed:
                raise LimitExceeded(f"body of {url} decompresses more than {lim.max_ratio:g}x "
                                    f"({raw_len} bytes gave over {allowed}); a compression bomb? stopped reading",
                                    url, resp.status_code)
            if time.monotonic() > deadline:
                raise LimitExceeded(f"gave up on {url}: the body was still coming in after the "
                                    f"{lim.deadline:g} s deadline ({raw_len} bytes)", url, resp.status_code)
        return bytes(body), raw_len

    def _finish_attempt(self, url: str, resp: httpx.Response, body: bytes, raw_len: int) -> httpx.Response:
        status = resp.status_code
        self.stats.bytes += raw_len
        expected = resp.headers.get("content-length")
        if expected and expected.isdigit() and status != 304 and raw_len < int(expected):
            raise IncompleteBody(f"body cut off: {raw_len} of {expected} bytes from {url}", url, status)
        if status == 429 or status >= 500:
            raise TransientError(f"HTTP {status} from {url}", url, status,
                                 parse_retry_after(resp.headers.get("retry-after")))
        # Rebuild a plain response carrying the decoded body (the stream is closed now).
        return httpx.Response(status, headers=_drop_encoding(resp.headers), content=body, request=resp.request)


def _drop_encoding(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
