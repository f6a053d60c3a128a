"""Workday career sites ({tenant}.wd{N}.myworkdayjobs.com/{site}).

Config: `board = "{tenant}/{site}"` and `base_url = "https://{tenant}.wd{N}.myworkdayjobs.com"`;
there is no default host because the data-center number N differs per tenant.

Quirks kept here:

- The list is `POST /wday/cxs/{tenant}/{site}/jobs` with all four body fields;
  `limit` above 20 is an HTTP 400, so pages are 20.
- `total` is filled on the first page only (later pages say 0). One search
  lists at most TOTAL_CAP (2,000) postings, and a search with more says
  `total` 2000 ("at least"; tests/fixtures/real/workday/nvidia_jobs_limit1_facets.json
  is NVIDIA's unfiltered search: 2000, while its facet counts add up to 2,548).
  Paging stops at the first page's total when it is below the cap, otherwise
  at a short or empty page, a page with nothing new, or MAX_PAGES.
- Past the cap the search is split by facet: the first page's `facets` (job
  family, time type, locations ...; nested under groups such as
  `locationMainGroup`) count the postings per value, and `appliedFacets`
  `{facetParameter: [value id]}` narrows a search to one value. Each value's
  search is crawled and the postings merged by id (a posting in several
  locations is listed under each). A value still at the cap is split again
  by another facet, up to MAX_SPLIT_DEPTH facets at once. Which facet: one
  that covers the board (its counts add up to at least what the board holds,
  estimated by the total that several facets agree on: every posting has one
  job family and one time type), preferring one whose values all stay below
  the cap, then the fewest postings listed twice, then the fewest searches.
  When the merged postings are fewer than that estimate (a facet some
  postings have no value of), the next facet is crawled too. The listing is
  reported partial only when a search still at the cap cannot be split
  further, a split search fails, or even then fewer postings were found than
  the facets count.
- The list has no description or pay: one `GET /wday/cxs/{tenant}/{site}{externalPath}`
  per posting returns `jobPostingInfo` (`jobDescription` HTML, where tenants
  such as NVIDIA write "The base salary range is 148,000 USD - 235,750 USD";
  `payRange` on tenants that fill it; no recording shows its shape, so it is
  read leniently).
- Detail calls from data-center addresses are often refused with HTTP 403
  while the list answers. A refused detail is no failure: the posting is
  stored from the list (title, location, url, the date `postedOn` counts
  from) without description or pay, marked `list_only` so a posting already
  stored keeps its description and bands, and the board's notes say how many.
- `postedOn` is relative text ("Posted 3 Days Ago", "Posted 30+ Days Ago");
  `startDate` (detail) is the date. A list-only posting's raw payload carries
  LISTED_ON_KEY, the day the list was read, so "3 Days Ago" re-parses the same.
- The posting id is the suffix of the `externalPath` slug ("..._JR2017740-1"):
  unlike `jobReqId` it is unique when one requisition is posted twice.
- Detail calls run concurrently (bounded by the fetcher's per-host
  politeness). Another failing detail (404, 5xx) keeps the posting's list data;
  when more than half fail the board fails, so a changed detail API cannot
  blank stored descriptions and bands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

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
    requisition,
    safe_str,
    url_target,
)

_LOCALE_RE = re.compile(r"[a-z]{2}-(?:[a-z]{2}|\d{3})", re.IGNORECASE)  # en-US, es-419
PAGE_SIZE = 20  # Workday answers 400 above this
TOTAL_CAP = 2000  # one search lists at most this many; a `total` of 2000 means "at least"
MAX_PAGES = 250  # per search: a guard against a server that ignores `offset`
MAX_SPLIT_DEPTH = 3  # facets applied at once before a search still at the cap is reported partial
MAX_SEARCHES = 400  # per board: a guard against facets that never narrow
SPLIT_TRIES = 2  # facets crawled for one search at the cap when the first leaves postings out
LISTED_ON_KEY = "paybandsListedOn"  # added by paybands to a list-only raw payload: the UTC date read
_POSTED_RE = re.compile(r"^\s*posted\s+(today|yesterday|(\d{1,4})\s+days?\s+ago)\s*$", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class FacetValue:
    id: str
    count: int
    descriptor: str


@dataclass(slots=True, frozen=True)
class Facet:
    param: str  # `facetParameter`: the key of appliedFacets
    values: tuple[FacetValue, ...]

    @property
    def listed(self) -> int:
        """Postings its values count together (a posting in two locations counts twice)."""
        return sum(v.count for v in self.values)


@dataclass(slots=True)
class _Search:
    """What one search's paging found out: its total, its facets, and whether it must be split."""

    total: int | None
    facets: tuple[Facet, ...]
    to_split: bool = False  # at the cap, and a facet can split it: only its first page was read


def facets_of(raw: Any) -> tuple[Facet, ...]:
    """The facets of a list response, flattened (groups such as `locationMainGroup` hold facets of
    their own); values without an id or a positive count are left out."""
    out: list[Facet] = []

    def walk(items: Any, depth: int) -> None:
        if not isinstance(items, list) or depth > 3:
            return
        for f in items:
            if not isinstance(f, dict):
                continue
            values = f.get("values")
            if isinstance(values, list) and any(
                isinstance(v, dict) and "facetParameter" in v for v in values
            ):
                walk(values, depth + 1)
                continue
            param = f.get("facetParameter")
            if not isinstance(param, str) or not param or not isinstance(values, list):
                continue
            vals = tuple(
                FacetValue(v["id"], v["count"], str(v.get("descriptor") or v["id"]))
                for v in values
                if isinstance(v, dict)
                and isinstance(v.get("id"), str)
                and v["id"]
                and isinstance(v.get("count"), int)
                and not isinstance(v.get("count"), bool)
                and v["count"] > 0
            )
            if vals:
                out.append(Facet(param, vals))

    walk(raw, 0)
    return tuple(out)


def board_size(facets: tuple[Facet, ...], total: int) -> int:
    """What a search holds, as its facets tell: the largest count several facets agree on (each
    posting has one job family, one time type ...), and never less than its `total`."""
    sums = [f.listed for f in facets]
    agreed = [n for n in set(sums) if sums.count(n) >= 2]
    return max([total, *agreed])


def split_facets(facets: tuple[Facet, ...], applied: dict[str, list[str]], total: int) -> list[Facet]:
    """The facets that can split a search at the cap, best first (see the module docstring)."""
    size = board_size(facets, total)
    usable = [f for f in facets if f.param not in applied and len(f.values) >= 2 and f.listed >= size]

    def rank(f: Facet) -> tuple[bool, int, int, int]:
        biggest = max(v.count for v in f.values)
        capped = biggest >= TOTAL_CAP
        return (capped, biggest if capped else 0, f.listed, len(f.values))

    return sorted(usable, key=rank)


def split_facet(facets: tuple[Facet, ...], applied: dict[str, list[str]], total: int) -> Facet | None:
    """The facet to split a search at the cap by; None when none can."""
    ranked = split_facets(facets, applied, total)
    return ranked[0] if ranked else None


def posted_on(text: Any, listed_on: date | None) -> datetime | None:
    """The date "Posted Today / Yesterday / 3 Days Ago" names, counted from the day the list was read;
    None for "30+ Days Ago" (only a bound) or any other wording."""
    if listed_on is None or not isinstance(text, str):
        return None
    m = _POSTED_RE.match(text)
    if m is None:
        return None
    word = m.group(1).lower()
    days = 0 if word == "today" else 1 if word == "yesterday" else int(m.group(2))
    day = listed_on - timedelta(days=days)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _external_id(path: str) -> str:
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    return slug.rsplit("_", 1)[-1] if "_" in slug else path


_REFUSED: dict[str, Any] = {}  # a detail answered 403: identity marks it (never a real answer)


@register
class Workday(Source):
    name = "workday"
    default_base_url = ""  # the host carries the tenant and its wdN data center: base_url is required
    board_help = (
        '"{tenant}/{site}" from {tenant}.wdN.myworkdayjobs.com/{site}, with base_url set to that host'
    )
    # Careers URLs: {tenant}.wdN.myworkdayjobs.com/[{locale}/]{site}[/job/…], the same on
    # wdN.myworkdaysite.com/[{locale}/]recruiting/{tenant}/{site} (whose API is on that host too:
    # /wday/cxs/{tenant}/{site}), and the API paths themselves. A locale is never a site: a URL that
    # ends at its locale (stapply's "…myworkdayjobs.com/en-us") names the tenant only, so no board.
    url_patterns = (
        r"^(?P<tenant>[\w-]+)\.(?P<dc>wd\d+)\.myworkdayjobs\.com/wday/cxs/[^/?#]+/(?P<site>[^/?#]+)",
        r"^(?P<tenant>[\w-]+)\.(?P<dc>wd\d+)\.myworkdayjobs\.com/(?:(?P<locale>[a-z]{2}-(?:[a-z]{2}|\d{3}))/)?(?!wday(?:/|$))(?P<site>[^/?#]+)",
        r"^(?P<dc>wd\d+)\.myworkdaysite\.com/wday/cxs/(?P<tenant>[^/?#]+)/(?P<site>[^/?#]+)",
        r"^(?P<dc>wd\d+)\.myworkdaysite\.com/(?:(?P<locale>[a-z]{2}-(?:[a-z]{2}|\d{3}))/)?recruiting/(?P<tenant>[^/?#]+)/(?P<site>[^/?#]+)",
    )

    @classmethod
    def board_from_url(cls, url: str) -> str | None:
        m = _url_match(url)
        return f"{m['tenant']}/{unquote(m['site'])}" if m else None

    @classmethod
    def base_url_from_url(cls, url: str) -> str | None:
        m = _url_match(url)
        return f"https://{m.string.split('/', 1)[0]}" if m else None

    _searches: int = 0  # searches made for this board (MAX_SEARCHES)

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
        listed_on = datetime.now(UTC).date()

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            try:
                data = await ctx.fetcher.get_json(f"{api}{item['externalPath']}")
            except FetchError as exc:
                if exc.status == 403:  # refused (data-center addresses are): the list's data is kept
                    return _REFUSED
                raise
            if not isinstance(data, dict):
                raise SourceError(
                    terminal_safe(f"{api}{item['externalPath']} did not return a Workday job", limit=300)
                )
            return data

        details = await fetch_details(items, detail)
        refused = sum(1 for d in details if d is _REFUSED)
        if refused:
            self.report.notes.append(
                f"{refused:,} of {len(items):,} workday detail pages were refused (HTTP 403, as Workday "
                "answers many data-center addresses): those postings are stored from the list, without "
                "description or pay (a posting stored before keeps its own)"
            )
        pairs = [(item, None if d is _REFUSED else d) for item, d in zip(items, details, strict=True)]
        return self.parse_each(pairs, lambda pair: self.parse_job(pair[0], pair[1], site, listed_on))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list item merged with the detail ({**item, **detail}); the detail's
        # keys (jobPostingInfo, hiringOrganization, ...) never collide with the item's. A posting
        # stored from the list alone carries LISTED_ON_KEY instead.
        if not isinstance(raw, dict) or not isinstance(raw.get("externalPath"), str):
            raise ValueError("not a stored Workday posting (no externalPath)")
        site = self.company.board.strip("/").rsplit("/", 1)[-1]
        if "jobPostingInfo" in raw:
            return self.parse_job(raw, raw, site)
        listed = raw.get(LISTED_ON_KEY)
        try:
            listed_on = date.fromisoformat(listed) if isinstance(listed, str) else None
        except ValueError:
            listed_on = None
        return self.parse_job(raw, None, site, listed_on)

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

    # -- the listing: searches, split by facet past the cap ---------------------------------
    async def _list(self, ctx: CrawlContext, url: str) -> list[dict[str, Any]]:
        """Every listed posting once, in the order first listed (merged by posting id)."""
        listing: dict[str, dict[str, Any]] = {}
        self._searches = 0
        first = await self._search(ctx, url, {}, listing, board_first=True)
        if first is not None and first.to_split:
            await self._split(ctx, url, {}, first, listing)
        return list(listing.values())

    async def _split(
        self,
        ctx: CrawlContext,
        url: str,
        applied: dict[str, list[str]],
        search: _Search,
        listing: dict[str, dict[str, Any]],
    ) -> set[str]:
        """Crawl `search` (at the cap) value by value of its split facet; the ids it found. When the
        merged postings are fewer than the facets count (a facet some postings have no value of), the
        next facet is crawled too (SPLIT_TRIES in all) before the listing is reported partial."""
        total = search.total or TOTAL_CAP
        size = board_size(search.facets, total)
        found: set[str] = set()
        tried: list[str] = []
        for facet in split_facets(search.facets, applied, total)[:SPLIT_TRIES]:
            tried.append(facet.param)
            for value in facet.values:
                sub = {**applied, facet.param: [value.id]}
                result = await self._search(ctx, url, sub, listing, found=found)
                if result is not None and result.to_split:
                    found |= await self._split(ctx, url, sub, result, listing)
            if len(found) >= size:
                break
        if len(found) < size:
            self.paging_ended_early(
                f"the searches split by {' and '.join(tried)} listed {len(found):,} postings, fewer than "
                f"the {size:,} {_describe(applied)} counts; the board may list more"
            )
        return found

    async def _search(
        self,
        ctx: CrawlContext,
        url: str,
        applied: dict[str, list[str]],
        listing: dict[str, dict[str, Any]],
        *,
        board_first: bool = False,
        found: set[str] | None = None,
    ) -> _Search | None:
        """Page one search into `listing` (and its ids into `found`). At the cap, when a facet can
        split it, only the first page is read and the answer says `to_split`. None when the search
        could not be read (reported; the board's own first search raises instead)."""
        self._searches += 1
        if self._searches > MAX_SEARCHES:
            if self._searches == MAX_SEARCHES + 1:
                self.paging_ended_early(f"stopped after {MAX_SEARCHES:,} searches; the board may list more")
            return None
        what = _describe(applied)
        seen: set[str] = set()
        total: int | None = None
        facets: tuple[Facet, ...] = ()
        offset = 0
        for page in range(MAX_PAGES):
            body = {"appliedFacets": applied, "limit": PAGE_SIZE, "offset": offset, "searchText": ""}
            try:
                data = await ctx.fetcher.post_json(url, body)
                if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
                    raise SourceError(f"{url} did not return a Workday job list")
            except (FetchError, SourceError) as exc:
                if isinstance(exc, FetchError) and exc.kind == "budget":
                    raise
                if board_first and page == 0:
                    raise
                if page == 0:
                    self.paging_ended_early(f"{what} failed ({exc}); the board may list more")
                    return None
                self.page_failed(page, exc)
                break
            if page == 0:  # later pages say total 0
                found_total = data.get("total")
                total = (
                    found_total
                    if isinstance(found_total, int) and not isinstance(found_total, bool)
                    else None
                )
                facets = facets_of(data.get("facets"))
            batch = data["jobPostings"]
            repeated = new = 0
            for item in batch:
                # The path names the detail URL and holds the id; the id is the merge key.
                path = self.listed_id(item, "externalPath")
                if path is None:
                    continue
                if not path.startswith("/"):
                    self.report.skip(f"workday posting skipped: externalPath {describe(path)} is not a path")
                    continue
                key = _external_id(path)
                if key in seen:
                    repeated += 1
                    continue
                seen.add(key)
                if found is not None:
                    found.add(key)
                listing.setdefault(key, item)
                new += 1
            offset += len(batch)
            if page == 0 and total is not None and total >= TOTAL_CAP:
                if len(applied) < MAX_SPLIT_DEPTH and split_facet(facets, applied, total) is not None:
                    return _Search(total, facets, to_split=True)
                # At the cap with nothing to split it by: its first 2,000 are all it lists.
                self.paging_ended_early(
                    f"{what} lists at most {TOTAL_CAP:,} postings and no facet narrows it further; "
                    "the board may list more"
                )
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
        return _Search(total, facets)

    def parse_job(
        self, item: dict[str, Any], detail: dict[str, Any] | None, site: str, listed_on: date | None = None
    ) -> Posting:
        """One posting from its list item and detail; from the list alone (`list_only`) when the detail
        is missing, its posted date then counted from `listed_on`, the day the list was read."""
        info = detail.get("jobPostingInfo") if isinstance(detail, dict) else None
        info = info if isinstance(info, dict) else {}
        path = item["externalPath"]
        external_id = _external_id(path)
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
        if isinstance(detail, dict):
            raw: dict[str, Any] = {**item, **detail}
            posted_at = parse_datetime(info.get("startDate"))
        else:
            raw = {**item, LISTED_ON_KEY: listed_on.isoformat()} if listed_on else item
            posted_at = posted_on(item.get("postedOn"), listed_on)
        return self.posting(
            external_id,
            title,
            raw,
            url=first_text(info.get("externalUrl")) or f"{self.base_url}/{site}{path}",
            location=location,
            employment_type=first_text(info.get("timeType")),
            remote="remote" if location and "remote" in location.lower() else None,
            posted_at=posted_at,
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
            list_only=not isinstance(detail, dict),
            requisition_id=requisition(info.get("jobReqId")),
        )


def _describe(applied: dict[str, list[str]]) -> str:
    """A search in words, for notes: "the board's search" or "the search jobFamilyGroup=0c40f6bd..."."""
    if not applied:
        return "the board's search"
    return "the search " + ", ".join(f"{k}={','.join(v)}" for k, v in applied.items())


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


def _url_match(url: str) -> re.Match[str] | None:
    """The first of Workday's url_patterns a careers URL matches, unless its "site" is a locale."""
    target = url_target(url)
    for pattern in Workday.url_patterns:
        m = re.search(pattern, target, re.IGNORECASE)
        if m:
            return None if _LOCALE_RE.fullmatch(unquote(m["site"])) else m
    return None
