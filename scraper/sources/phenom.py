"""Phenom People career sites with the `/api/get-jobs` JSON API (McDonald's careers sites).

Config: `board = "{host}"`. The recordings show the API on the careers site's own host
(`POST https://careers.mcdonalds.ca/api/get-jobs`), so the board is that host, like the other
career-site sources (tests/fixtures/real/PROVENANCE.md, phenom/).

Quirks kept here:

- The listing is `POST /api/get-jobs?radius=15&page_number={n}&enable_kilometers=false` with the
  body `{"disable_switch_search_mode": false, "site_available_languages": ["en", "en-us"]}`, exactly
  as recorded; `page_number` counts from 1 and the API decides the page size (10). The answer is
  `{"jobs": [...], "facets": [...], "totalJob": N}`, the same total on every page and past the
  last one (where `jobs` is empty). Paging stops at the total, an empty page, a page with
  nothing new, or MAX_PAGES.
- Each job carries its whole `description` (HTML): no detail call. The id is `uniqueID` (unique on
  every recorded site; `reference` and `requisitionID` are the employer's numbers), `originalURL`
  is the job page's path relative to the site, `locations[]` are places with `city`, `state`,
  `country`/`countryAbbr`. No posting date is sent.
- No structured pay: `customFields` carry only ids, the organization and openings. The
  description goes through the text normalizer. No recording has pay.
- A bot wall (Akamai) answers plain HTTP clients 403. When the first page is refused that way, the
  source loads the site's home page in Chromium and asks the API from that page with its own
  `fetch()` (scraper.browser.BrowserPool.same_origin), with the same request cap, robots.txt and
  per-host politeness as plain requests. Without Chromium that fails with the install hint.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode, urljoin

from ..errors import FetchError
from ..models import PayBand, Posting
from ..salary.extract import text_bands
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from ._careersite import check_host_board, site_url
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    as_list,
    dedupe_bands,
    first_text,
    pay_guard,
    posting_country,
)

MAX_PAGES = 2000  # 20,000 postings at the API's 10 a page: a guard against an API that ignores page_number
API_PATH = "/api/get-jobs"
QUERY = {"radius": 15, "enable_kilometers": "false"}  # beside page_number, as recorded
BODY = {"disable_switch_search_mode": False, "site_available_languages": ["en", "en-us"]}
BOT_WALL_STATUS = 403

Page = Callable[[int], Awaitable[Any]]


@register
class Phenom(Source):
    name = "phenom"
    default_base_url = ""  # the board is the host: https://{board} unless base_url is set
    # The recordings show the API at https://{host}/api/get-jobs: the board is that host.
    board_help = "the careers site's host, whose https://{host}/api/get-jobs lists the jobs (e.g. careers.mcdonalds.ca)"
    needs_browser = True  # only when the site's bot wall refuses plain HTTP (403)
    # Phenom sites live on the employer's own domain and their careers URLs (/jobs, /search-results)
    # do not name Phenom: only the API's own URL identifies one.
    url_patterns = (r"^(?P<board>[a-z0-9.-]+\.[a-z]{2,})/api/get-jobs(?:\?|$)",)

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_host_board(board, cls.name, "careers.mcdonalds.ca")

    def __init__(self, company: Any) -> None:
        super().__init__(company)
        self.site = site_url(company)

    def _url(self, number: int) -> str:
        return f"{self.site}{API_PATH}?{urlencode({**QUERY, 'page_number': number})}"

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        async def over_http(number: int) -> Any:
            return await ctx.fetcher.post_json(
                self._url(number), BODY, headers={"Accept": "application/json"}
            )

        try:
            items = await self._list(over_http)
        except FetchError as exc:
            if exc.status != BOT_WALL_STATUS:
                raise
            items = await self._list_in_browser(ctx)
        return self.parse_each(items, self.parse_job)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw: the job object as the API sent it.
        if not isinstance(raw, dict):
            raise ValueError("not a stored Phenom job (not an object)")
        return self.parse_job(raw)

    async def _list_in_browser(self, ctx: CrawlContext) -> list[dict[str, Any]]:
        pool = await ctx.get_browser()
        async with pool.same_origin(f"{self.site}/") as in_page:

            async def from_page(number: int) -> Any:
                url = self._url(number)
                # The browser bypasses the fetcher: keep the run's request cap, robots.txt and the
                # host's politeness here, as jsonld does for rendered pages.
                if ctx.fetcher.robots is not None:
                    await ctx.fetcher.robots.check(url)
                if ctx.fetcher.requests_made >= ctx.settings.max_requests:
                    raise FetchError(
                        "budget", url, f"request cap of {ctx.settings.max_requests} per run reached"
                    )
                ctx.fetcher.requests_made += 1
                async with ctx.fetcher.politeness.gate(url).slot():
                    status, text = await in_page(url, "POST", json.dumps(BODY))
                if status in (404, 410):
                    raise FetchError(
                        "not_found", url, f"{url} answered {status} (not found) in the browser", status
                    )
                if status >= 400:
                    raise FetchError("http", url, f"{url} answered HTTP {status} in the browser", status)
                try:
                    return json.loads(text)
                except ValueError as exc:
                    raise FetchError(
                        "bad_json", url, f"{url} did not return valid JSON: {exc}", status
                    ) from None

            return await self._list(from_page)

    async def _list(self, get_page: Page) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        total: int | None = None
        for page in range(MAX_PAGES):
            try:
                data = await get_page(page + 1)
                if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
                    raise SourceError(
                        terminal_safe(f"{self._url(page + 1)} did not return a Phenom job list", limit=300)
                    )
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            found = data.get("totalJob")
            if isinstance(found, int) and not isinstance(found, bool) and found >= 0:
                total = found
            batch = data["jobs"]
            repeated = new = 0
            for item in batch:
                pid = self.listed_id(item, "uniqueID")
                if pid is None:
                    continue
                if pid in seen:
                    repeated += 1
                    continue
                seen.add(pid)
                items.append(item)
                new += 1
            read = len(items) + self.report.skipped
            if total is not None and read >= total:
                break
            if not batch:
                if total is not None:  # the total says there is more
                    self.listed_short(len(items), total, page, empty=True)
                break
            if repeated and not new:  # only postings already read: the API ignores page_number
                self.page_repeated(page, "page_number")
                break
        else:
            self.cap_reached(len(items))
        return items

    def parse_job(self, item: dict[str, Any]) -> Posting:
        title = first_text(item.get("title")) or ""
        description = html_to_text(item.get("description"))
        places = [as_dict(p) for p in as_list(item.get("locations"))]
        location = "; ".join(filter(None, (_place(p) for p in places))) or None
        country = first_text(*(p.get("countryAbbr") for p in places)) or posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "phenom description"):
            bands.extend(text_bands(description, country=country))
        path = first_text(item.get("originalURL"))
        kinds = [k for k in as_list(item.get("employmentType")) if isinstance(k, str)]
        return self.posting(
            item.get("uniqueID"),
            title,
            item,
            url=urljoin(f"https://{self.company.board}/", path) if path else None,
            location=location,
            employment_type=first_text(", ".join(kinds)),
            remote="remote" if item.get("isRemote") is True else None,
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _place(place: dict[str, Any]) -> str | None:
    """ "Edmonton, Alberta, Canada" from a job's location object; its locationText when it has no parts."""
    parts = [first_text(place.get(k)) for k in ("city", "state", "country")]
    return ", ".join(p for p in parts if p) or first_text(place.get("locationText"))
