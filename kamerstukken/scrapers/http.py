"""The one HTTP client every scraper uses: polite, bounded, and testable.

- a named User-Agent, a rate limit (default 3 requests/second) shared by all calls of one client;
- retries with exponential back-off (tenacity) on connection errors, timeouts, a body cut off mid-way,
  HTTP 429 (honouring Retry-After, capped) and 5xx; always bounded by `retries`;
- conditional requests (If-None-Match / If-Modified-Since) from what the raw store saw last time: a 304
  gives back the stored body without transferring it again;
- every body is kept in the raw store (content-addressed) with url, time, status and validators;
- pages served with status 200 that are really "not found" pages (officielebekendmakingen answers an
  unknown .xml URL with an HTML "pagina niet gevonden") raise `NotFound`, never become a document;
- a transport seam: pass `transport=` (any httpx transport) or point base URLs at a local server.
"""
from __future__ import annotations

import email.utils
import os
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Callable, Mapping, Optional

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
    def __init__(self, message: str, url: str = "", status: Optional[int] = None):
        super().__init__(message)
        self.url = url
        self.status = status


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


class HttpClient:
    """`HttpClient(rawstore=RawStore(...))`; `client.get(url, params, expect="xml")`.

    retries: how many times one request is retried (so at most retries+1 attempts); back-off doubles from
    `backoff` seconds up to `max_backoff`; a Retry-After is honoured up to `max_retry_after` seconds.
    """

    def __init__(self, *, rawstore=None, rate: float = 3.0, retries: int = 4, backoff: float = 1.0,
                 max_backoff: float = 30.0, max_retry_after: float = 120.0, timeout: float = 30.0,
                 transport: Optional[httpx.BaseTransport] = None, user_agent: str = USER_AGENT,
                 sleep: Callable[[float], None] = time.sleep, conditional: bool = True):
        self.rawstore = rawstore
        self.retries = max(0, int(retries))
        self.backoff, self.max_backoff, self.max_retry_after = backoff, max_backoff, max_retry_after
        self.sleep = sleep
        self.conditional = conditional
        self.limiter = RateLimiter(rate, sleep=sleep)
        self.stats = Stats()
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True, transport=transport)

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

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RETRYABLE),
            stop=tenacity.stop_after_attempt(self.retries + 1),
            wait=self._wait, sleep=self.sleep, before_sleep=self._before_sleep, reraise=True)
        try:
            resp = retrying(self._attempt, full_url, req_headers)
        except RETRYABLE as exc:
            self.stats.errors += 1
            if isinstance(exc, FetchError):
                raise
            raise FetchError(f"{type(exc).__name__}: {exc}", full_url) from exc

        if resp.status_code == 304 and previous is not None:
            body = self.rawstore.get(previous["hash"]) if self.rawstore else None
            if body is not None:
                self.stats.not_modified += 1
                return Response(full_url, 200, body, dict(resp.headers), previous["hash"], not_modified=True)
            # the stored body is gone: ask again without validators
            return self.get(url, params, expect=expect, conditional=False, headers=headers, store=store)

        content = resp.content
        h = None
        if store and self.rawstore is not None:
            h = self.rawstore.put(full_url, resp.status_code, content, resp.headers)
        if resp.status_code == 404 or resp.status_code == 410:
            raise NotFound(f"not found (HTTP {resp.status_code}): {full_url}", full_url, resp.status_code)
        if resp.status_code >= 400:
            self.stats.errors += 1
            raise FetchError(f"HTTP {resp.status_code} for {full_url}", full_url, resp.status_code)
        if resp.status_code == 200 and looks_not_found(content, expect):
            raise NotFound(f"not-found page served with status 200 for {full_url}", full_url, 200)
        return Response(full_url, resp.status_code, content, dict(resp.headers), h)

    def _attempt(self, url: str, headers: Mapping[str, str]) -> httpx.Response:
        self.limiter.wait()
        self.stats.requests += 1
        with self._client.stream("GET", url, headers=headers) as resp:
            chunks = []
            for chunk in resp.iter_bytes():
                chunks.append(chunk)
            body = b"".join(chunks)
            raw_len = resp.num_bytes_downloaded
        status = resp.status_code
        self.stats.by_status[status] = self.stats.by_status.get(status, 0) + 1
        self.stats.bytes += raw_len
        expected = resp.headers.get("content-length")
        if expected and expected.isdigit() and status != 304 and raw_len < int(expected):
            raise IncompleteBody(f"body cut off: {raw_len} of {expected} bytes from {url}", url, status)
        if status == 429 or status >= 500:
            raise TransientError(f"HTTP {status} from {url}", url, status,
                                 parse_retry_after(resp.headers.get("retry-after")))
        # Rebuild a plain response carrying the decoded body (the stream is closed now).
        return httpx.Response(status, headers=_drop_encoding(resp.headers), content=body,
                              request=resp.request)


def _drop_encoding(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
