"""HTTP for the JSON APIs: timeouts, retries with jittered backoff, size cap, politeness.

httpx rather than Playwright's APIRequestContext for API sources: bodies are
streamed (so an oversized response is cut at the cap instead of buffered),
connection pools are per host, and an API-only crawl needs no Node driver.
The browser (scraper/browser.py) is used only where a site needs JavaScript.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

# httpcore imports `sniffio` inside current_async_library(), called several times per request; anyio
# (>= 4.11) no longer installs sniffio, and Python does not cache a failed import, so each call
# searched sys.path again: ~0.3 ms a call, ~2.5 ms of CPU a request (encode/httpcore#1103). A None
# entry in sys.modules is the import system's own "known absent" mark: the import fails at once,
# and httpcore falls back to asyncio as it does without sniffio.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

from .config import CrawlSettings
from .errors import FetchError
from .politeness import MAX_RETRY_AFTER_S, Politeness, backoff_delay, parse_retry_after

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


@dataclass(slots=True)
class Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            try:
                return _loads(self.body)
            except UnicodeDecodeError:
                # One bad byte in one description must not lose the whole board: keep the rest (U+FFFD).
                return _loads(self.body.decode("utf-8", errors="replace"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: absurdly deep JSON
            ctype = self.headers.get("content-type", "?")
            raise FetchError(
                "bad_json", self.url, f"{self.url} did not return valid JSON ({ctype}): {exc}", self.status
            ) from None


def _loads(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        if "integer string conversion" not in str(exc) and "Invalid control character" not in str(exc):
            raise
    # A number longer than Python converts (sys.get_int_max_str_digits(), 4,300 digits) is one
    # hostile value, not a broken board: it is kept as its digits (a string), which pay code
    # refuses like any absurd amount. A raw control character (a NUL) inside one string is one
    # posting's dirt too: kept, and cleaned where the posting is built. Only this rare retry pays
    # for the Python callback.
    return json.loads(data, parse_int=_long_int, strict=False)


def _long_int(digits: str) -> int | str:
    limit = sys.get_int_max_str_digits()
    return digits if limit and len(digits.lstrip("-")) > limit else int(digits)


class Fetcher:
    """One per crawl. Async context manager; all requests of a run go through it."""

    def __init__(self, settings: CrawlSettings, politeness: Politeness | None = None) -> None:
        self.settings = settings
        self.politeness = politeness or Politeness(settings.per_host_concurrency, settings.per_host_delay_s)
        self.requests_made = 0
        self._max_bytes = int(settings.max_response_mb * 1024 * 1024)
        # One connection pool per host. httpcore re-examines every connection of a pool whenever a
        # request starts or ends (getpeername + poll for each idle one): with one pool for the whole
        # crawl that cost grew with every host's connections. A host's pool keeps what its politeness
        # lets it use (per_host_concurrency) open between requests: no reconnects, no TLS handshakes.
        self._limits = httpx.Limits(
            max_connections=None, max_keepalive_connections=settings.per_host_concurrency
        )
        self._ssl = httpx.create_ssl_context()  # shared: building one costs milliseconds
        self._clients: dict[str, httpx.AsyncClient] = {}
        from .robots import RobotsCache  # here to keep robots parsing optional for callers

        self.robots = RobotsCache(self) if settings.respect_robots_txt else None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client(self, url: str) -> httpx.AsyncClient:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.timeout_s),
                headers={"User-Agent": self.settings.user_agent, "Accept": "application/json"},
                follow_redirects=True,
                max_redirects=5,
                limits=self._limits,
                verify=self._ssl,
            )
        return client

    async def get_json(self, url: str, **kw: Any) -> Any:
        return (await self.request("GET", url, **kw)).json()

    async def post_json(self, url: str, body: Any, **kw: Any) -> Any:
        return (await self.request("POST", url, json_body=body, **kw)).json()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        check_robots: bool = True,
    ) -> Response:
        if check_robots and self.robots is not None:
            await self.robots.check(url)
        gate = self.politeness.gate(url)
        attempts = self.settings.max_retries + 1
        last: FetchError | None = None
        for attempt in range(attempts):
            if self.requests_made >= self.settings.max_requests:
                raise FetchError(
                    "budget",
                    url,
                    f"request cap of {self.settings.max_requests} per run reached ([crawl] max_requests)",
                )
            self.requests_made += 1
            retry_after: float | None = None
            async with gate.slot():
                try:
                    resp = await self._send(method, url, params, headers, json_body)
                except FetchError as exc:
                    if exc.kind not in ("timeout", "network"):
                        raise
                    last = exc
                else:
                    if resp.status < 400:
                        return resp
                    if resp.status == 404 or resp.status == 410:
                        raise FetchError(
                            "not_found", url, f"{url} answered {resp.status} (not found)", resp.status
                        )
                    last = FetchError("http", url, f"{url} answered HTTP {resp.status}", resp.status)
                    if resp.status not in RETRY_STATUSES:
                        raise last
                    retry_after = parse_retry_after(resp.headers.get("retry-after"))
                    if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
                        # Retrying sooner than the server asked is impolite, and a crawl cannot wait hours.
                        raise FetchError(
                            "http",
                            url,
                            f"{last}; it asked us to wait {retry_after:.0f} s (Retry-After), more than "
                            f"{MAX_RETRY_AFTER_S:.0f} s: not retried in this run",
                            resp.status,
                        )
                    if resp.status == 429 and retry_after is not None:
                        # the host asked everyone to wait, not only this request
                        gate.blocked_until = time.monotonic() + retry_after
            if attempt + 1 < attempts:
                await asyncio.sleep(backoff_delay(attempt, retry_after))
        assert last is not None
        raise FetchError(last.kind, url, f"{last} (after {attempts} attempts)", last.status)

    async def _send(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        json_body: Any,
    ) -> Response:
        try:
            # httpx's timeout bounds each read; this bounds the whole response, so a body trickling in
            # a few bytes at a time cannot hold the crawl forever.
            async with (
                asyncio.timeout(self.settings.timeout_s),
                self._client(url).stream(method, url, params=params, headers=headers, json=json_body) as resp,
            ):
                declared = resp.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self._max_bytes:
                    raise self._too_large(str(resp.url))
                chunks: list[bytes] = []
                size = 0
                async for chunk in resp.aiter_bytes():
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise self._too_large(str(resp.url))
                    chunks.append(chunk)
                return Response(str(resp.url), resp.status_code, resp.headers, b"".join(chunks))
        except (httpx.TimeoutException, TimeoutError):
            raise FetchError("timeout", url, f"{url} timed out after {self.settings.timeout_s:g}s") from None
        except httpx.TooManyRedirects:
            raise FetchError("http", url, f"{url} redirects too many times") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError(
                "network", url, f"{url} failed: {type(exc).__name__}: {exc}".rstrip(": ")
            ) from None

    def _too_large(self, url: str) -> FetchError:
        return FetchError(
            "too_large",
            url,
            f"{url} sent more than {self.settings.max_response_mb:g} MB ([crawl] max_response_mb)",
        )
