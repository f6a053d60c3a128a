"""Any career site that publishes schema.org `JobPosting` JSON-LD (config `url` = its careers page).

How a site is read, cheapest first:
1. the listing (`url`) over plain HTTP. Postings embedded in it are read; a
   page with exactly one posting is taken as a single job page (its "similar
   jobs" links are not followed);
2. job links on it: same site only (`www.` ignored), at most `max_pages`
   (default 200), chosen by `link_pattern` (a regex on the absolute URL) or by
   a path heuristic (`/job/…`, `/jobs/…`, `/careers/…/…`, `/positions/…`,
   `?gh_jid=`…). The listing's own URL and asset links never count;
3. only if the static listing has neither links nor postings: Chromium renders
   it and we wait (bounded by `timeout_s`) for the links its JavaScript
   writes. A page that never renders any fails the company with a clear error;
4. each job page over plain HTTP; the browser only when the static page has
   no JobPosting and either looks like an empty app shell or the listing
   itself needed JavaScript. A rendered page's JSON-LD wins; else a JobPosting
   in the JSON the page fetched from its own API;
5. a job page with no JobPosting at all still counts when its text states pay
   (talentclue ships an empty JSON-LD script): title from og:title/h1.

Quirks kept here: pages are decoded by their declared charset (Japanese
boards use Shift_JIS); external_id is the JobPosting `identifier`, else its
`url`, else the page URL. A job page answering 404/410 is a posting that
ended (skipped); any other job page failure (timeout, 5xx, a browser crash)
fails the company, because storing only the pages that loaded would mark the
others removed. Field reading lives in `scraper/jsonld.py`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any, ClassVar
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from .. import jsonld as jsonld_reader
from ..browser import BrowserPool, CapturedResponse, Rendered, RenderTimeout
from ..config import ConfigError
from ..fetch import FetchError, Response
from ..jsonld import (
    PAGE_URL_KEY,
    JobPostingLD,
    has_type,
    iter_typed,
    job_posting_objects,
    page_text_posting,
    parse_html,
    read_job_posting,
    read_text_page,
)
from ..models import Posting
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from .base import CrawlContext, Source, SourceError

DEFAULT_MAX_PAGES = 200
# What reading one fetched page may raise on a hostile value: that page's posting is skipped, not the site.
READ_ERRORS = (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, RecursionError)
# A path segment naming jobs, followed by at least one more segment: /careers/job/123 and
# /jobs/ml-engineer match; the listing /careers/ itself does not.
_JOB_WORDS = (
    r"jobs?|careers?|positions?|openings?|vacanc(?:y|ies)|opportunit(?:y|ies)|requisitions?|postings?"
    r"|roles?|offers?|jobinfo|stellen(?:angebote)?|empleos?|vagas?|offres?|vacatures?"
)
DEFAULT_LINK_RE = re.compile(
    rf"(?:^|/)(?:[\w.-]*[-_])?(?:{_JOB_WORDS})(?:[-_][\w.-]*)?/[^/?#]+"
    r"|[?&](?:gh_jid|job_?id|jid|posting_?id|req_?id)=",
    re.IGNORECASE,
)
_ASSET_RE = re.compile(
    r"\.(?:png|jpe?g|gif|svg|webp|ico|css|js|mjs|pdf|docx?|zip|xml|rss|mp4|webm|woff2?)$", re.I
)
SHELL_TEXT_CHARS = 300  # less visible text than this: the page is an app shell waiting for its JS
JOB_PAGE_WAIT_S = 10.0  # upper bound on waiting for one job page's JSON-LD in the browser
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)

# One BrowserPool per crawl: companies that need it at the same moment share one start.
_STARTING: dict[int, asyncio.Task[Any]] = {}


@register
class JsonLd(Source):
    name = "jsonld"
    default_base_url = ""  # pages are addressed by `url`, not by a base URL
    board_help = 'a name for the site; leave it out to use the host and path of url = "https://..."'
    options: ClassVar[dict[str, tuple[type, ...]]] = {
        "url": (str,),
        "max_pages": (int,),
        "link_pattern": (str,),
    }
    board_optional = True
    needs_browser = True  # only for pages whose jobs appear after JavaScript runs

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_options(options)

    @classmethod
    def board_from_options(cls, options: dict[str, Any]) -> str | None:
        url = options.get("url")
        if not isinstance(url, str):
            return None
        parts = urlsplit(url.strip())
        if not parts.hostname:
            return None
        host = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
        return host + parts.path.rstrip("/")

    def __init__(self, company: Any) -> None:
        super().__init__(company)
        opts = company.options
        try:
            check_options(opts)
        except ConfigError as exc:
            raise SourceError(str(exc)) from None
        url = opts.get("url") or (
            company.board if company.board.startswith(("http://", "https://")) else None
        )
        self.start_url: str | None = url
        self.max_pages: int = opts.get("max_pages", DEFAULT_MAX_PAGES)
        # A max_pages the config sets defines the board as its first job pages (the user's choice, not
        # a partial listing to hold removals for and flag every week); the default cap is a safety stop.
        self.max_pages_configured = "max_pages" in opts
        pattern = opts.get("link_pattern")
        self.link_re: re.Pattern[str] | None = re.compile(pattern, re.IGNORECASE) if pattern else None

    # -- crawl ---------------------------------------------------------------------------
    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        if not self.start_url:
            raise SourceError('a jsonld company needs url = "https://…/careers" (its careers page)')
        html, listing_url = await self._get(ctx, self.start_url)
        tree = parse_html(html)
        found = self._read_postings(tree, listing_url)
        links = [] if len(found) == 1 else self._links(tree, listing_url)
        js_site = False
        if not found and not links:
            js_site = True
            found, links = await self._render_listing(ctx, listing_url, tree)
        results = await self._job_pages(ctx, links, js_site)
        postings = self.parse_each([*found, *results], lambda jp: self.to_posting(jp, listing_url))
        # A job page's own copy replaces the listing's summary.
        return list({posting.external_id: posting for posting in postings}.values())

    def parse_raw(self, raw: Any) -> Posting:
        """A stored payload (a JobPosting, or the WebPage of a text-only posting) -> the posting again."""
        if not isinstance(raw, dict):
            raise ValueError("a jsonld payload is a JSON object")
        page_url = raw.get(PAGE_URL_KEY) if isinstance(raw.get(PAGE_URL_KEY), str) else None
        if has_type(raw, "JobPosting"):
            jp = read_job_posting(raw, page_url)
        elif has_type(raw, "WebPage"):
            jp = read_text_page(raw, page_url)
        else:
            raise ValueError("payload is neither a JobPosting nor a text-only WebPage")
        return self.to_posting(jp, page_url or "")

    def to_posting(self, jp: JobPostingLD, page_url: str) -> Posting:
        return self.posting(
            jp.identifier or jp.url or page_url,
            jp.title,
            jp.raw,
            url=jp.url or page_url,
            location=jp.location,
            employment_type=jp.employment_type,
            remote=jp.remote,
            posted_at=jp.date_posted,
            description=jp.description or None,
            bands=jp.bands,
            warnings=jp.warnings,
        )

    async def _render_listing(
        self, ctx: CrawlContext, url: str, static_tree: LexborHTMLParser
    ) -> tuple[list[JobPostingLD], list[str]]:
        def ready(html: str, responses: list[CapturedResponse]) -> bool:
            tree = parse_html(html)
            return bool(self.job_links(tree, url) or job_posting_objects(tree) or _api_objects(responses))

        try:
            rendered = await self._render(ctx, url, ready, ctx.settings.timeout_s)
        except RenderTimeout:
            # Last chance before failing: a single job page whose pay is only in its text.
            single = page_text_posting(static_tree, url)
            if single is not None:
                return [single], []
            raise SourceError(
                f"{url}: no job links or JobPosting in the page, and none appeared within "
                f"{ctx.settings.timeout_s:g}s of running its JavaScript in the browser "
                "(set link_pattern if this site's job links look unusual)"
            ) from None
        tree = parse_html(rendered.html)
        found = self._read_postings(tree, url) or self._api_postings(rendered.responses, url)
        return found, ([] if len(found) == 1 else self._links(tree, url))

    async def _job_pages(self, ctx: CrawlContext, links: list[str], js_site: bool) -> list[JobPostingLD]:
        outcomes = await asyncio.gather(
            *(self._job_page(ctx, link, js_site) for link in links), return_exceptions=True
        )
        found: list[JobPostingLD] = []
        gone: list[FetchError] = []
        for link, outcome in zip(links, outcomes, strict=True):
            if isinstance(outcome, FetchError) and outcome.kind == "not_found":
                gone.append(outcome)  # the listing still links a job that ended: that posting is gone
            elif isinstance(outcome, READ_ERRORS) and not isinstance(outcome, FetchError | SourceError):
                # The page loaded but reading it failed (a hostile value, a bug it triggers): that
                # page's posting is skipped and reported, the rest of the site is kept.
                self.report.skip(
                    terminal_safe(
                        f"jsonld job page {link} skipped: {type(outcome).__name__}: {outcome}", limit=300
                    )
                )
            elif isinstance(outcome, BaseException):
                # Any other failure (timeout, 5xx, browser crash) fails the company: storing the pages
                # that did load would mark every unread posting as removed.
                raise outcome
            else:
                found.extend(outcome)
        if gone and len(gone) == len(links):
            raise SourceError(
                terminal_safe(f"all {len(links)} job pages failed; first: {gone[0]}", limit=300)
            )
        return found

    async def _job_page(self, ctx: CrawlContext, url: str, js_site: bool) -> list[JobPostingLD]:
        html, final_url = await self._get(ctx, url)
        tree = parse_html(html)
        found = self._read_postings(tree, final_url)
        if found:
            return found
        if js_site or _looks_like_shell(tree):

            def ready(html: str, responses: list[CapturedResponse]) -> bool:
                return bool(job_posting_objects(html) or _api_objects(responses))

            wait_s = min(ctx.settings.timeout_s, JOB_PAGE_WAIT_S)
            try:
                rendered = await self._render(ctx, final_url, ready, wait_s)
            except RenderTimeout as exc:  # no JSON-LD even after JS: the page text may still state pay
                rendered = Rendered(exc.html, exc.responses)
            rendered_tree = parse_html(rendered.html) if rendered.html else tree
            found = self._read_postings(rendered_tree, final_url) or self._api_postings(
                rendered.responses, final_url
            )
            if found:
                return found
            tree = rendered_tree
        fallback = page_text_posting(tree, final_url)
        return [fallback] if fallback is not None else []

    # -- plumbing ------------------------------------------------------------------------
    async def _get(self, ctx: CrawlContext, url: str) -> tuple[str, str]:
        resp = await ctx.fetcher.request("GET", url, headers={"Accept": HTML_ACCEPT})
        return decode_html(resp), resp.url

    async def _render(
        self,
        ctx: CrawlContext,
        url: str,
        ready: Any,
        wait_s: float,
    ) -> Rendered:
        pool = await _browser(ctx)
        # The browser bypasses the fetcher: keep its host's politeness budget and the run's request cap.
        if ctx.fetcher.robots is not None:
            await ctx.fetcher.robots.check(url)
        if ctx.fetcher.requests_made >= ctx.settings.max_requests:
            raise FetchError("budget", url, f"request cap of {ctx.settings.max_requests} per run reached")
        ctx.fetcher.requests_made += 1
        async with ctx.fetcher.politeness.gate(url).slot():
            return await pool.render(url, ready=ready, wait_s=wait_s)

    def _read_postings(self, tree: LexborHTMLParser, page_url: str) -> list[JobPostingLD]:
        """Every JobPosting a page publishes, each read in its own guard (see _read)."""
        objects = job_posting_objects(tree)
        cap = jsonld_reader.MAX_POSTINGS_PER_PAGE
        if len(objects) >= cap:  # the reader stops there: the page may publish more
            self.report.partial(
                terminal_safe(
                    f"stopped at the {cap:,}-JobPosting cap of jsonld on {page_url}; the page may list more",
                    limit=300,
                )
            )
        return self._read(objects, page_url)

    def _api_postings(
        self, responses: list[CapturedResponse], page_url: str | None = None
    ) -> list[JobPostingLD]:
        """JobPostings in JSON the page fetched from its own API (sites that render JSON-LD client-side)."""
        return self._read((obj for r in responses for obj in iter_typed(r.data, "JobPosting")), page_url)

    def _read(self, objects: Iterable[dict[str, Any]], page_url: str | None) -> list[JobPostingLD]:
        # One JobPosting that cannot be read is skipped and reported; the page's others are kept.
        out: list[JobPostingLD] = []
        for obj in objects:
            try:
                out.append(read_job_posting(obj, page_url))
            except READ_ERRORS as exc:
                self.report.skip(
                    terminal_safe(
                        f"jsonld JobPosting on {page_url} skipped: {type(exc).__name__}: {exc}", limit=300
                    )
                )
        return out

    def _links(self, tree: LexborHTMLParser, page_url: str) -> list[str]:
        """job_links, reporting the listing as partial when it links more job pages than `max_pages`."""
        links = self.job_links(tree, page_url, limit=self.max_pages + 1)
        if len(links) > self.max_pages and not self.max_pages_configured:
            self.report.partial(
                f"stopped at the {self.max_pages:,}-page cap (max_pages) of jsonld; the site may link more"
            )
        return links[: self.max_pages]

    def job_links(self, tree: LexborHTMLParser, page_url: str, limit: int | None = None) -> list[str]:
        """Same-site job links on a page, in page order, without duplicates, at most `limit`
        (default `max_pages`)."""
        limit = self.max_pages if limit is None else limit
        base = page_url
        base_node = tree.css_first("base[href]")
        if base_node is not None:
            base = urljoin(page_url, base_node.attributes.get("href") or "")
        here = _normal(page_url)
        site = _site(page_url)
        out: dict[str, None] = {}
        for a in tree.css("a[href]"):
            href = (a.attributes.get("href") or "").strip()
            if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
                continue
            url = _normal(urljoin(base, href))
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or _site(url) != site or url == here:
                continue
            if _ASSET_RE.search(parts.path):
                continue
            if self.link_re is not None:
                if not self.link_re.search(url):
                    continue
            elif not DEFAULT_LINK_RE.search(parts.path + (f"?{parts.query}" if parts.query else "")):
                continue
            out[url] = None
            if len(out) >= limit:
                break
        return list(out)


def check_options(options: dict[str, Any]) -> None:
    max_pages = options.get("max_pages")
    if max_pages is not None and (
        isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1
    ):
        raise ConfigError(f"max_pages must be a positive integer, not {max_pages!r}")
    pattern = options.get("link_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise ConfigError(f"link_pattern {pattern!r} is not a valid regular expression: {exc}") from None


async def _browser(ctx: CrawlContext) -> BrowserPool:
    """ctx.get_browser(), started once even when several companies ask at the same moment."""
    if ctx.browser is not None:
        return ctx.browser
    key = id(ctx)
    task = _STARTING.get(key)
    if task is None:
        task = asyncio.ensure_future(ctx.get_browser())
        _STARTING[key] = task
        task.add_done_callback(lambda _t: _STARTING.pop(key, None))
    return await task


def _api_objects(responses: list[CapturedResponse]) -> bool:
    """Whether the page fetched any JobPosting from its own API (a readiness test: nothing is read)."""
    return any(True for r in responses for _ in iter_typed(r.data, "JobPosting"))


def _looks_like_shell(tree: LexborHTMLParser) -> bool:
    return len(html_to_text(tree.html or "")) < SHELL_TEXT_CHARS


def _normal(url: str) -> str:
    return urldefrag(url)[0]


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def decode_html(resp: Response) -> str:
    """The page as text, by its declared charset (header, then <meta>), UTF-8 otherwise."""
    charset = None
    ctype = resp.headers.get("content-type", "")
    for param in ctype.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if not charset:
        m = _META_CHARSET_RE.search(resp.body[:4096])
        charset = m.group(1).decode("ascii", "ignore") if m else None
    try:
        return resp.body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # an unknown charset name
        return resp.body.decode("utf-8", errors="replace")
