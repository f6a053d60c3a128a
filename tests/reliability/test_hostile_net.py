"""#13 items 2, 7, 8 against the hostile board server: compression bombs, redirects, robots.txt.

Each case crawls (or fetches) one hostile host beside healthy ones and records what happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper.config import CrawlSettings
from scraper.errors import FetchError
from scraper.fetch import Fetcher
from scraper.politeness import Politeness
from scraper.replay import ReplayServer
from scraper.robots import RobotsCache
from tests.helpers import FIXTURES, crawl
from tests.reliability.hostile_modes_net import MB
from tests.reliability.hostile_server import HostileServer
from tests.reliability.support import BOARD_PATHS, BOARDS, EXPECTED, last_run, losses, snapshot

GITLAB = BOARD_PATHS["GitLab"]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with one clean crawl of BOARDS; each case starts from a copy."""
    db = tmp_path_factory.mktemp("baseline-net") / "paybands.duckdb"
    with ReplayServer(FIXTURES) as server:
        result = crawl(db, server.url, *BOARDS)
    assert result.status == "ok"
    return db


@contextlib.contextmanager
def another_host(max_requests: int = 50) -> Iterator[HostileServer]:
    """A second (or third) hostile host: 127.0.0.1 on another port is another host to the crawl."""
    srv = HostileServer(max_requests=max_requests, max_seconds=60).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with another_host(max_requests=200) as srv:
        yield srv


def crawl_with_gitlab_on(
    db: Path, replay: ReplayServer, gitlab_url: str, **settings: Any
) -> tuple[dict[str, Any], bool]:
    """Crawl BOARDS with GitLab's board on `gitlab_url`; GitLab's run row and whether the others stored."""
    boards = [b if b["name"] != "GitLab" else {**b, "base_url": gitlab_url} for b in BOARDS]
    crawl(db, replay.url, *boards, **settings)
    run = last_run(db)
    others_ok = all(run["companies"][c]["status"] == "ok" for c in EXPECTED if c != "GitLab")
    return run["companies"]["GitLab"], others_ok


def describe(target: dict[str, Any]) -> str:
    if target["error"]:
        return f"{target['status']} ({target['error_kind']}: {target['error']})"
    return f"{target['status']}, {target['postings']} postings"


# -- item 2: bounded decoding ---------------------------------------------------------------------
async def _fetch_measuring_loop(settings: CrawlSettings, url: str) -> tuple[FetchError | None, float]:
    """Fetch `url`; the error (if any) and the longest the event loop went without running a task."""
    lag = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal lag
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            lag = max(lag, now - last - 0.01)
            last = now

    tick = asyncio.ensure_future(ticker())
    error: FetchError | None = None
    try:
        async with Fetcher(settings) as fetcher:
            await fetcher.get_json(url)
    except FetchError as exc:
        error = exc
    finally:
        await asyncio.sleep(0.05)  # the ticker's next turn measures a block that ended the fetch
        done.set()
        await tick
    return error, lag


def test_gzip_bomb_is_refused_with_bounded_memory_and_loop(hostile, rel) -> None:
    """1 GB of JSON whitespace as `gzip, gzip` (12 KB on the wire), max_response_mb=5."""
    hostile.arm("gzip-bomb", path="/bomb", inflated_mb=1024)
    settings = CrawlSettings(per_host_delay_s=0, timeout_s=30, max_retries=0, max_response_mb=5)
    tracemalloc.start()
    started = time.monotonic()
    try:
        error, lag = asyncio.run(_fetch_measuring_loop(settings, f"{hostile.url}/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    took = time.monotonic() - started
    rel.record(
        "Faults",
        "gzip bomb: `Content-Encoding: gzip, gzip`, 12 KB inflating to 1 GB (max_response_mb=5)",
        outcome=f"{error.kind if error else 'no error'}: {error}; peak Python memory {peak / MB:.1f} MB; "
        f"event loop blocked at most {lag * 1000:.0f} ms; {took:.1f} s",
        lost="nothing",
    )
    assert error is not None and error.kind == "too_large", error
    assert "more than 5 MB once its Content-Encoding (gzip, gzip) was decoded" in str(error)
    assert peak < 16 * MB  # the cap plus pieces in flight, never the inflated gigabyte
    assert lag < 0.5  # other hosts' responses keep being read


def test_gzip_bomb_in_a_crawl_costs_one_board(baseline, replay, hostile, tmp_db, rel) -> None:
    """The bomb is GitLab's board on its own host; the other hosts' boards are stored."""
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    hostile.arm("gzip-bomb", path=GITLAB, inflated_mb=1024)
    replay.delay_s = 0.3  # the healthy host's answers are in flight while the bomb arrives
    started = time.monotonic()
    target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url, max_response_mb=5, timeout_s=2)
    took = time.monotonic() - started
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        "gzip bomb (1 GB as `gzip, gzip`) on one host, healthy boards on another (timeout_s=2)",
        outcome=f"{describe(target)}; others {'stored' if others_ok else 'NOT stored'}; {took:.1f} s",
        lost=lost,
    )
    assert target["status"] == "failed" and target["error_kind"] == "too_large", target
    assert others_ok
    assert lost == "nothing"


ENCODING_CASES = [
    # id, codings applied, Content-Encoding header (None: from codings), expect, message
    ("gzip-gzip", ["gzip", "gzip"], None, "ok", ""),
    ("deflate", ["deflate"], None, "ok", ""),
    ("raw-deflate", ["raw-deflate"], None, "ok", ""),
    ("gzip-deflate-identity", ["deflate", "gzip"], "deflate, identity, gzip", "ok", ""),
    ("br", [], "br", "http", "Content-Encoding br, which paybands does not ask for or decode"),
    ("5-layers", ["gzip"] * 5, None, "too_large", "stacks 5 Content-Encodings"),
    ("not-gzip", [], "gzip", "network", "does not decode as gzip"),
]


@pytest.mark.parametrize(
    ("case", "codings", "header", "expect", "message"), ENCODING_CASES, ids=[c[0] for c in ENCODING_CASES]
)
def test_content_encoding(
    case, codings, header, expect, message, baseline, replay, hostile, tmp_db, rel
) -> None:
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    hostile.arm("encoded-board", path=GITLAB, codings=codings, header=header)
    target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url, max_retries=0)
    lost = losses(before, tmp_db)
    shown = header if header is not None else ", ".join(codings)
    rel.record(
        "Faults",
        f"board sent as `Content-Encoding: {shown}`"
        + (" (the bytes are not gzip)" if case == "not-gzip" else ""),
        outcome=f"{describe(target)}; others {'stored' if others_ok else 'NOT stored'}",
        lost=lost,
    )
    assert others_ok
    if expect == "ok":
        assert target["status"] == "ok" and target["postings"] == EXPECTED["GitLab"], target
    else:
        assert target["status"] == "failed" and target["error_kind"] == expect, target
        assert message in target["error"]
    assert lost == "nothing"


def test_truncated_gzip_is_an_error_not_a_short_board(baseline, replay, hostile, tmp_db, rel) -> None:
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    hostile.arm("truncated-gzip", path=GITLAB)
    target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url, max_retries=0)
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        "gzip body cut in half (Content-Length matches what is sent)",
        outcome=f"{describe(target)}; others {'stored' if others_ok else 'NOT stored'}",
        lost=lost,
    )
    assert target["status"] == "failed" and target["error_kind"] in ("network", "bad_json"), target
    assert others_ok and lost == "nothing"


# -- item 7: redirects ----------------------------------------------------------------------------
REDIRECT_CASES = [
    # id, Location, expect, message
    ("javascript", "javascript:alert(document.domain)", "redirect", "redirects to a javascript: URL"),
    ("data", "data:application/json,%7B%22jobs%22%3A%5B%5D%7D", "redirect", "redirects to a data: URL"),
    ("file", "file:///etc/passwd", "redirect", "redirects to a file: URL"),
    ("private-10", "http://10.0.0.1/v1/boards/gitlab/jobs", "redirect", "10.0.0.1, a private address"),
    ("private-192", "http://192.168.1.1:8080/admin", "redirect", "192.168.1.1, a private address"),
    ("metadata", "http://169.254.169.254/latest/meta-data/", "redirect", "a link-local address"),
    ("ipv6-ula", "http://[fd00::1]/x", "redirect", "a private address"),
    ("unspecified", "http://0.0.0.0:80/x", "redirect", "an unspecified, multicast or reserved address"),
]


@pytest.mark.parametrize(
    ("case", "location", "expect", "message"), REDIRECT_CASES, ids=[c[0] for c in REDIRECT_CASES]
)
def test_redirect_target_refused(
    case, location, expect, message, baseline, replay, hostile, tmp_db, rel
) -> None:
    """The crawl starts on 127.0.0.1 (loopback): a hop to any other non-public network is refused."""
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    hostile.arm("redirect", path=GITLAB, to=location)
    target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url)
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        f"board redirects (302) to {location}",
        outcome=f"{describe(target)}; others {'stored' if others_ok else 'NOT stored'}",
        lost=lost,
    )
    assert target["status"] == "failed" and target["error_kind"] == expect, target
    assert message in target["error"], target["error"]
    assert hostile.requests_to(GITLAB) == 1  # refused, not retried
    assert others_ok and lost == "nothing"


def test_redirect_to_another_host_obeys_its_robots_txt(baseline, replay, hostile, tmp_db, rel) -> None:
    """GitLab's host redirects to a second host whose robots.txt disallows everything."""
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    with another_host() as other:
        other.arm("robots-txt", body=b"User-agent: *\nDisallow: /\n")
        hostile.arm("redirect", path=GITLAB, to=f"{other.url}{GITLAB}")
        target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url)
        board_hits = other.requests_to(GITLAB)
        robots_hits = other.requests_to("/robots.txt")
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        "board redirects to another host whose robots.txt disallows everything",
        outcome=f"{describe(target)}; {robots_hits} robots.txt and {board_hits} board requests to the "
        f"other host; others {'stored' if others_ok else 'NOT stored'}",
        lost=lost,
    )
    assert target["status"] == "failed" and target["error_kind"] == "robots", target
    assert robots_hits == 1 and board_hits == 0
    assert others_ok and lost == "nothing"


def test_redirect_to_another_allowed_host_is_followed(baseline, replay, hostile, tmp_db, rel) -> None:
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    with another_host() as other:
        moved = f"{other.url}{GITLAB}?content=true&pay_transparency=true"  # a move keeps the query
        hostile.arm("redirect", path=GITLAB, to=moved, status=301)
        target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url)
        board_hits = other.requests_to(GITLAB)
        robots_hits = other.requests_to("/robots.txt")
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        "board moved (301) to another host on the same (loopback) network",
        outcome=f"{describe(target)}; the other host saw {robots_hits} robots.txt and {board_hits} board requests",
        lost=lost,
    )
    assert target["status"] == "ok" and target["postings"] == EXPECTED["GitLab"], target
    assert robots_hits == 1 and board_hits == 1
    assert others_ok and lost == "nothing"


def test_redirect_hops_keep_the_target_hosts_politeness(rel) -> None:
    """Two hosts each redirect to a third; the third host's per_host_delay_s spaces the two hops.

    Without it, every company whose board redirects to one host would reach that host at once.
    """
    with (
        another_host() as a,
        another_host() as b,
        another_host() as target,
    ):
        for srv in (a, b):
            srv.arm("redirect", path=GITLAB, to=f"{target.url}{GITLAB}")
        settings = CrawlSettings(per_host_delay_s=0.6, per_host_concurrency=1, timeout_s=5, max_retries=0)

        async def fetch_both() -> None:
            async with Fetcher(settings, Politeness(1, 0.6), robots=RobotsCache) as fetcher:
                await asyncio.gather(*(fetcher.get_json(f"{srv.url}{GITLAB}") for srv in (a, b)))

        asyncio.run(fetch_both())
        times = target.times_of(GITLAB)
    gap = abs(times[1] - times[0]) if len(times) == 2 else 0.0
    rel.record(
        "Faults",
        "two hosts redirect to one third host (per_host_delay_s=0.6)",
        outcome=f"{len(times)} requests reached the third host, {gap:.2f} s apart",
    )
    assert len(times) == 2
    assert gap >= 0.55


def test_redirect_hops_count_against_the_request_cap(hostile, rel) -> None:
    with another_host() as other:
        hostile.arm("redirect", path="/a", to=f"{other.url}/b")
        settings = CrawlSettings(
            per_host_delay_s=0, timeout_s=5, max_retries=0, max_requests=1, respect_robots_txt=False
        )

        async def fetch() -> FetchError:
            async with Fetcher(settings) as fetcher:
                with pytest.raises(FetchError) as err:
                    await fetcher.get_json(f"{hostile.url}/a")
                return err.value

        error = asyncio.run(fetch())
        hits = other.requests_to("/b")
    rel.record(
        "Faults",
        "a redirect when the run's request cap (max_requests=1) is spent",
        outcome=f"{error.kind}: {error}; {hits} requests reached the redirect target",
    )
    assert error.kind == "budget" and hits == 0


def test_post_redirect_303_becomes_get(hostile) -> None:
    """A 303 after a POST is fetched with GET (RFC 9110), like browsers and httpx do."""
    hostile.arm("redirect", path="/search", to="/v1/boards/gitlab/jobs", status=303, method="POST")
    settings = CrawlSettings(per_host_delay_s=0, timeout_s=5, max_retries=0)

    async def post() -> Any:
        async with Fetcher(settings) as fetcher:
            return await fetcher.post_json(f"{hostile.url}/search", {"q": "ml"})

    data = asyncio.run(post())
    assert isinstance(data, dict) and data.get("jobs")
    assert [h[1] for h in hostile.history] == ["POST", "GET"]


# -- item 8: robots.txt ---------------------------------------------------------------------------
ROBOTS_CASES = [
    # id, what, robots.txt body, padding, expect
    ("oversized-disallow", "robots.txt of 20 MB (max_response_mb=5) whose first group disallows everything",
     b"User-agent: *\nDisallow: /\n", 20 * MB, "robots"),
    ("bom-disallow", "robots.txt starting with a UTF-8 BOM that disallows everything",
     b"\xef\xbb\xbfUser-agent: *\nDisallow: /\n", None, "robots"),
    ("bom-allow-other", "robots.txt with a BOM that disallows another path only",
     b"\xef\xbb\xbfUser-agent: *\nDisallow: /private/\n", None, "ok"),
    ("disallow-after-500k", "robots.txt whose only rule comes after 2 MB of comments (past RFC 9309's 500 KiB)",
     b"# " + b"x" * (2 * MB) + b"\nUser-agent: *\nDisallow: /\n", None, "ok"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "what", "body", "pad", "expect"), ROBOTS_CASES, ids=[c[0] for c in ROBOTS_CASES]
)
def test_robots_txt(case, what, body, pad, expect, baseline, replay, hostile, tmp_db, rel) -> None:
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    hostile.arm("robots-txt", body=body, pad_to_bytes=pad)
    started = time.monotonic()
    target, others_ok = crawl_with_gitlab_on(tmp_db, replay, hostile.url, max_response_mb=5)
    took = time.monotonic() - started
    board_hits = hostile.requests_to(GITLAB)
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        what,
        outcome=f"{describe(target)}; {board_hits} board requests; "
        f"others {'stored' if others_ok else 'NOT stored'}; {took:.1f} s",
        lost=lost,
    )
    assert others_ok
    if expect == "ok":
        assert target["status"] == "ok" and board_hits == 1, target
    else:
        assert target["status"] == "failed" and target["error_kind"] == "robots", target
        assert "disallows" in target["error"]
        assert board_hits == 0
    assert lost == "nothing"
