"""Politeness at scale: a crawl of many companies on several hosts keeps each host's spacing
(`per_host_delay_s`), its concurrency (`per_host_concurrency`) and the run's request budget
(`max_requests`).

The farm is generated (bench/farm.py: real recorded postings under new ids and titles, in the
Greenhouse/Lever/Ashby/Workday shapes) and served by four replay servers: two ports of 127.0.0.1
and the aliases 127.0.0.2 and 127.0.0.3. Politeness keys a host by its netloc (`host:port`), so
these are four hosts. The crawl runs on virtual time (`Politeness(clock=, sleep=)`): a delay of
1 s costs no real second, and each request's start is read on the same clock the gates use.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bench.farm import build_farm, companies
from scraper.config import parse_config
from scraper.crawl import RunResult, run_crawl_async
from scraper.politeness import HostGate, Politeness
from scraper.replay import ReplayServer
from scraper.replay import workday as workday_replay
from scraper.store import Store

DELAY = 1.0
CONCURRENCY = 2


class VirtualTime:
    """A clock that moves only when a sleeper is due: `drive()` wakes the earliest sleeper, sets the
    clock to its time, and lets it run (real I/O to the replay servers goes on meanwhile).

    A gate never asks to sleep until before `now` (it starts at max(now, next start)), so waking the
    earliest sleeper first keeps the clock monotonic. Each woken task reads the clock before the
    next wake-up (a real pause in between), so a recorded start is the time its gate let it go.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._due: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._due, (self.now + max(seconds, 0.0), next(self._seq), fut))
        await fut

    async def drive(self) -> None:
        while True:
            await asyncio.sleep(0.002)  # real time: woken tasks run, responses arrive
            while self._due and self._due[0][2].cancelled():
                heapq.heappop(self._due)
            if self._due:
                at, _, fut = heapq.heappop(self._due)
                self.now = max(self.now, at)
                fut.set_result(None)


class _RecordedGate:
    """A host's gate as the fetcher sees it, noting when each request was let through."""

    def __init__(self, gate: HostGate, owner: RecordingPoliteness, host: str) -> None:
        self._gate, self._owner, self._host = gate, owner, host

    @property
    def blocked_until(self) -> float:
        return self._gate.blocked_until

    @blocked_until.setter
    def blocked_until(self, value: float) -> None:
        self._gate.blocked_until = value

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        owner, host = self._owner, self._host
        async with self._gate.slot():
            owner.starts[host].append(owner.clock())
            owner.in_flight[host] += 1
            owner.most_in_flight[host] = max(owner.most_in_flight[host], owner.in_flight[host])
            try:
                yield
            finally:
                owner.in_flight[host] -= 1


class RecordingPoliteness(Politeness):
    """The real Politeness (same gates, same host keys), recording each request's start per host."""

    def __init__(self, vt: VirtualTime) -> None:
        super().__init__(CONCURRENCY, DELAY, clock=vt.clock, sleep=vt.sleep)
        self.starts: dict[str, list[float]] = defaultdict(list)
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()

    def gate(self, url: str) -> Any:
        return _RecordedGate(super().gate(url), self, self.host_key(url))


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A generated farm: 24 boards, 300 postings; a quarter Workday (a detail request per posting),
    so hosts need tens of requests each."""
    out = tmp_path_factory.mktemp("farm")
    mix = (("ashby", 0.3), ("greenhouse", 0.25), ("lever", 0.2), ("workday", 0.25))
    return out, build_farm(out, boards=24, postings=300, seed=3, mix=mix)


@pytest.fixture
def hosts(farm: tuple[Path, dict], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ReplayServer]]:
    out, manifest = farm
    for b in manifest["boards"]:  # what bench.farm.register_workday does, undone after the test
        if b["source"] == "workday":
            monkeypatch.setitem(
                workday_replay.BOARDS,
                (b["board"], "careers"),
                {
                    "list": f"synth/workday/{b['board']}_jobs.json",
                    "details": [],
                    "generated": f"synth/workday/{b['board']}_details.json",
                },
            )
    with ExitStack() as stack:
        servers = [
            stack.enter_context(ReplayServer(out, host=ip))
            for ip in ("127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.3")
        ]
        yield servers


def _crawl(
    db: Path, servers: list[ReplayServer], manifest: dict, **crawl: Any
) -> tuple[RunResult, RecordingPoliteness, float]:
    settings = {
        "per_host_delay_s": DELAY,
        "per_host_concurrency": CONCURRENCY,
        "timeout_s": 10,
        "max_retries": 0,
        **crawl,
    }
    config = parse_config({"crawl": settings, "company": companies(manifest, [s.url for s in servers])})
    vt = VirtualTime()
    politeness = RecordingPoliteness(vt)

    async def main() -> RunResult:
        driver = asyncio.create_task(vt.drive())
        try:
            return await run_crawl_async(config, Store(db), politeness=politeness)
        finally:
            driver.cancel()

    result = asyncio.run(main())
    return result, politeness, vt.now


def _host(server: ReplayServer) -> str:
    return server.url.removeprefix("http://")


def test_each_host_keeps_its_spacing_and_concurrency(farm, hosts, tmp_path):
    _, manifest = farm
    result, polite, end = _crawl(tmp_path / "p.duckdb", hosts, manifest)
    assert result.status == "ok", [(o.company, o.error) for o in result.outcomes if o.error]
    assert sum(o.counts.postings for o in result.outcomes) == manifest["postings"] == 300

    assert len({_host(s) for s in hosts}) == 4  # two ports of one address are two hosts
    assert set(polite.starts) == {_host(s) for s in hosts}
    for server in hosts:
        starts = polite.starts[_host(server)]
        # Every request that reached the host went through its gate (robots.txt included) ...
        assert len(starts) == len(server.log)
        # ... request starts to one host are at least per_host_delay_s apart ...
        gaps = [b - a for a, b in itertools.pairwise(sorted(starts))]
        assert min(gaps) >= DELAY - 1e-9, (_host(server), min(gaps))
        # ... and at most per_host_concurrency are in flight at once.
        assert 1 <= polite.most_in_flight[_host(server)] <= CONCURRENCY
    assert sum(len(s.log) for s in hosts) == result.requests

    # The hosts ran side by side: the crawl took as long as its busiest host, not the sum of all.
    per_host = sorted(len(v) for v in polite.starts.values())
    assert end < sum(per_host) * DELAY / 2
    assert end <= (per_host[-1] - 1) * DELAY + DELAY + 1e-9


def test_the_request_budget_holds_across_hosts(farm, hosts, tmp_path):
    _, manifest = farm
    budget = 40  # the farm needs more (see the test above): the run stops at exactly this many
    result, polite, _ = _crawl(tmp_path / "b.duckdb", hosts, manifest, max_requests=budget)
    assert result.requests == budget
    assert sum(len(s.log) for s in hosts) == budget  # not one request more reached any host
    assert sum(len(v) for v in polite.starts.values()) == budget
    out_of_budget = [o for o in result.outcomes if o.status == "failed"]
    assert out_of_budget and all(o.error_kind == "budget" for o in out_of_budget)
    assert all("request cap of 40 per run reached" in (o.error or "") for o in out_of_budget)
    for starts in polite.starts.values():  # spacing holds while the budget runs out
        assert all(b - a >= DELAY - 1e-9 for a, b in itertools.pairwise(sorted(starts)))
