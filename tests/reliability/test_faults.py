"""Server and network faults against the replay server: bounded retries, a clear per-company error,
the other companies stored, and nothing stored earlier lost or marked inactive.

Every case crawls three boards (Ashby, Lever, Greenhouse) into a copy of a database that already
holds a clean crawl of the same boards, with one fault on one board's path.
"""

from __future__ import annotations

import email.utils
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scraper.replay import Fault, ReplayServer
from tests.helpers import FIXTURES, crawl
from tests.reliability.support import BOARD_PATHS, BOARDS, EXPECTED, last_run, losses, rows, snapshot

MB = 1024 * 1024


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with one clean crawl of BOARDS; each case starts from a copy."""
    db = tmp_path_factory.mktemp("baseline") / "paybands.duckdb"
    with ReplayServer(FIXTURES) as server:
        result = crawl(db, server.url, *BOARDS)
    assert result.status == "ok" and sum(o.counts.postings for o in result.outcomes) == sum(EXPECTED.values())
    return db


@dataclass(slots=True, frozen=True)
class Case:
    id: str
    what: str  # the table's "fault" column
    target: str  # the company whose board path gets the fault
    fault: Callable[[], Fault]
    expect: str  # "ok" (recovered) or the FetchError kind of a clear failure
    requests: tuple[int, int]  # min, max requests to the target's path (bounded retries)
    settings: dict[str, Any] = field(default_factory=dict)
    message: str = ""  # a phrase the per-company error must contain
    min_gap_s: float = 0.0  # the server must see retries at least this far apart (Retry-After)


def _http_date(seconds_ahead: float) -> str:
    return email.utils.formatdate(time.time() + seconds_ahead, usegmt=True)


FAST = {"max_retries": 2, "timeout_s": 1.0}
CASES = [
    # -- 5xx bursts ------------------------------------------------------------------------
    *(
        Case(
            f"{code}-burst-recovers",
            f"HTTP {code} twice, then normal (max_retries=2)",
            "Browserbase",
            lambda code=code: Fault(status=code, times=2),
            "ok",
            (3, 3),
            FAST,
        )
        for code in (500, 502, 503)
    ),
    *(
        Case(
            f"{code}-beyond-retries",
            f"HTTP {code} on every attempt (max_retries=2)",
            "GitLab",
            lambda code=code: Fault(status=code),
            "http",
            (3, 3),
            FAST,
            f"HTTP {code} (after 3 attempts)",
        )
        for code in (500, 502, 503, 504)
    ),
    Case(
        "503-temporarily-down-lever",
        "board temporarily down: 503 on every attempt",
        "Match Group",
        lambda: Fault(status=503),
        "http",
        (3, 3),
        FAST,
        "HTTP 503",
    ),
    Case(
        "404-board-gone",
        "board gone: HTTP 404 (not retried)",
        "Match Group",
        lambda: Fault(status=404, body=b'{"ok": false, "error": "Document not found"}'),
        "not_found",
        (1, 1),
        FAST,
        "board not found",
    ),
    Case(
        "410-board-gone",
        "board gone: HTTP 410",
        "Browserbase",
        lambda: Fault(status=410),
        "not_found",
        (1, 1),
        FAST,
        "board not found",
    ),
    Case(
        "403-forbidden",
        "HTTP 403 (not retried)",
        "GitLab",
        lambda: Fault(status=403),
        "http",
        (1, 1),
        FAST,
        "HTTP 403",
    ),
    # -- 429 -------------------------------------------------------------------------------
    Case(
        "429-retry-after-1s",
        "429 with Retry-After: 1, once",
        "Browserbase",
        lambda: Fault(status=429, retry_after="1", times=1),
        "ok",
        (2, 2),
        FAST,
        min_gap_s=0.9,
    ),
    Case(
        "429-retry-after-date",
        "429 with Retry-After as an HTTP date (+2 s), once",
        "GitLab",
        lambda: Fault(status=429, retry_after=lambda: _http_date(3), times=1),
        "ok",
        (2, 2),
        FAST,
        min_gap_s=1.9,
    ),  # whole seconds: +3 s from the answer is 2..3 s away
    Case(
        "429-no-retry-after",
        "429 without Retry-After, twice (jittered backoff)",
        "Match Group",
        lambda: Fault(status=429, times=2),
        "ok",
        (3, 3),
        FAST,
    ),
    Case(
        "429-always",
        "429 with Retry-After: 1 on every attempt",
        "Browserbase",
        lambda: Fault(status=429, retry_after="1"),
        "http",
        (3, 3),
        FAST,
        "HTTP 429",
        min_gap_s=0.9,
    ),
    Case(
        "429-retry-after-hour",
        "429 with Retry-After: 3600 (longer than we may wait)",
        "Browserbase",
        lambda: Fault(status=429, retry_after="3600"),
        "http",
        (1, 1),
        FAST,
        "Retry-After",
    ),
    *(
        Case(
            f"429-retry-after-{slug}",
            f"429 with a bad Retry-After ({value!r}), twice",
            "GitLab",
            lambda value=value: Fault(status=429, retry_after=value, times=2),
            "ok",
            (3, 3),
            FAST,
        )
        for slug, value in (("garbage", "soon"), ("nan", "nan"), ("inf", "inf"), ("negative", "-5"))
    ),
    Case(
        "503-retry-after",
        "503 with Retry-After: 1, once",
        "Match Group",
        lambda: Fault(status=503, retry_after="1", times=1),
        "ok",
        (2, 2),
        FAST,
        min_gap_s=0.9,
    ),
    # -- slow, reset, truncated, wrong content ----------------------------------------------
    Case(
        "slow-once",
        "answer 1.5 s late (timeout 1 s), once",
        "Browserbase",
        lambda: Fault(delay_s=1.5, times=1),
        "ok",
        (2, 2),
        FAST,
    ),
    Case(
        "slow-always",
        "answer 1.5 s late (timeout 1 s) on every attempt",
        "Match Group",
        lambda: Fault(delay_s=1.5),
        "timeout",
        (3, 3),
        FAST,
        "timed out",
    ),
    Case(
        "trickle",
        "body trickles in 64 KB every 0.4 s for 16 s (timeout 1 s)",
        "GitLab",
        lambda: Fault(pad_to_bytes=40 * 64 * 1024, chunk_delay_s=0.4),
        "timeout",
        (3, 3),
        FAST,
        "timed out",
    ),
    Case(
        "reset-once",
        "connection reset mid-body, once",
        "Browserbase",
        lambda: Fault(reset=True, times=1),
        "ok",
        (2, 2),
        FAST,
    ),
    Case(
        "reset-always",
        "connection reset mid-body on every attempt",
        "GitLab",
        lambda: Fault(reset=True),
        "network",
        (3, 3),
        FAST,
    ),
    Case(
        "truncated-json",
        "200 with truncated JSON",
        "Browserbase",
        lambda: Fault(status=200, body=b'{"jobs": [{"id": "1", "title": "ML Eng'),
        "bad_json",
        (1, 1),
        FAST,
        "did not return valid JSON",
    ),
    Case(
        "html-not-json",
        "200 with an HTML page where JSON was expected (Lever)",
        "Match Group",
        lambda: Fault(
            status=200,
            body=b"<html><body><div class='posting'>ML</div></body></html>",
            content_type="text/html; charset=utf-8",
        ),
        "bad_json",
        (1, 1),
        FAST,
        "text/html",
    ),
    Case(
        "nested-json",
        "200 with JSON nested 100,000 levels deep",
        "Browserbase",
        lambda: Fault(status=200, body=b"[" * 100_000 + b"]" * 100_000),
        "bad_json",
        (1, 1),
        FAST,
        "did not return valid JSON",
    ),
    Case(
        "wrong-shape",
        "200 with valid JSON of the wrong shape",
        "GitLab",
        lambda: Fault(status=200, body=b'{"error": "maintenance"}'),
        "source",
        (1, 1),
        FAST,
        "did not return a Greenhouse job list",
    ),
    Case(
        "empty-board",
        "200 with a board that suddenly lists no jobs",
        "Browserbase",
        lambda: Fault(status=200, body=b'{"jobs": [], "apiVersion": "1"}'),
        "empty",
        (1, 1),
        FAST,
    ),
    # -- size --------------------------------------------------------------------------------
    Case(
        "20mb-declared",
        "20 MB body with Content-Length (max_response_mb=5)",
        "Browserbase",
        lambda: Fault(pad_to_bytes=20 * MB),
        "too_large",
        (1, 1),
        {**FAST, "max_response_mb": 5},
        "more than 5 MB",
    ),
    Case(
        "20mb-chunked",
        "20 MB chunked body, no Content-Length (max_response_mb=5)",
        "GitLab",
        lambda: Fault(pad_to_bytes=20 * MB, chunked=True),
        "too_large",
        (1, 1),
        {**FAST, "max_response_mb": 5},
        "more than 5 MB",
    ),
    Case(
        "20mb-under-cap",
        "20 MB valid board (default max_response_mb=32)",
        "Browserbase",
        lambda: Fault(pad_to_bytes=20 * MB, chunked=True),
        "ok",
        (1, 1),
        {"max_retries": 2, "timeout_s": 10},
    ),
    # -- redirects ---------------------------------------------------------------------------
    Case(
        "redirect-loop",
        "302 to itself forever",
        "Match Group",
        lambda: Fault(redirect_loop=True),
        "http",
        (1, 6),
        FAST,
        "redirects too many times",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault(case: Case, baseline: Path, replay: ReplayServer, tmp_db: Path, rel) -> None:
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    path = BOARD_PATHS[case.target]
    replay.faults[path] = case.fault()
    started = time.monotonic()
    result = crawl(tmp_db, replay.url, *BOARDS, **case.settings)
    took = time.monotonic() - started
    run = last_run(tmp_db)
    target = run["companies"][case.target]
    hits = replay.requests_to(path)
    gaps = [b - a for a, b in zip(replay.times_of(path), replay.times_of(path)[1:], strict=False)]
    others_ok = all(run["companies"][c]["status"] == "ok" for c in EXPECTED if c != case.target)
    lost = losses(before, tmp_db)
    outcome = (
        f"{target['status']}"
        + (
            f" ({target['error_kind']}: {target['error']})"
            if target["error"]
            else f", {target['postings']} postings"
        )
        + f"; {hits} requests to the board"
        + (f" ({min(gaps):.1f} s apart at the server)" if case.min_gap_s and gaps else "")
        + f"; others {'stored' if others_ok else 'NOT stored'}; {took:.1f} s"
    )
    rel.record("Faults", case.what, tries=1, outcome=outcome, lost=lost)

    lo, hi = case.requests
    assert lo <= hits <= hi, f"{hits} requests to {path}, expected {lo}..{hi}"
    assert others_ok, run["companies"]
    if case.expect in ("ok", "empty"):
        assert target["status"] == case.expect, target
        assert result.status == "ok" and run["errors"] == []
    else:
        assert target["status"] == "failed" and target["error_kind"] == case.expect, target
        assert case.message in target["error"], target["error"]
        assert result.status == "partial"
        # crawl_runs.errors names the company and the kind, as the summary does
        assert run["errors"] == [{"company": case.target, "kind": case.expect, "error": target["error"]}]
    if case.min_gap_s:
        assert gaps and min(gaps) >= case.min_gap_s, gaps
    assert lost == "nothing"


# -- robots.txt -----------------------------------------------------------------------------------
ROBOTS_CASES = [
    # id, what, robots.txt fault, expect, robots.txt requests (min, max), message
    ("disallow", "robots.txt disallows the board", lambda: Fault(status=200, body=b"User-agent: *\nDisallow: /v1/\n",
     content_type="text/plain"), "robots", (1, 1), "disallows"),
    ("503-always", "robots.txt answers 503 on every attempt", lambda: Fault(status=503), "robots", (3, 3),
     "its robots.txt could not be read"),
    ("timeout", "robots.txt slower than the timeout", lambda: Fault(delay_s=1.5), "robots", (3, 3),
     "its robots.txt could not be read"),
    ("503-once", "robots.txt answers 503 once, then 404", lambda: Fault(status=503, times=1), "ok", (2, 2), ""),
    ("403", "robots.txt answers 403 (RFC 9309: allow)", lambda: Fault(status=403), "ok", (1, 1), ""),
    ("html", "robots.txt is an HTML page", lambda: Fault(status=200, body=b"<html>hi</html>", content_type="text/html"),
     "ok", (1, 1), ""),
    ("20mb", "robots.txt of 20 MB (max_response_mb=5)", lambda: Fault(pad_to_bytes=20 * MB, chunked=True,
     content_type="text/plain"), "ok", (1, 1), ""),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "what", "fault", "expect", "robots_requests", "message"),
    ROBOTS_CASES,
    ids=[c[0] for c in ROBOTS_CASES],
)
def test_robots_txt_fault(case, what, fault, expect, robots_requests, message, baseline, replay, tmp_db, rel):
    """GitLab's board lives on its own host (a second replay server) whose robots.txt misbehaves."""
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    with ReplayServer(FIXTURES) as other:
        other.faults["/robots.txt"] = fault()
        boards = [b if b["name"] != "GitLab" else {**b, "base_url": other.url} for b in BOARDS]
        crawl(tmp_db, replay.url, *boards, max_retries=2, timeout_s=1.0, max_response_mb=5)
        robots_hits, board_hits = other.requests_to("/robots.txt"), other.requests_to(BOARD_PATHS["GitLab"])
    run = last_run(tmp_db)
    target = run["companies"]["GitLab"]
    others_ok = all(run["companies"][c]["status"] == "ok" for c in EXPECTED if c != "GitLab")
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        what,
        outcome=f"{target['status']}"
        + (f" ({target['error_kind']}: {target['error']})" if target["error"] else "")
        + f"; {robots_hits} robots.txt and {board_hits} board requests; others {'stored' if others_ok else 'NOT stored'}",
        lost=lost,
    )
    assert robots_requests[0] <= robots_hits <= robots_requests[1]
    assert others_ok
    if expect == "ok":
        assert target["status"] == "ok" and board_hits == 1
    else:
        assert (
            target["status"] == "failed" and target["error_kind"] == "robots" and message in target["error"]
        )
        assert board_hits == 0  # nothing fetched from a host that disallows it or cannot say
    assert lost == "nothing"


def test_lever_asks_for_json_and_forced_html_is_a_clear_error(replay, tmp_db, rel):
    """Lever answers its HTML board without mode=json/Accept; the source must ask for JSON both ways."""
    result = crawl(tmp_db, replay.url, BOARDS[1])
    before = snapshot(tmp_db)
    (req,) = [h for h in replay.history if h[2] == BOARD_PATHS["Match Group"]]
    _, _, _, query, headers = req
    asked_json = query.get("mode") == ["json"] and "application/json" in headers.get("accept", "")
    # A server that ignores both and still sends HTML: a clear bad_json error naming the content type.
    replay.faults[BOARD_PATHS["Match Group"]] = Fault(
        status=200, body=b"<html><h5>ML</h5></html>", content_type="text/html"
    )
    forced = crawl(tmp_db, replay.url, BOARDS[1])
    (o,) = forced.outcomes
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        "Lever board: mode=json and Accept: application/json sent; then HTML forced",
        tries=2,
        outcome=f"request asked for JSON both ways: {asked_json}; forced HTML -> {o.status} "
        f"({o.error_kind}: {o.error})",
        lost=lost,
    )
    assert result.status == "ok" and asked_json
    assert o.status == "failed" and o.error_kind == "bad_json" and "text/html" in (o.error or "")
    assert lost == "nothing"


def test_oversized_response_memory_is_bounded(replay, rel):
    """A 20 MB chunked answer with a 5 MB cap: the fetcher stops reading at the cap."""
    import asyncio
    import tracemalloc

    from scraper.config import CrawlSettings
    from scraper.fetch import Fetcher, FetchError

    replay.faults["/big"] = Fault(pad_to_bytes=20 * MB, chunked=True)
    settings = CrawlSettings(per_host_delay_s=0, timeout_s=10, max_retries=0, max_response_mb=5)

    async def fetch() -> FetchError:
        async with Fetcher(settings) as fetcher:
            with pytest.raises(FetchError) as err:
                await fetcher.get_json(f"{replay.url}/big")
            return err.value

    tracemalloc.start()
    try:
        error = asyncio.run(fetch())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rel.record(
        "Faults",
        "20 MB chunked response, max_response_mb=5: memory while reading",
        outcome=f"{error.kind}: cut at the cap; peak Python memory {peak / MB:.1f} MB",
    )
    assert error.kind == "too_large"
    assert peak < 12 * MB  # the cap plus buffers, never the whole 20 MB


def test_store_failure_in_one_company(baseline, replay, tmp_db, monkeypatch, rel):
    """The database refuses one company's write (injected): that company fails alone, the crawl goes on."""
    from scraper.store import FaultPlan, Store

    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    faults = FaultPlan()
    monkeypatch.setattr(Store, "faults", faults)
    faults.inject("mark_removed", RuntimeError("injected: disk full"), board="matchgroup")
    result = crawl(tmp_db, replay.url, *BOARDS)
    run = last_run(tmp_db)
    target = run["companies"]["Match Group"]
    others_ok = all(run["companies"][c]["status"] == "ok" for c in EXPECTED if c != "Match Group")
    lost = losses(before, tmp_db)
    rel.record(
        "Faults",
        "the database fails one company's write (injected error mid-transaction)",
        outcome=f"{target['status']} ({target['error_kind']}: {target['error']}); run {result.status}; "
        f"others {'stored' if others_ok else 'NOT stored'}",
        lost=lost,
    )
    assert target["status"] == "failed" and target["error_kind"] == "store" and "disk full" in target["error"]
    assert others_ok and result.status == "partial"
    assert lost == "nothing"


# -- a career site's job pages (jsonld, plain HTML: no browser) ------------------------------------
SITE = {"name": "Recorded Site", "source": "jsonld", "board": "recorded", "link_pattern": "hrmos_"}
SITE_PAGES = "/static-careers/job/hrmos_visional_0000381_jpy"


@pytest.mark.parametrize(
    ("status", "expect"),
    [(503, "failed"), (404, "ok")],
    ids=["job-page-503", "job-page-404"],
)
def test_career_site_job_page_fault(status, expect, replay, tmp_db, rel):
    """One of two job pages fails: 503 must fail the company (else its posting would be marked removed);
    404 is a posting that ended (its listing link is stale), so only that posting goes inactive."""
    site = {**SITE, "url": f"{replay.url}/static-careers/"}
    first = crawl(tmp_db, replay.url, site, BOARDS[2], max_retries=1, timeout_s=2)
    assert first.status == "ok" and first.outcomes[0].counts.postings == 2
    before = snapshot(tmp_db)
    replay.faults[SITE_PAGES] = Fault(status=status)
    crawl(tmp_db, replay.url, site, BOARDS[2], max_retries=1, timeout_s=2)
    run = last_run(tmp_db)
    target = run["companies"]["Recorded Site"]
    ended = frozenset(
        pid
        for (pid,) in rows(
            tmp_db, "SELECT posting_id FROM postings WHERE NOT is_active AND removed_run_id = 2"
        )
    )
    lost = losses(before, tmp_db, ended if status == 404 else frozenset())
    rel.record(
        "Faults",
        f"career site (JSON-LD): one of its two job pages answers {status}",
        outcome=f"{target['status']}"
        + (
            f" ({target['error_kind']}: {target['error']})"
            if target["error"]
            else f", {target['postings']} postings"
        )
        + f"; {len(ended)} posting marked removed; GitLab {run['companies']['GitLab']['status']}",
        lost=lost,
    )
    assert run["companies"]["GitLab"]["status"] == "ok"
    assert target["status"] == expect and lost == "nothing"
    if status == 404:
        assert len(ended) == 1  # the posting that ended: removed, correctly
    else:
        assert "503" in target["error"] and not ended
