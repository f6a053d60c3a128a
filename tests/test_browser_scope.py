"""The browser keeps the redirect rule of the fetcher (scraper/netscope.py): a page may not make
Chromium reach another network than the one it was rendered from, directly or through a redirect,
and a redirect to a non-http(s) scheme is refused. Playwright's route is not asked again for a
redirect hop, so documents and API calls are fetched without following and handed back as redirects."""

from __future__ import annotations

import asyncio

import pytest

from scraper.browser import BrowserPool, find_chromium
from scraper.config import CrawlSettings
from scraper.replay import ReplayResponse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium executable: apt-get install -y chromium"),
]
SETTINGS = CrawlSettings(timeout_s=8, per_host_delay_s=0.0, user_agent="paybands-test/1.0 (+tests)")
# A private address (RFC 1918): refused before any connection, so the test never leaves the machine.
PRIVATE = "http://10.255.255.1/admin"


def _page(body: str) -> ReplayResponse:
    return ReplayResponse(200, f"<html><body>{body}</body></html>".encode(), {"Content-Type": "text/html"})


def _redirect(to: str) -> ReplayResponse:
    return ReplayResponse(302, b"", {"Location": to, "Content-Type": "text/html"})


def _render(url: str, ready: str) -> tuple[str, list[str]]:
    async def go() -> tuple[str, list[str]]:
        async with await BrowserPool.start(SETTINGS) as pool:
            try:
                html, _ = await pool.render(url, ready, wait_s=4)
            except Exception as exc:  # the page itself refused: what the pool says is the result
                html = f"error: {exc}"
            return html, list(pool.refused)

    return asyncio.run(go())


def test_a_redirect_within_the_start_network_is_followed(replay):
    replay.overrides[("GET", "/hop")] = lambda req: _redirect("/landed")
    replay.overrides[("GET", "/landed")] = lambda req: _page('<p id="ok">landed</p>')
    html, refused = _render(f"{replay.url}/hop", "#ok")
    assert "landed" in html and refused == []


@pytest.mark.parametrize(
    ("target", "why"),
    [
        (PRIVATE, "a private address"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("ftp://10.0.0.1/x", "scheme 'ftp'"),
    ],
)
def test_a_redirect_off_the_network_or_to_another_scheme_is_refused(replay, target, why):
    replay.overrides[("GET", "/hop")] = lambda req: _redirect(target)
    html, refused = _render(f"{replay.url}/hop", "#never")
    assert "error" in html
    assert len(refused) == 1 and why in refused[0], refused


def test_a_page_cannot_fetch_another_network(replay):
    script = f"<script>fetch('{PRIVATE}').catch(() => {{}}).finally(() => document.body.insertAdjacentHTML('beforeend', '<p id=done></p>'))</script>"
    replay.overrides[("GET", "/page")] = lambda req: _page(script)
    html, refused = _render(f"{replay.url}/page", "#done")
    assert 'id="done"' in html
    assert len(refused) == 1 and "10.255.255.1" in refused[0] and "a private address" in refused[0]
