"""Per-host politeness shared by every company on the same host.

Two rules per host: at most `per_host_concurrency` requests in flight, and
request starts spaced by at least `per_host_delay_s`. Both live in one
`HostGate` per host so that ten companies on boards-api.greenhouse.io share
one budget, as the host sees one crawler. A host is the URL's netloc
(`host:port`, lowercased): two ports of one address are two hosts.

The clock and the sleep are injectable (`Politeness(..., clock=, sleep=)`,
by default `time.monotonic` and `asyncio.sleep`), so a test can run a crawl
of many hosts on virtual time and check each host's spacing exactly.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

Clock = Callable[[], float]  # seconds, monotonic
Sleep = Callable[[float], Awaitable[None]]


class HostGate:
    def __init__(
        self, concurrency: int, delay_s: float, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self._sem = asyncio.Semaphore(concurrency)
        self._delay = delay_s
        self._next_start = 0.0
        self._lock = asyncio.Lock()
        self._clock = clock
        self._sleep = sleep
        self.blocked_until = 0.0  # set by a 429 Retry-After (on this gate's clock): the whole host waits

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._sem:
            async with self._lock:
                now = self._clock()
                start = max(now, self._next_start, self.blocked_until)
                self._next_start = start + self._delay
            if start > now:
                await self._sleep(start - now)
            yield


class Politeness:
    def __init__(
        self, concurrency: int, delay_s: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.concurrency = concurrency
        self.delay_s = delay_s
        self.clock = clock  # what `blocked_until` is measured on (the fetcher sets it from a Retry-After)
        self.sleep = sleep
        self._gates: dict[str, HostGate] = {}

    @staticmethod
    def host_key(url: str) -> str:
        """The host a request counts against: the URL's netloc, lowercased (port included)."""
        return urlsplit(url).netloc.lower()

    def gate(self, url: str) -> HostGate:
        host = self.host_key(url)
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = HostGate(self.concurrency, self.delay_s, self.clock, self.sleep)
        return gate


# The longest Retry-After a crawl waits for; a server asking for more is not retried this run.
MAX_RETRY_AFTER_S = 60.0
_SECONDS_RE = re.compile(r"\d+(?:\.\d+)?")


def backoff_delay(
    attempt: int, retry_after: float | None, base: float = 0.5, cap: float = MAX_RETRY_AFTER_S
) -> float:
    """Full-jitter exponential backoff; a server's Retry-After wins (capped)."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), cap)
    return random.uniform(0, min(cap, base * 2**attempt))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait, from delay-seconds or an HTTP date; None when absent or not valid.

    Only digits count as seconds (RFC 9110): "nan", "inf", "-5" or "1_0" would otherwise
    reach asyncio.sleep and the host gate as nonsense.
    """
    if not value:
        return None
    value = value.strip()
    if _SECONDS_RE.fullmatch(value):
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
