"""The headless browser, for career pages that only show jobs after JavaScript runs.

One `BrowserPool` per crawl (`CrawlContext.get_browser()` starts it on first
use, `CrawlContext.close()` closes it): one Chromium process, one browser
context, at most `settings.browser_pages` pages open at once, pages reused
between renders. Launching Chromium costs about a second and ~100 MB, so a
crawl that never meets a JavaScript-only page never starts it.

Discipline, and why:
- images, fonts, media and stylesheets are aborted in `context.route`: the
  crawl reads markup and JSON, and these are most of a page's bytes;
- every navigation and wait has a timeout (`settings.timeout_s`): a page whose
  script never finishes must fail the company, not hang the run;
- the configured User-Agent is sent, so site owners see who is crawling;
- downloads are refused, JS dialogs dismissed, popups closed: nothing may
  block a page or write to disk;
- `close()` is idempotent and called from `finally` blocks, so the browser
  goes away on errors and on Ctrl-C (Playwright also kills it on SIGINT).

`render()` returns the page's HTML after its scripts ran plus the JSON the
page fetched itself: when a site's page calls a JSON API, those responses are
the data, and reading them needs no guessing at the site's private API.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import json
import os
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from .errors import BrowserError, BrowserUnavailable, FetchError, FetchErrorKind, RenderTimeout
from .netscope import Scope, hop_allowed, host_scope, scope_phrase
from .sanitize import terminal_safe

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright, Request, Response, Route

    from .config import CrawlSettings

INSTALL_HINT = (
    "install Chromium with `apt-get install -y chromium` (Debian/Ubuntu), or `playwright install chromium` "
    "where the internet is reachable, or point PAYBANDS_CHROMIUM at a Chrome/Chromium executable"
)
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Root in a container needs --no-sandbox; the rest keep Chromium from phoning home (update checks,
# sync, field trials) on a closed network, where each such request only waits for a timeout.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",  # /dev/shm is 64 MB in Docker; tabs crash when it fills
    "--disable-extensions",
    "--mute-audio",
)
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "stylesheet"})
JSON_CONTENT_TYPES = ("application/json", "application/ld+json", "+json")
MAX_CAPTURED_RESPONSES = 50  # per render: a page polling an API must not fill memory
CAPTURE_DRAIN_S = 2.0  # how long render() waits for bodies still downloading after the page is ready
CRASHED = "the browser exited unexpectedly (crashed or killed); no more pages can be rendered in this crawl"
POLL_INTERVAL_S = 0.1  # page.content() of a typical page costs ~5 ms


@dataclass(slots=True, frozen=True)
class CapturedResponse:
    url: str
    status: int
    content_type: str
    data: Any  # parsed JSON


class Rendered(NamedTuple):
    html: str
    responses: list[CapturedResponse]


def _executable(path: str | None) -> bool:
    return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)  # type: ignore[arg-type]


def _playwright_bundled() -> str | None:
    """Playwright's own Chromium in its cache, found without starting the driver (for test skips)."""
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    for pattern in (
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/*",
    ):
        found = sorted(glob.glob(os.path.join(root, pattern)), reverse=True)
        if found:
            return found[0]
    return None


def find_chromium(playwright_path: str | None = None) -> str | None:
    """The Chromium to drive, in this order: $PAYBANDS_CHROMIUM, Playwright's own, the system's."""
    env = os.environ.get("PAYBANDS_CHROMIUM")
    if env:
        return env  # an explicit choice is checked (and its error reported) by the caller, never skipped
    candidates = [playwright_path or _playwright_bundled(), *SYSTEM_CHROMIUMS, shutil.which("chromium")]
    return next((c for c in candidates if _executable(c)), None)


def chromium_or_error(playwright_path: str | None = None) -> str:
    path = find_chromium(playwright_path)
    if path is None:
        raise BrowserUnavailable(f"this site needs a browser and no Chromium was found: {INSTALL_HINT}")
    if not _executable(path):
        raise BrowserUnavailable(f"PAYBANDS_CHROMIUM={path!r} is not an executable file; {INSTALL_HINT}")
    return path


class BrowserPool:
    """One Chromium for a crawl. Create with `await BrowserPool.start(settings)`; always `await close()`."""

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        blocked_types: frozenset[str] = BLOCKED_RESOURCE_TYPES,
        max_capture_bytes: int | None = None,
    ) -> None:
        self.settings = settings
        self.blocked_types = blocked_types
        # Captured API responses share the fetcher's size cap: same memory budget per response.
        self.max_capture_bytes = max_capture_bytes or int(settings.max_response_mb * 1024 * 1024)
        # A marker on Chromium's command line: `ps` (and the tests) can tell this crawl's browser apart.
        self.token = secrets.token_hex(6)
        self.executable: str | None = None
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._slots = asyncio.Semaphore(settings.browser_pages)
        self._idle: list[Page] = []
        self._parked: set[Page] = set()  # idle pages showing about:blank (see _give_back)
        self._close_lock = asyncio.Lock()
        self._disconnected = asyncio.Event()  # Chromium went away (crash, kill, or our own close)
        self.closed = False
        # Counters, for tests and the crawl summary.
        self.pages_opened = 0
        self.renders = 0
        self.active = 0
        self.max_active = 0
        self.blocked_requests = 0
        # The network rule of redirects (scraper/netscope.py) for what a page loads: a public page may not
        # make Chromium request the operator's own network, directly or through a redirect.
        self.refused: list[str] = []  # one sentence per request refused, for tests and messages
        self._scopes: dict[str, Scope | None] = {}
        self._page_scope: dict[Any, Scope | None] = {}

    # -- lifecycle --------------------------------------------------------------------
    @classmethod
    async def start(cls, settings: CrawlSettings, **kw: Any) -> BrowserPool:
        pool = cls(settings, **kw)
        try:
            await pool._launch()
        except BaseException:
            await pool.close()  # a half-started driver or browser must not outlive the error
            raise
        return pool

    async def _launch(self) -> None:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self.executable = chromium_or_error(self._pw.chromium.executable_path)
        timeout_ms = self.settings.timeout_s * 1000
        try:
            self._browser = await self._pw.chromium.launch(
                executable_path=self.executable,
                args=[*CHROMIUM_ARGS, f"--paybands-pool={self.token}"],
                headless=True,
                timeout=max(timeout_ms, 30_000),  # a cold start on a busy machine is slower than one page
            )
            self._context = await self._browser.new_context(
                user_agent=self.settings.user_agent,
                accept_downloads=False,
                service_workers="block",  # a service worker would answer requests our route never sees
                viewport={"width": 1280, "height": 900},
            )
        except PlaywrightError as exc:
            raise BrowserUnavailable(
                f"could not start Chromium ({self.executable}): {_first_line(exc)}; {INSTALL_HINT}"
            ) from None
        self._browser.on("disconnected", lambda _browser: self._disconnected.set())
        self._context.set_default_navigation_timeout(timeout_ms)
        self._context.set_default_timeout(timeout_ms)
        await self._context.route("**/*", self._route)
        # window.open / target=_blank popups: nobody reads them, and they would count against no bound.
        self._context.on("page", self._on_new_page)

    async def close(self) -> None:
        """Close pages, context, browser and driver. Safe to call twice, after errors, or half-started."""
        async with self._close_lock:
            if self.closed:
                return
            self.closed = True
            self._idle.clear()
            self._parked.clear()
            # Each step guarded and bounded: a browser already killed (Ctrl-C, a crash) must not stop the
            # driver's shutdown. A dead browser is not asked to close anything.
            alive = self.is_connected()
            for step in (
                self._context.close if self._context and alive else None,
                self._browser.close if self._browser and alive else None,
                self._pw.stop if self._pw else None,
            ):
                if step is None:
                    continue
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(asyncio.shield(step()), timeout=5)
            self._context = self._browser = self._pw = None

    async def __aenter__(self) -> BrowserPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def browser(self) -> Browser | None:
        return self._browser

    def is_connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    # -- rendering ----------------------------------------------------------------------
    async def render(
        self,
        url: str,
        wait_for_selector: str | None = None,
        *,
        ready: Callable[[str, list[CapturedResponse]], bool] | None = None,
        wait_s: float | None = None,
    ) -> Rendered:
        """Load `url`, run its scripts, return (html, JSON responses the page fetched).

        `wait_for_selector` (CSS, matched when attached, e.g. a <script>) or `ready` (a predicate on
        the page's HTML and the JSON captured so far, polled) say when the page is done; either must
        hold within `wait_s` (default `timeout_s`) or RenderTimeout is raised. With neither, the page
        is read once the network is quiet (or `wait_s` passed).
        """
        if self.closed or self._context is None:
            raise BrowserUnavailable("the browser was already closed")
        if not self.is_connected():
            raise BrowserUnavailable(CRASHED)
        wait_s = self.settings.timeout_s if wait_s is None else wait_s
        async with self._slots:
            # Playwright's own timeouts run in its driver; when Chromium dies (OOM killer, SIGKILL) a
            # pending call may never be answered. So the render races the browser's "disconnected"
            # event and a deadline kept here, in Python.
            work = asyncio.ensure_future(self._render_page(url, wait_for_selector, ready, wait_s))
            crashed = asyncio.ensure_future(self._disconnected.wait())
            deadline = self.settings.timeout_s + wait_s + CAPTURE_DRAIN_S + 10
            try:
                done, _ = await asyncio.wait(
                    {work, crashed}, timeout=deadline, return_when=asyncio.FIRST_COMPLETED
                )
            except asyncio.CancelledError:
                work.cancel()
                raise
            finally:
                crashed.cancel()
            if work in done:
                return work.result()
            work.cancel()  # its cancel path drops the page without awaiting Playwright
            with contextlib.suppress(BaseException):
                await asyncio.wait({work}, timeout=1)
            if crashed in done or not self.is_connected():
                raise BrowserUnavailable(f"{url}: {CRASHED}")
            raise RenderTimeout(f"{url}: the browser did not answer within {deadline:g}s")

    async def _render_page(
        self,
        url: str,
        wait_for_selector: str | None,
        ready: Callable[[str, list[CapturedResponse]], bool] | None,
        wait_s: float,
    ) -> Rendered:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        page = await self._take_page()
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        captured: list[CapturedResponse] = []
        pending: list[asyncio.Task[None]] = []

        def on_response(response: Response) -> None:
            if len(pending) < MAX_CAPTURED_RESPONSES and _is_json(response):
                pending.append(asyncio.ensure_future(self._capture(response, captured)))

        page.on("response", on_response)
        # What the page may reach: the network the rendered URL is on, and public addresses.
        self._page_scope[page] = await host_scope(urlsplit(url).hostname or "", self._scopes)
        healthy = cancelled = False
        try:
            try:
                response = await page.goto(url, wait_until="domcontentloaded")
            except PlaywrightTimeout:
                raise RenderTimeout(
                    f"{url} did not load within {self.settings.timeout_s:g}s in the browser"
                ) from None
            except PlaywrightError as exc:
                raise self._page_error(url, exc) from None
            if response is not None and response.status >= 400:
                kind: FetchErrorKind = "not_found" if response.status in (404, 410) else "http"
                raise FetchError(
                    kind, url, f"{url} answered HTTP {response.status} in the browser", response.status
                )
            try:
                await self._wait(page, url, wait_for_selector, ready, wait_s, captured)
                html = await page.content()
            except PlaywrightError as exc:
                raise self._page_error(url, exc) from None
            if pending:
                await asyncio.wait(pending, timeout=CAPTURE_DRAIN_S)
            healthy = True
            self.renders += 1
            return Rendered(html, list(captured))
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            page.remove_listener("response", on_response)
            for task in pending:
                task.cancel()
            self.active -= 1
            if not cancelled:
                await self._give_back(page, healthy)
            # Cancelled (Ctrl-C, a cancelled crawl): the page is dropped, not closed here. Awaiting
            # Playwright now can hang (page.close() during a navigation may never be answered);
            # close() follows and the context takes its pages with it.

    async def _wait(
        self,
        page: Page,
        url: str,
        selector: str | None,
        ready: Callable[[str, list[CapturedResponse]], bool] | None,
        wait_s: float,
        captured: list[CapturedResponse],
    ) -> None:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        deadline = time.monotonic() + wait_s
        if selector:
            try:
                # "attached", not "visible": what we wait for is often a <script> (JSON-LD), never visible.
                await page.wait_for_selector(selector, state="attached", timeout=wait_s * 1000)
            except PlaywrightTimeout:
                raise RenderTimeout(
                    f"{url}: the page's scripts did not render {selector!r} within {wait_s:g}s",
                    await _content(page),
                    list(captured),
                ) from None
        if ready is not None:
            while True:
                try:
                    html = await page.content()
                except PlaywrightError:  # mid-navigation (a script redirect): look again next poll
                    html = ""
                if html and ready(html, captured):
                    break
                if time.monotonic() >= deadline:
                    raise RenderTimeout(
                        f"{url}: the page's scripts did not render what we wait for within {wait_s:g}s",
                        html,
                        list(captured),
                    )
                await asyncio.sleep(POLL_INTERVAL_S)
        if not selector and ready is None:
            # Nothing specific to wait for: give the page's own API calls a chance to finish.
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state(
                    "networkidle", timeout=max(deadline - time.monotonic(), 0.1) * 1000
                )

    # -- an API behind a bot wall -------------------------------------------------------
    @contextlib.asynccontextmanager
    async def same_origin(self, page_url: str) -> AsyncIterator[InPageFetch]:
        """Load `page_url`, then lend its `fetch()`: requests made from the page itself carry the
        cookies, origin and headers a visitor's browser sends, where a site's bot wall refuses plain
        HTTP clients (Phenom's /api/get-jobs). The page (one of `browser_pages`) is held until the
        block ends; every call is bounded by `timeout_s` and by the response size cap."""
        if self.closed or self._context is None:
            raise BrowserUnavailable("the browser was already closed")
        if not self.is_connected():
            raise BrowserUnavailable(CRASHED)
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        async with self._slots:
            page = await self._take_page()
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            self._page_scope[page] = await host_scope(urlsplit(page_url).hostname or "", self._scopes)
            healthy = False
            try:
                try:
                    response = await asyncio.wait_for(
                        page.goto(page_url, wait_until="domcontentloaded"), self.settings.timeout_s + 5
                    )
                except (PlaywrightTimeout, TimeoutError):
                    raise RenderTimeout(
                        f"{page_url} did not load within {self.settings.timeout_s:g}s in the browser"
                    ) from None
                except PlaywrightError as exc:
                    raise self._page_error(page_url, exc) from None
                if response is not None and response.status >= 400:
                    kind: FetchErrorKind = "not_found" if response.status in (404, 410) else "http"
                    raise FetchError(
                        kind,
                        page_url,
                        f"{page_url} answered HTTP {response.status} in the browser",
                        response.status,
                    )
                self.renders += 1
                yield InPageFetch(self, page)
                healthy = True
            finally:
                self.active -= 1
                await self._give_back(page, healthy)

    async def _capture(self, response: Response, into: list[CapturedResponse]) -> None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_capture_bytes:
            return
        try:
            body = await response.body()
        except Exception:  # the page navigated away, or the body was evicted: nothing to keep
            return
        if len(body) > self.max_capture_bytes:
            return
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return
        into.append(
            CapturedResponse(response.url, response.status, response.headers.get("content-type", ""), data)
        )

    def _page_error(self, url: str, exc: Exception) -> BrowserError:
        if not self.is_connected():
            return BrowserUnavailable(f"{url}: {CRASHED}")
        return BrowserError(f"{url} failed in the browser: {_first_line(exc)}")

    # -- pages ------------------------------------------------------------------------------
    async def _take_page(self) -> Page:
        while self._idle:
            page = self._idle.pop()
            self._parked.discard(page)
            if not page.is_closed():
                return page
        assert self._context is not None
        page = await self._context.new_page()
        self.pages_opened += 1
        page.on("dialog", _dismiss)
        return page

    async def _give_back(self, page: Page, healthy: bool) -> None:
        if self.closed or page.is_closed():
            return
        if not healthy:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(page.close(), timeout=5)
            return
        self._idle.append(page)
        if self.active == 0:
            await self._park_idle()

    async def _park_idle(self) -> None:
        """Send idle pages to about:blank, which stops their last document's timers and requests.

        Only when no render is running: while renders run, a returned page goes straight to its
        next URL (that navigation stops the old document too), and parking every page first cost
        one more navigation per render, ~15% of the pages per second.
        """
        pages = [p for p in self._idle if p not in self._parked]
        if not pages:
            return
        self._idle = [p for p in self._idle if p in self._parked]  # not taken while navigating
        for page in pages:
            try:
                await asyncio.wait_for(page.goto("about:blank", timeout=5_000), timeout=6)
            except Exception:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(page.close(), timeout=5)
                continue
            if self.closed:
                return
            if len(self._idle) + self.active >= self.settings.browser_pages:
                # a render that started meanwhile opened its own page: keep the pool at its size
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(page.close(), timeout=5)
                continue
            self._parked.add(page)
            self._idle.append(page)

    def _on_new_page(self, page: Page) -> None:
        # Pages we open ourselves are registered after new_page() returns; popups have an opener.
        async def close_popup() -> None:
            with contextlib.suppress(Exception):
                if await page.opener() is not None:
                    await page.close()

        asyncio.ensure_future(close_popup())

    async def _route(self, route: Route, request: Request) -> None:
        try:
            if request.resource_type in self.blocked_types:
                self.blocked_requests += 1
                await route.abort("blockedbyclient")
                return
            start = self._page_scope.get(request.frame.page, "public")
            if not await self._may_reach(request.url, start):
                await route.abort("blockedbyclient")
                return
            if request.resource_type not in _FOLLOWED_HERE or request.method not in ("GET", "HEAD"):
                await route.continue_()
                return
            # Chromium follows redirects without asking the route again: the hop is fetched here
            # without following, checked like the first request, and handed back as a redirect the
            # browser then follows (a new request, routed again).
            response = await route.fetch(max_redirects=0)
            location = response.headers.get("location")
            redirect = 300 <= response.status < 400 and location
            if redirect and not await self._may_reach(urljoin(request.url, location), start):
                await route.abort("blockedbyclient")
                return
            await route.fulfill(response=response)
        except Exception:  # the page closed while the request was in flight: nothing to route
            pass

    async def _may_reach(self, url: str, start: Scope | None) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True  # no network
        if parts.scheme not in ("http", "https"):
            self.refused.append(f"{terminal_safe(url, 120)}: scheme {parts.scheme!r} is not http or https")
            return False
        scope = await host_scope(parts.hostname or "", self._scopes)
        if not hop_allowed(start, scope):
            self.refused.append(
                f"{terminal_safe(url, 120)}: {scope_phrase(scope)}, from a page on {scope_phrase(start or 'public')}"
            )
            return False
        return True


# The page's own fetch(): the answer's status and text, or null text when it is larger than the cap.
_FETCH_JS = """async ([url, method, body, cap]) => {
  const init = {method, credentials: "same-origin", headers: {"Accept": "application/json"}};
  if (body !== null) { init.body = body; init.headers["Content-Type"] = "application/json"; }
  const response = await fetch(url, init);
  const text = await response.text();
  return [response.status, text.length > cap ? null : text];
}"""


@dataclass(slots=True)
class InPageFetch:
    """`await call(url, method, body)` -> (status, text), requested by a loaded page (see same_origin)."""

    pool: BrowserPool
    page: Page

    async def __call__(self, url: str, method: str = "GET", body: str | None = None) -> tuple[int, str]:
        from playwright.async_api import Error as PlaywrightError

        if not self.pool.is_connected():
            raise BrowserUnavailable(f"{url}: {CRASHED}")
        wait_s = self.pool.settings.timeout_s
        try:
            status, text = await asyncio.wait_for(
                self.page.evaluate(_FETCH_JS, [url, method, body, self.pool.max_capture_bytes]), wait_s
            )
        except TimeoutError:
            raise FetchError("timeout", url, f"{url} timed out after {wait_s:g}s in the browser") from None
        except PlaywrightError as exc:
            raise self.pool._page_error(url, exc) from None
        if text is None:
            raise FetchError(
                "too_large",
                url,
                f"{url} answered more than {self.pool.max_capture_bytes:,} bytes in the browser",
            )
        return int(status), str(text)


# Request types whose redirects are followed in the route (documents and the page's own API calls):
# scripts and the like are not followed here, but their first hop is checked all the same.
_FOLLOWED_HERE = frozenset({"document", "xhr", "fetch"})


def _is_json(response: Response) -> bool:
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return any(ctype.endswith(t) if t.startswith("+") else ctype == t for t in JSON_CONTENT_TYPES)


def _dismiss(dialog: Any) -> None:
    # alert/confirm/prompt/beforeunload would block the page until answered.
    asyncio.ensure_future(_quiet(dialog.dismiss()))


async def _quiet(aw: Any) -> None:
    with contextlib.suppress(Exception):
        await aw


async def _content(page: Page) -> str:
    try:
        return await page.content()
    except Exception:
        return ""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
