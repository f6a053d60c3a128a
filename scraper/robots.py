"""robots.txt per host, fetched once per crawl through the same polite fetcher.

What an unfetchable robots.txt means follows RFC 9309 2.3.1: a 4xx (or a redirect
chain that never ends) means there is none, so nothing is disallowed; a 5xx, 429,
timeout or network failure (after the fetcher's retries) means the host cannot say
what it allows, so nothing on it is fetched in this run.

RFC 9309 2.5: at least the first 500 KiB are parsed; a longer file is cut there (at a line end),
not ignored, since ignoring it would drop whatever it disallows. A UTF-8 byte-order mark is
stripped: left in, it hides the first line (often the `User-agent: *` of the only group).

The crawl builds one cache per run and hands it to the Fetcher (`Fetcher(settings, robots=RobotsCache)`),
which checks every request and every redirect hop through it; this module imports no fetcher.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from .errors import FetchError

if TYPE_CHECKING:
    from .fetch import Fetcher

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 2.5: crawlers must parse at least the first 500 KiB


class RobotsCache:
    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._parsers: dict[str, RobotFileParser | str | None] = {}  # str: why robots.txt was unreachable
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._parsers:
                self._parsers[origin] = await self._load(origin)
        parser = self._parsers[origin]
        if isinstance(parser, str):
            # The root cause first ("cannot resolve <host>"): robots.txt is only the first request
            # that met it.
            raise FetchError(
                "robots",
                url,
                f"{parser}; nothing on {parts.netloc} is crawled in this run (its robots.txt could not be "
                "read: RFC 9309)",
            )
        if parser is not None and not parser.can_fetch(self._fetcher.settings.user_agent, url):
            raise FetchError("robots", url, f"robots.txt of {parts.netloc} disallows {parts.path or '/'}")

    async def _load(self, origin: str) -> RobotFileParser | str | None:
        try:
            resp = await self._fetcher.request(
                "GET", origin + "/robots.txt", check_robots=False, truncate_at=ROBOTS_MAX_BYTES
            )
        except FetchError as exc:
            if exc.kind == "budget":
                raise  # the run's request cap, not the host's answer
            status = exc.status or 0
            if exc.kind in ("timeout", "network") or status >= 500 or status == 429:
                return str(exc)  # unreachable: assume complete disallow
            # 4xx, too many redirects, a refused redirect, a compression bomb: no usable robots.txt,
            # so nothing is disallowed
            return None
        if "text/html" in resp.headers.get("content-type", ""):
            return None  # an HTML error page served as robots.txt says nothing
        return parse_robots(resp.body, resp.truncated)


def robots_lines(body: bytes, truncated: bool = False) -> list[str]:
    """The lines of a robots.txt body: BOM stripped; a cut-off last line dropped (it may be half a rule)."""
    text = body.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if truncated and lines and not text.endswith(("\n", "\r")):
        lines.pop()
    return lines


def parse_robots(body: bytes, truncated: bool = False) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(robots_lines(body, truncated))
    return parser
