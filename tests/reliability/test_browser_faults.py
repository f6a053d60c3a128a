"""JavaScript career pages gone wrong: a listing that never renders, Chromium killed mid-crawl.

Both run after a clean crawl of the same site plus three API boards: the jsonld company fails
clearly, the API boards are stored, the browser is gone, and nothing stored earlier is lost or
marked inactive.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest

from scraper import browser as browser_mod
from scraper.browser import find_chromium
from scraper.crawl import RunResult
from scraper.replay import Fault, ReplayResponse, ReplayServer
from tests.helpers import FIXTURES, crawl
from tests.reliability.support import BOARDS, EXPECTED, last_run, losses, snapshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium: apt-get install -y chromium"),
]
JS_SITE = {"name": "Northwind AI", "source": "jsonld", "board": "northwind"}  # url added per server
SETTINGS = {"max_retries": 0, "timeout_s": 4.0, "per_host_concurrency": 4}


def companies(base_url: str) -> list[dict]:
    return [*BOARDS, {**JS_SITE, "url": f"{base_url}/careers/"}]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("browser-baseline") / "paybands.duckdb"
    with ReplayServer(FIXTURES) as server:
        result = crawl(db, server.url, *companies(server.url), **SETTINGS)
    assert result.status == "ok", result.outcomes
    assert {o.company: o.counts.postings for o in result.outcomes} == {**EXPECTED, "Northwind AI": 5}
    return db


@pytest.fixture
def pools(monkeypatch) -> list[browser_mod.BrowserPool]:
    started: list[browser_mod.BrowserPool] = []
    real_start = browser_mod.BrowserPool.start.__func__

    async def start(cls, settings, **kw):
        pool = await real_start(cls, settings, **kw)
        started.append(pool)
        return pool

    monkeypatch.setattr(browser_mod.BrowserPool, "start", classmethod(start))
    return started


def browser_pids(token: str, *, main_only: bool = False) -> list[int]:
    """Live processes carrying this pool's marker flag; `main_only`: the browser, not its helpers."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        ours = f"--paybands-pool={token}".encode() in cmdline and state != "Z"
        if ours and not (main_only and b"--type=" in cmdline):
            pids.append(int(entry.name))
    return pids


def gone(token: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while browser_pids(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not browser_pids(token)


def check(rel, what: str, db: Path, before, pools, *, tries: int = 1, extra: str = "") -> dict:
    run = last_run(db)
    js = run["companies"]["Northwind AI"]
    others_ok = all(run["companies"][c]["status"] == "ok" for c in EXPECTED)
    closed = all(p.closed and not p.is_connected() and gone(p.token) for p in pools)
    lost = losses(before, db)
    rel.record(
        "Faults",
        what,
        tries=tries,
        outcome=f"{js['status']} ({js['error_kind']}: {js['error']}); API boards "
        f"{'stored' if others_ok else 'NOT stored'}; browser {'closed' if closed else 'LEFT RUNNING'}{extra}",
        lost=lost,
    )
    assert js["status"] == "failed" and js["error"], js
    assert others_ok and closed
    assert lost == "nothing"
    return js


def test_listing_that_never_renders(baseline, replay, tmp_db, pools, rel):
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    never = (FIXTURES / "synth/jsonld/never/index.html").read_bytes()
    replay.overrides[("GET", "/careers/")] = lambda req: ReplayResponse(
        200, never, {"Content-Type": "text/html"}
    )
    started = time.monotonic()
    crawl(tmp_db, replay.url, *companies(replay.url), **SETTINGS)
    took = time.monotonic() - started
    js = check(rel, "JavaScript listing that never renders its job links", tmp_db, before, pools,
               extra=f"; {took:.1f} s (timeout_s=4)")  # fmt: skip
    assert js["error_kind"] == "source" and "none appeared within 4s" in js["error"]
    assert took < 30


@pytest.mark.parametrize("kill_at", [1, 3, 5])
def test_browser_killed_mid_crawl(kill_at, baseline, replay, tmp_db, pools, rel):
    """One page at a time (browser_pages=1): the kill lands during the 1st, 3rd or last job page render."""
    shutil.copy(baseline, tmp_db)
    before = snapshot(tmp_db)
    # Job pages answer slowly, so the kill lands while the browser renders them.
    replay.faults["/careers/job/"] = Fault(delay_s=0.6)
    result: list[RunResult] = []
    worker = threading.Thread(
        target=lambda: result.append(
            crawl(tmp_db, replay.url, *companies(replay.url), **{**SETTINGS, "browser_pages": 1})
        )
    )
    worker.start()
    killed: list[int] = []
    deadline = time.monotonic() + 60
    # 5 plain-HTTP job page fetches come first; request 5 + k is the browser's k-th job page.
    while worker.is_alive() and time.monotonic() < deadline and not killed:
        if pools and replay.requests_to("/careers/job/") >= 5 + kill_at:
            for pid in browser_pids(pools[0].token, main_only=True):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        time.sleep(0.02)
    worker.join(timeout=120)
    hung = worker.is_alive()
    if hung:
        rel.record("Faults", f"Chromium killed (SIGKILL) while rendering job page {kill_at} of 5",
                   outcome="the crawl HUNG after the browser died", lost="unknown")  # fmt: skip
    assert not hung, "the crawl hung after the browser died"
    js = check(
        rel, f"Chromium killed (SIGKILL) while rendering job page {kill_at} of 5", tmp_db, before, pools
    )
    assert killed
    assert js["error_kind"] != "internal" and "browser" in js["error"] and len(js["error"]) < 400, js
