"""Workday career sites ({tenant}.wd{N}.myworkdayjobs.com/{site}).

Config: `board = "{tenant}/{site}"` and `base_url = "https://{tenant}.wd{N}.myworkdayjobs.com"`;
there is no default host because the data-center number N differs per tenant.

Quirks kept here:

- The list is `POST /wday/cxs/{tenant}/{site}/jobs` with all four body fields;
  `limit` above 20 is an HTTP 400, so pages are 20.
- `total` is filled on the first page only (later pages say 0), and an
  unfiltered board may cap it at 2000: paging stops at the first page's total
  when it is below the cap, otherwise at a short or empty page, a page with
  nothing new, or MAX_PAGES.
- The list has no description or pay: one `GET /wday/cxs/{tenant}/{site}{externalPath}`
  per posting returns `jobPostingInfo` (`jobDescription` HTML, where tenants
  such as NVIDIA write "The base salary range is 148,000 USD - 235,750 USD";
  `payRange` on tenants that fill it; no recording shows its shape, so it is
  read leniently).
- `postedOn` is relative text ("Posted 30+ Days Ago"); `startDate` is the date.
- The posting id is the suffix of the `externalPath` slug ("..._JR2017740-1"):
  unlike `jobReqId` it is unique when one requisition is posted twice.
- Detail calls run concurrently (bounded by the fetcher's per-host
  politeness). A failing detail keeps the posting's list data; when more than
  half fail the board fails, so a blocked detail API cannot blank stored
  descriptions and bands.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting
from ..salary import structured_band
from ..salary.extract import pay_type_from_context, text_bands
from ..salary.numbers import describe
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from .base import (
    CrawlContext,
    Source,
    SourceError,
    dedupe_bands,
    fetch_details,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
    safe_str,
)

PAGE_SIZE = 20  # Workday answers 400 above this
TOTAL_CAP = 2000  # an unfiltered `total` of 2000 means "at least"
MAX_PAGES = 250  # 5,000 postings: a guard against a server that ignores `offset`


@register
class Workday(Source):
    name = "workday"
    default_base_url = ""  # the host carries the tenant and its wdN data center: base_url is required
    board_help = (
        '"{tenant}/{site}" from {tenant}.wdN.myworkdayjobs.com/{site}, with base_url set to that host'
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        # Workday has no options; its board is two parts, and one part alone ("nvidia") cannot be
        # crawled: said at config time, before anything is fetched.
        if _board_parts(board) is None:
            raise ConfigError(f'workday board must be "{{tenant}}/{{site}}", not {board!r}')

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        tenant, site = self._tenant_site()
        api = f"{self.base_url}/wday/cxs/{quote(tenant, safe='')}/{quote(site, safe='')}"
        items = await self._list(ctx, f"{api}/jobs")

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            data = await ctx.fetcher.get_json(f"{api}{item['externalPath']}")
            if not isinstance(data, dict):
                raise SourceError(
                    terminal_safe(f"{api}{item['externalPath']} did not return a Workday job", limit=300)
                )
            return data

        details = await fetch_details(items, detail)
        pairs = list(zip(items, details, strict=True))
        return self.parse_each(pairs, lambda pair: self.parse_job(pair[0], pair[1], site))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list item merged with the detail ({**item, **detail}); the detail's
        # keys (jobPostingInfo, hiringOrganization, ...) never collide with the item's.
        if not isinstance(raw, dict) or not isinstance(raw.get("externalPath"), str):
            raise ValueError("not a stored Workday posting (no externalPath)")
        site = self.company.board.strip("/").rsplit("/", 1)[-1]
        return self.parse_job(raw, raw if "jobPostingInfo" in raw else None, site)

    def _tenant_site(self) -> tuple[str, str]:
        if not self.base_url:
            raise SourceError(
                f"workday board {self.company.board!r} needs base_url = "
                '"https://{tenant}.wdN.myworkdayjobs.com" (the host of the careers site)'
            )
        parts = _board_parts(self.company.board)
        if parts is None:
            raise SourceError(f'workday board must be "{{tenant}}/{{site}}", not {self.company.board!r}')
        return parts

    async def _list(self, ctx: CrawlContext, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        total: int | None = None
        offset = 0
        for page in range(MAX_PAGES):
            body = {"appliedFacets": {}, "limit": PAGE_SIZE, "offset": offset, "searchText": ""}
            try:
                data = await ctx.fetcher.post_json(url, body)
                if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
                    raise SourceError(f"{url} did not return a Workday job list")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            if page == 0:  # later pages say total 0
                found = data.get("total")
                total = found if isinstance(found, int) and not isinstance(found, bool) else None
            batch = data["jobPostings"]
            repeated = new = 0
            for item in batch:
                # The path is the posting's key here: it names the detail URL and holds the id.
                path = self.listed_id(item, "externalPath")
                if path is None:
                    continue
                if not path.startswith("/"):
                    self.report.skip(f"workday posting skipped: externalPath {describe(path)} is not a path")
                    continue
                if path in seen:
                    repeated += 1
                    continue
                seen.add(path)
                items.append(item)
                new += 1
            offset += len(batch)
            if total and total < TOTAL_CAP and offset >= total:
                break
            if repeated and not new:  # only postings already read: the server ignores paging
                self.page_repeated(page, "offset")
                break
            if len(batch) < PAGE_SIZE:
                # `total` is exact below the cap and "at least" at it: either way, fewer is early.
                if total and offset < total:
                    self.listed_short(offset, total, page, empty=not batch)
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_job(self, item: dict[str, Any], detail: dict[str, Any] | None, site: str) -> Posting:
        info = detail.get("jobPostingInfo") if isinstance(detail, dict) else None
        info = info if isinstance(info, dict) else {}
        path = item["externalPath"]
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        external_id = slug.rsplit("_", 1)[-1] if "_" in slug else path
        title = first_text(info.get("title"), item.get("title")) or ""
        description = html_to_text(info.get("jobDescription"))
        extra = [x for x in info.get("additionalLocations") or [] if isinstance(x, str)]
        location = "; ".join(x for x in [first_text(info.get("location")), *extra] if x) or first_text(
            item.get("locationsText")
        )
        country = posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        pay = info.get("payRange")
        with pay_guard(warnings, "workday payRange"):
            if isinstance(pay, str):
                bands.extend(text_bands(pay, country=country))
            elif isinstance(pay, dict):
                band = _pay_range_band(pay, title, warnings)
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "workday description"):
            bands.extend(text_bands(description, country=country))
        return self.posting(
            external_id,
            title,
            {**item, **detail} if isinstance(detail, dict) else item,
            url=first_text(info.get("externalUrl")) or f"{self.base_url}/{site}{path}",
            location=location,
            employment_type=first_text(info.get("timeType")),
            remote="remote" if location and "remote" in location.lower() else None,
            posted_at=parse_datetime(info.get("startDate")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _board_parts(board: str) -> tuple[str, str] | None:
    """(tenant, site) of a board "{tenant}/{site}"; None when it is not two non-empty parts."""
    parts = [p.strip() for p in board.strip("/").split("/")]
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def _pay_range_band(pay: dict[str, Any], title: str, warnings: list[str] | None = None) -> PayBand | None:
    # No recorded payRange exists; accept the key spellings Workday uses for money elsewhere.
    def pick(*keys: str) -> Any:
        return next((pay[k] for k in keys if pay.get(k) not in (None, "")), None)

    currency, interval = pick("currency", "currencyCode"), pick("frequency", "interval", "period")
    if isinstance(currency, dict):
        currency = currency.get("descriptor") or currency.get("id")
    if isinstance(interval, dict):
        interval = interval.get("descriptor") or interval.get("id")
    # No period stated: no band (an hourly range read as yearly would be wrong by 2080x).
    return structured_band(
        pick("min", "minimum", "minimumAmount", "from"),
        pick("max", "maximum", "maximumAmount", "to"),
        currency if isinstance(currency, str) and currency else "USD",
        interval,
        pay_type=pay_type_from_context(safe_str(pick("descriptor", "label") or ""), title),
        source_text=f"payRange {safe_str(pay)}"[:500],
        rule="structured:workday",
        warnings=warnings,
        label="workday payRange",
    )
