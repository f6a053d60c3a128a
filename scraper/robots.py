"""robots.txt per host, fetched once per crawl through the same polite fetcher."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

if TYPE_CHECKING:
    from .fetch import Fetcher


class RobotsCache:
    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._parsers: dict[str, RobotFileParser | None] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> None:
        from .fetch import FetchError

        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._parsers:
                self._parsers[origin] = await self._load(origin)
        parser = self._parsers[origin]
        if parser is not None and not parser.can_fetch(self._fetcher.settings.user_agent, url):
            raise FetchError("robots", url, f"robots.txt of {parts.netloc} disallows {parts.path or '/'}")

    async def _load(self, origin: str) -> RobotFileParser | None:
        from .fetch import FetchError

        try:
            resp = await self._fetcher.request("GET", origin + "/robots.txt", check_robots=False)
        except FetchError:
            return None  # no robots.txt (or unreachable): nothing is disallowed
        if "text/html" in resp.headers.get("content-type", ""):
            return None  # an HTML error page served as robots.txt says nothing
        parser = RobotFileParser()
        parser.parse(resp.text().splitlines())
        return parser
