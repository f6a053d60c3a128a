"""BrowserPool against the replay server: blocking, reuse, the page bound, closing on every exit path."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from scraper.browser import BrowserPool, BrowserUnavailable, RenderTimeout, find_chromium
from scraper.config import CrawlSettings
from scraper.fetch import FetchError
from scraper.replay import Fault, ReplayResponse

pytestmark = pytest.mark.browser
needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium executable (PAYBANDS_CHROMIUM, Playwright's own, /usr/bin/chromium): "
    "apt-get install -y chromium",
)
SETTINGS = CrawlSettings(timeout_s=10, per_host_delay_s=0.0, user_agent="paybands-test/1.0 (+tests)")
ROOT = Path(__file__).resolve().parents[1]


def browser_processes(token: str, *, main_only: bool = False) -> list[int]:
    """Live processes started with this pool's marker flag (the browser and its helpers).

    `main_only`: the browser process itself; its renderer/GPU/utility helpers carry `--type=`.
    """
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


def wait_gone(token: str, timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := browser_processes(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def run(coro):
    return asyncio.run(coro)


@needs_chromium
def test_blocks_images_fonts_media_and_stylesheets(replay):
    async def go(**kw) -> int:
        async with await BrowserPool.start(SETTINGS, **kw) as pool:
            html, _ = await pool.render(f"{replay.url}/careers/", "a.job-link")
            assert html.count('class="job-link"') == 5
            return pool.blocked_requests

    blocked = run(go())
    assert replay.requests_to("/careers/static/") == 0  # logo.png, site.css, intro.mp4 never asked for
    assert blocked >= 3
    # Without blocking the same page does fetch them: the count above is not vacuous.
    run(go(blocked_types=frozenset()))
    assert replay.requests_to("/careers/static/logo.png") >= 1
    assert replay.requests_to("/careers/static/site.css") >= 1


@needs_chromium
def test_captures_the_pages_own_json(replay):
    async def go():
        async with await BrowserPool.start(SETTINGS) as pool:
            _, captured = await pool.render(f"{replay.url}/careers/", "a.job-link")
            small = await BrowserPool.start(SETTINGS, max_capture_bytes=100)
            try:
                _, too_big = await small.render(f"{replay.url}/careers/", "a.job-link")
            finally:
                await small.close()
            return captured, too_big

    captured, too_big = run(go())
    assert [c.url.removeprefix(replay.url) for c in captured] == ["/careers/api/jobs.json"]
    assert len(captured[0].data["jobs"]) == 5 and captured[0].status == 200
    assert too_big == []  # bodies over the cap are dropped, not kept


@needs_chromium
def test_one_browser_reused_across_pages(replay):
    seen_agents: list[str] = []

    def record(req):
        seen_agents.append(req.headers.get("user-agent", ""))
        return None  # fall through to the normal route

    replay.overrides[("GET", "/careers/job/ml-research-engineer")] = record

    async def go():
        pool = await BrowserPool.start(SETTINGS)
        try:
            browser = pool.browser
            for slug in ("ml-research-engineer", "applied-scientist-llm", "data-scientist-ranking") * 2:
                html, _ = await pool.render(
                    f"{replay.url}/careers/job/{slug}", 'script[type="application/ld+json"]'
                )
                assert "JobPosting" in html
            assert pool.browser is browser and len(browser.contexts) == 1
            return pool.pages_opened, pool.renders, len(browser_processes(pool.token, main_only=True))
        finally:
            await pool.close()

    pages_opened, renders, processes = run(go())
    assert (pages_opened, renders) == (1, 6)  # one page, reused six times
    assert processes == 1  # one Chromium for all of it
    assert seen_agents == [SETTINGS.user_agent] * 2  # the configured User-Agent, not Chromium's


@needs_chromium
def test_idle_pages_are_parked_on_a_blank_page_once_the_pool_is_quiet(replay):
    """Between renders a page goes straight to its next URL; when none is running, every idle page
    is sent to about:blank, so no job page's scripts keep running (or fetching) in the pool."""
    slugs = ("ml-research-engineer", "applied-scientist-llm", "data-scientist-ranking") * 3

    async def go():
        pool = await BrowserPool.start(dataclasses.replace(SETTINGS, browser_pages=3))
        try:
            done = await asyncio.gather(
                *(
                    pool.render(f"{replay.url}/careers/job/{s}", 'script[type="application/ld+json"]')
                    for s in slugs
                )
            )
            assert all("JobPosting" in r.html for r in done)
            return [p.url for p in pool._idle], pool.pages_opened, pool.settings.browser_pages
        finally:
            await pool.close()

    urls, opened, bound = run(go())
    assert urls and set(urls) == {"about:blank"}
    assert len(urls) <= bound and opened <= bound + 1


@needs_chromium
def test_page_bound(replay):
    lock = threading.Lock()
    state = {"now": 0, "max": 0}

    def slow(req):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.4)
        with lock:
            state["now"] -= 1
        return ReplayResponse.html("<html><body><p id=done>ok</p></body></html>")

    for i in range(6):
        replay.overrides[("GET", f"/slow/{i}")] = slow
    settings = CrawlSettings(timeout_s=10, browser_pages=2)

    async def go():
        async with await BrowserPool.start(settings) as pool:
            pages = await asyncio.gather(*(pool.render(f"{replay.url}/slow/{i}", "#done") for i in range(6)))
            return pool, pages

    pool, pages = run(go())
    assert len(pages) == 6 and all("done" in html for html, _ in pages)
    assert state["max"] == 2  # never more than browser_pages at once at the server...
    assert pool.max_active == 2 and pool.pages_opened == 2  # ...and two pages did all six


@needs_chromium
def test_closed_on_exceptions_and_idempotent(replay):
    async def go():
        pool = await BrowserPool.start(SETTINGS)
        token = pool.token
        assert browser_processes(token)
        with pytest.raises(RuntimeError):
            async with pool:
                await pool.render(f"{replay.url}/careers/", "a.job-link")
                raise RuntimeError("boom")
        assert pool.closed and not pool.is_connected()
        await pool.close()  # twice is fine
        with pytest.raises(BrowserUnavailable):
            await pool.render(f"{replay.url}/careers/")
        return token

    token = run(go())
    assert wait_gone(token) == []


@needs_chromium
def test_bounded_wait_then_clear_error_and_pool_still_usable(replay):
    async def go():
        async with await BrowserPool.start(SETTINGS) as pool:
            start = time.monotonic()
            with pytest.raises(
                RenderTimeout, match=r"careers-never/.*did not render 'a\.job-link' within 1s"
            ):
                await pool.render(f"{replay.url}/careers-never/", "a.job-link", wait_s=1)
            took = time.monotonic() - start
            with pytest.raises(RenderTimeout) as info:
                await pool.render(
                    f"{replay.url}/careers-never/", ready=lambda html, _: "job-link" in html, wait_s=1
                )
            assert "Loading open roles" in info.value.html  # what the page showed by then
            with pytest.raises(FetchError) as missing:
                await pool.render(f"{replay.url}/careers/job/no-such-job")
            assert missing.value.kind == "not_found"
            html, _ = await pool.render(f"{replay.url}/careers/", "a.job-link")  # the pool still works
            return took, html

    took, html = run(go())
    assert took < 5
    assert "job-link" in html


@needs_chromium
def test_dialogs_dismissed_and_popups_closed(replay):
    replay.overrides[("GET", "/dialog")] = lambda req: ReplayResponse.html(
        "<html><body><script>"
        "alert('hi'); confirm('sure?'); prompt('name?');"
        "window.open('/popup');"
        "document.body.insertAdjacentHTML('beforeend', '<p id=after>after dialogs</p>');"
        "</script></body></html>"
    )
    replay.overrides[("GET", "/popup")] = lambda req: ReplayResponse.html("<p>popup</p>")

    async def go():
        async with await BrowserPool.start(SETTINGS) as pool:
            html, _ = await pool.render(f"{replay.url}/dialog", "#after", wait_s=5)
            await asyncio.sleep(0.5)
            return html, len(pool._context.pages)

    html, open_pages = run(go())
    assert "after dialogs" in html
    assert open_pages == 1  # the popup was closed; only our (parked) page is left


def test_no_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PAYBANDS_CHROMIUM", "/nonexistent/chrome")
    with pytest.raises(BrowserUnavailable, match=r"PAYBANDS_CHROMIUM.*apt-get install -y chromium"):
        run(BrowserPool.start(SETTINGS))


def test_find_chromium_order(monkeypatch, tmp_path):
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PAYBANDS_CHROMIUM", str(fake))
    assert find_chromium("/also/ignored") == str(fake)  # the environment wins
    monkeypatch.delenv("PAYBANDS_CHROMIUM")
    assert find_chromium(str(fake)) == str(fake)  # then Playwright's own, when it exists
    monkeypatch.setattr("scraper.browser.SYSTEM_CHROMIUMS", ())
    monkeypatch.setattr("scraper.browser._playwright_bundled", lambda: None)
    monkeypatch.setattr("scraper.browser.shutil.which", lambda name: None)
    assert find_chromium("/missing/playwright/chrome") is None


CTRL_C_CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from scraper.browser import BrowserPool
    from scraper.config import CrawlSettings

    async def main():
        pool = await BrowserPool.start(CrawlSettings(timeout_s=60))
        try:
            print(pool.token, flush=True)
            await pool.render(sys.argv[1] + "/careers-never/", "a.job-link", wait_s=60)
        finally:
            await pool.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
    """
)


@needs_chromium
@pytest.mark.parametrize("whole_group", [True, False], ids=["terminal-ctrl-c", "sigint-to-python"])
def test_ctrl_c_closes_the_browser(replay, whole_group):
    child = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_CHILD, replay.url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a crawl started from a terminal
    )
    try:
        token = child.stdout.readline().strip()
        assert token, child.stderr.read()
        deadline = time.monotonic() + 10
        while replay.requests_to("/careers-never/") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert browser_processes(token)
        if whole_group:  # Ctrl-C in a terminal signals the group: Python, Playwright's driver, Chromium
            os.killpg(child.pid, signal.SIGINT)
        else:
            os.kill(child.pid, signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    assert "interrupted" in out
    assert wait_gone(token) == []


@needs_chromium
def test_killed_browser_fails_renders_fast_instead_of_hanging(replay):
    replay.faults["/careers/job/"] = Fault(delay_s=2.0)  # the kill lands while the page loads

    async def go():
        pool = await BrowserPool.start(SETTINGS)
        try:
            render = asyncio.ensure_future(
                pool.render(f"{replay.url}/careers/job/ml-research-engineer", "h1")
            )
            while replay.requests_to("/careers/job/") == 0:
                await asyncio.sleep(0.02)
            for pid in browser_processes(pool.token, main_only=True):
                os.kill(pid, signal.SIGKILL)
            start = time.monotonic()
            with pytest.raises(BrowserUnavailable, match="exited unexpectedly"):
                await render
            took = time.monotonic() - start
            with pytest.raises(BrowserUnavailable, match="exited unexpectedly"):
                await pool.render(f"{replay.url}/careers/")
        finally:
            await pool.close()
        return took, pool.token

    took, token = run(go())
    assert took < 5  # not the 10 s navigation timeout, and never a hang
    assert wait_gone(token) == []
