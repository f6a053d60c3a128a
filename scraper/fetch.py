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
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import httpx

# httpcore imports `sniffio` inside current_async_library(), called several times per request; anyio
# (>= 4.11) no longer installs sniffio, and Python does not cache a failed import, so each call
# searched sys.path again: ~0.3 ms a call, ~2.5 ms of CPU a request (encode/httpcore#1103). A None
# entry in sys.modules is the import system's own "known absent" mark: the import fails at once,
# and httpcore falls back to asyncio as it does without sniffio.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

from .errors import FetchError
from .netscope import Scope, hop_allowed, host_scope, scope_phrase
from .politeness import MAX_RETRY_AFTER_S, Politeness, backoff_delay, parse_retry_after
from .sanitize import terminal_safe

if TYPE_CHECKING:
    from .config import CrawlSettings

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
    truncated: bool = False  # the body is the first `truncate_at` bytes of a longer one (robots.txt)

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


# -- bounded decoding ------------------------------------------------------------------------------
# httpx inflates a whole chunk in one call with no limit on the output, so `Content-Encoding: gzip,
# gzip` turns a few KB into gigabytes before any size cap can look. The fetcher reads the raw bytes
# and undoes each coding itself, in pieces of at most _PIECE bytes, counting every layer's output.
ACCEPT_ENCODING = "gzip, deflate"  # only what is decoded here, with a bound (no brotli/zstd)
MAX_CODINGS = 3  # `gzip, gzip` happens (a proxy compressing again); five layers is an attack
_PIECE = 64 * 1024
_YIELD_EVERY = 1024 * 1024  # decoded bytes between two returns to the event loop


class BodyTooLarge(Exception):
    """A layer of the body decoded to more than the cap."""


class BadEncoding(Exception):
    """The body does not decode as its Content-Encoding says."""


def content_codings(value: str | None) -> list[str]:
    """The codings of a Content-Encoding header, in the order they were applied ("identity" dropped)."""
    codings = [c.strip().lower() for c in (value or "").split(",")]
    return [c for c in codings if c and c != "identity"]


def _inflater(coding: str) -> Any:
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    return zlib.decompressobj(zlib.MAX_WBITS)  # deflate: zlib-wrapped; raw deflate is detected below


class BodyDecoder:
    """Undoes stacked Content-Encodings incrementally; no layer may produce more than `limit` bytes.

    Memory is bounded by the pieces in flight (one of _PIECE per layer), whatever the ratio: a bomb is
    refused after `limit` bytes of output, not after inflating all of it.
    """

    def __init__(self, codings: list[str], limit: int) -> None:
        self.codings = codings
        self.limit = limit
        self._layers = [_inflater(c) for c in reversed(codings)]  # the last coding applied comes off first
        self._kinds = list(reversed(codings))
        self._sizes = [0] * len(codings)
        self._started = [False] * len(codings)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of `data` (each at most _PIECE bytes); raises BodyTooLarge / BadEncoding."""
        yield from self._push(0, data)

    def _push(self, level: int, data: bytes) -> Iterator[bytes]:
        if level == len(self._layers):
            if data:
                yield data
            return
        pending = data
        while True:
            out = self._inflate(level, pending)
            if out:
                self._sizes[level] += len(out)
                if self._sizes[level] > self.limit:
                    raise BodyTooLarge
                yield from self._push(level + 1, out)
            layer = self._layers[level]
            if layer.eof:  # at its end a stream has given all its output
                rest = layer.unused_data
                if rest and self._new_member(level, rest):
                    pending = rest
                    continue
                return  # anything else after the end is ignored, as httpx does
            pending = layer.unconsumed_tail
            if not pending and len(out) < _PIECE:
                return  # this input is used up and nothing is held back for lack of room

    def _inflate(self, level: int, data: bytes) -> bytes:
        layer = self._layers[level]
        if layer.eof and not (data and self._new_member(level, data)):
            return b""
        layer = self._layers[level]
        try:
            out = layer.decompress(data, _PIECE)
        except zlib.error as exc:
            if self._kinds[level] == "deflate" and not self._started[level]:
                # "deflate" servers often send raw deflate without the zlib wrapper (httpx accepts both)
                self._layers[level] = layer = zlib.decompressobj(-zlib.MAX_WBITS)
                self._started[level] = True
                try:
                    return layer.decompress(data, _PIECE)
                except zlib.error as raw_exc:
                    raise BadEncoding(str(raw_exc)) from None
            raise BadEncoding(str(exc)) from None
        self._started[level] = self._started[level] or bool(data)
        return out

    def _new_member(self, level: int, data: bytes) -> bool:
        """gzip allows several members one after another: a new inflater takes the next one.

        Only bytes that start like a gzip member (1f 8b) begin one; padding after the end is ignored.
        """
        if self._kinds[level] not in ("gzip", "x-gzip") or not b"\x1f\x8b".startswith(data[:2]):
            return False
        self._layers[level] = _inflater("gzip")
        return True

    def finish(self) -> None:
        """The body ended: a compressed layer cut short is a broken body, not a short one."""
        for level, layer in enumerate(self._layers):
            if self._started[level] and not layer.eof:
                raise BadEncoding(f"the {self._kinds[level]} stream ends early")


# -- the fetcher -----------------------------------------------------------------------------------
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RobotsCheck(Protocol):
    """What the fetcher asks before each request (and each redirect hop): raise FetchError to refuse."""

    async def check(self, url: str) -> None: ...


def proxy_for(scheme: str, host: str) -> str | None:
    """The proxy the environment names for `scheme` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY), unless
    NO_PROXY covers `host`: what httpx.AsyncClient does by default (trust_env), kept for transports."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


@dataclass(slots=True, frozen=True)
class _Redirect:
    location: str
    status: int


# What the resolver says when a name has no address: the root cause an operator can act on (no
# network, a typo in a host), said as such rather than as a ConnectError of whatever was fetched.
_DNS_FAILURES = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "no address associated with hostname",
    "getaddrinfo failed",
)


def _network_failure(url: str, exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    if any(m in str(exc).lower() for m in _DNS_FAILURES):
        host = urlsplit(url).hostname or url
        return f"cannot resolve {host} (no DNS answer: no network here, or no such host)"
    return f"{url} failed: {text}"


# At most this many connections in one httpcore pool (see Fetcher.__init__).
LANE_SIZE = 4


@dataclass(slots=True)
class _Lane:
    """One connection pool of a host, and how many requests it is serving now."""

    transport: httpx.AsyncHTTPTransport
    in_flight: int = 0

    def load(self) -> int:
        return self.in_flight


class Fetcher:
    """One per crawl. Async context manager; all requests of a run go through it.

    `robots` builds the robots.txt checker from this fetcher (scraper.robots.RobotsCache); the crawl
    passes it in, so this module never imports the one that fetches robots.txt through it.
    """

    def __init__(
        self,
        settings: CrawlSettings,
        politeness: Politeness | None = None,
        robots: Callable[[Fetcher], RobotsCheck] | None = None,
    ) -> None:
        self.settings = settings
        self.politeness = politeness or Politeness(settings.per_host_concurrency, settings.per_host_delay_s)
        self.requests_made = 0
        self._max_bytes = int(settings.max_response_mb * 1024 * 1024)
        # One connection pool per host. httpcore re-examines every connection of a pool whenever a
        # request starts or ends (getpeername + poll for each idle one): with one pool for the whole
        # crawl that cost grew with every host's connections. A host's pool keeps what its politeness
        # lets it use (per_host_concurrency) open between requests: no reconnects, no TLS handshakes.
        #
        # That check is also why a host's connections are split into lanes of at most LANE_SIZE
        # (one pool each): at per_host_concurrency 64, every request start and end polled up to 64
        # sockets, 2-6 ms of CPU per request. A request takes the lane with the fewest requests in
        # flight, so a lane's pool stays at LANE_SIZE connections (see _Lane).
        self._limits = httpx.Limits(
            max_connections=None, max_keepalive_connections=min(settings.per_host_concurrency, LANE_SIZE)
        )
        self._ssl = httpx.create_ssl_context()  # shared: building one costs milliseconds
        self._transports: dict[str, list[_Lane]] = {}
        self._headers = httpx.Headers(
            {
                "User-Agent": settings.user_agent,
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
            }
        )
        self._timeouts = httpx.Timeout(settings.timeout_s).as_dict()
        self._scopes: dict[str, Scope | None] = {}  # host -> scope, resolved once per crawl
        self.robots: RobotsCheck | None = (
            robots(self) if robots is not None and settings.respect_robots_txt else None
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        lanes, self._transports = [lane for ls in self._transports.values() for lane in ls], {}
        for lane in lanes:
            await lane.transport.aclose()

    def _lane(self, url: str) -> _Lane:
        # A transport, not an httpx.AsyncClient: the client builds the next request of every redirect
        # itself (and fails with InvalidURL on a `javascript:` Location) even when not following it.
        # Here every hop is followed in _follow under the first request's rules, and the body is
        # decoded in _read, so the client would add nothing but those two behaviours.
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        lanes = self._transports.get(key)
        if lanes is None:
            lanes = self._transports[key] = []
        lane = min(lanes, key=_Lane.load, default=None)
        if lane is None or lane.in_flight >= LANE_SIZE:
            transport = httpx.AsyncHTTPTransport(
                verify=self._ssl, limits=self._limits, proxy=proxy_for(parts.scheme, parts.hostname or "")
            )
            lane = _Lane(transport)
            lanes.append(lane)
        return lane

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
        truncate_at: int | None = None,
    ) -> Response:
        """One request with retries. `truncate_at`: keep that many decoded bytes of a longer body
        (marked `truncated`) instead of refusing it as too large."""
        attempts = self.settings.max_retries + 1
        last: FetchError | None = None
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                resp = await self._follow(method, url, params, headers, json_body, check_robots, truncate_at)
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
                    # the host that answered asked everyone to wait, not only this request
                    self.politeness.gate(resp.url).blocked_until = self.politeness.clock() + retry_after
            if attempt + 1 < attempts:
                await asyncio.sleep(backoff_delay(attempt, retry_after))
        assert last is not None
        raise FetchError(last.kind, url, f"{last} (after {attempts} attempts)", last.status)

    async def _follow(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        json_body: Any,
        check_robots: bool,
        truncate_at: int | None,
    ) -> Response:
        """`url` and its redirects, each hop under the first request's rules: robots.txt, the hop
        host's politeness, the request cap, http(s) only, and no hop onto another kind of network."""
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            if hop:
                await self._check_hop(url, current)
            if check_robots and self.robots is not None:
                await self.robots.check(current)
            self._count_request(current)
            async with self.politeness.gate(current).slot():
                answer = await self._send(method, current, params, headers, json_body, truncate_at)
            if isinstance(answer, Response):
                return answer
            current = self._redirect_target(url, current, answer)
            params = None  # the Location is the whole next URL, query included
            if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
                method, json_body = "GET", None  # what browsers and httpx do
        raise FetchError("http", url, f"{url} redirects too many times (more than {MAX_REDIRECTS} hops)")

    def _count_request(self, url: str) -> None:
        if self.requests_made >= self.settings.max_requests:
            raise FetchError(
                "budget",
                url,
                f"request cap of {self.settings.max_requests} per run reached ([crawl] max_requests)",
            )
        self.requests_made += 1

    def _redirect_target(self, url: str, current: str, answer: _Redirect) -> str:
        shown = terminal_safe(answer.location, 200)
        try:
            target = httpx.URL(current).join(answer.location)
        except (httpx.InvalidURL, ValueError):
            raise FetchError("redirect", url, f"{url} redirects to an invalid URL ({shown})") from None
        if target.scheme not in ("http", "https"):
            scheme = terminal_safe(target.scheme, 20) or "relative"
            raise FetchError(
                "redirect",
                url,
                f"{url} redirects to a {scheme}: URL, and only http(s) redirects are followed",
            )
        if not target.host:
            raise FetchError("redirect", url, f"{url} redirects to a URL without a host ({shown})")
        return str(target)

    async def _check_hop(self, url: str, hop: str) -> None:
        start_scope = await self._scope(urlsplit(url).hostname or "")
        hop_host = urlsplit(hop).hostname or ""
        hop_scope = await self._scope(hop_host)
        if not hop_allowed(start_scope, hop_scope):
            raise FetchError(
                "redirect",
                url,
                f"{url} redirects to {terminal_safe(hop_host, 100)}, {scope_phrase(hop_scope)}, while the "
                f"request started on {scope_phrase(start_scope or 'public')}: not followed",
            )

    async def _scope(self, host: str) -> Scope | None:
        """The network `host` is on (netscope.host_scope, cached for the crawl)."""
        return await host_scope(host, self._scopes)

    async def _send(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        json_body: Any,
        truncate_at: int | None,
    ) -> Response | _Redirect:
        try:
            # httpx's timeout bounds each read; this bounds the whole response, so a body trickling in
            # a few bytes at a time cannot hold the crawl forever.
            async with asyncio.timeout(self.settings.timeout_s):
                all_headers = self._headers.copy()
                all_headers.update(headers or {})
                request = httpx.Request(
                    method,
                    url,
                    params=params,
                    headers=all_headers,
                    json=json_body,
                    extensions={"timeout": self._timeouts},
                )
                lane = self._lane(url)
                lane.in_flight += 1
                try:
                    resp = await lane.transport.handle_async_request(request)
                    resp.request = request
                    try:
                        location = resp.headers.get("location")
                        if resp.status_code in REDIRECT_STATUSES and location is not None:
                            return _Redirect(location, resp.status_code)  # its body is never read
                        return await self._read(url, resp, truncate_at)
                    finally:
                        await resp.aclose()
                finally:
                    lane.in_flight -= 1
        except httpx.InvalidURL as exc:
            raise FetchError("http", url, f"{url} is not a URL that can be fetched ({exc})") from None
        except (httpx.TimeoutException, TimeoutError):
            raise FetchError("timeout", url, f"{url} timed out after {self.settings.timeout_s:g}s") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError("network", url, _network_failure(url, exc)) from None

    async def _read(self, url: str, resp: httpx.Response, truncate_at: int | None) -> Response:
        """The body, decoded within the cap; the event loop gets control back every megabyte."""
        codings = content_codings(resp.headers.get("content-encoding"))
        unknown = sorted({c for c in codings if c not in ("gzip", "x-gzip", "deflate")})
        if unknown:
            raise FetchError(
                "http",
                url,
                f"{url} answered with Content-Encoding {terminal_safe(', '.join(unknown), 60)}, "
                f"which paybands does not ask for or decode",
                resp.status_code,
            )
        if len(codings) > MAX_CODINGS:
            raise FetchError(
                "too_large",
                url,
                f"{url} stacks {len(codings)} Content-Encodings; at most {MAX_CODINGS} are decoded",
                resp.status_code,
            )
        declared = resp.headers.get("content-length")
        if truncate_at is None and declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large(url)
        # A truncated read keeps `truncate_at` bytes even under a smaller max_response_mb: RFC 9309
        # asks for at least 500 KiB of robots.txt whatever the crawl's cap on job-board answers.
        cap = self._max_bytes if truncate_at is None else max(truncate_at, self._max_bytes)
        keep = self._max_bytes if truncate_at is None else truncate_at
        decoder = BodyDecoder(codings, cap)
        chunks: list[bytes] = []
        raw = size = since_yield = 0
        try:
            async for chunk in resp.aiter_raw():
                raw += len(chunk)
                for piece in decoder.feed(chunk):
                    if size + len(piece) > keep:
                        if truncate_at is None:
                            raise self._too_large(url, codings)
                        chunks.append(piece[: keep - size])
                        body = b"".join(chunks)
                        return Response(str(resp.url), resp.status_code, resp.headers, body, truncated=True)
                    size += len(piece)
                    since_yield += len(piece)
                    chunks.append(piece)
                    if since_yield >= _YIELD_EVERY:
                        since_yield = 0
                        await asyncio.sleep(0)  # another host's response may be waiting
                if raw > cap:  # after the pieces, so a truncated robots.txt keeps its prefix
                    raise self._too_large(url)
                await asyncio.sleep(0)
            decoder.finish()
        except BodyTooLarge:
            raise self._too_large(url, codings) from None
        except BadEncoding as exc:
            raise FetchError(
                "network",
                url,
                f"{url} sent a body that does not decode as {', '.join(codings)} ({exc})",
                resp.status_code,
            ) from None
        return Response(str(resp.url), resp.status_code, resp.headers, b"".join(chunks))

    def _too_large(self, url: str, codings: list[str] | None = None) -> FetchError:
        how = f" once its Content-Encoding ({', '.join(codings)}) was decoded" if codings else ""
        return FetchError(
            "too_large",
            url,
            f"{url} sent more than {self.settings.max_response_mb:g} MB{how} ([crawl] max_response_mb)",
        )
