"""Dayforce (Ceridian) candidate portals (jobs.dayforcehcm.com).

Config: `board = "{namespace}/{job_board_code}"` (the two path parts of
jobs.dayforcehcm.com/{culture}/{namespace}/{job_board_code}, e.g. "pca/CANDIDATEPORTAL");
`culture` (default "en-US") is the portal's culture code.

Quirks kept here:

- The search is `POST /api/geo/{namespace}/jobposting/search` with body `{clientNamespace,
  jobBoardCode, cultureCode, paginationStart}`, 25 postings a page; `maxCount` is the board's
  total. It needs a CSRF pair: `GET /api/auth/csrf` answers `csrfToken` and sets the cookie
  `__Host-next-auth.csrf-token`; both go back (header `X-CSRF-TOKEN`, the cookie), or the search
  is an HTTP 403 "Forbidden". A 403 gets one fresh token and one retry. GETs need neither.
- A culture the portal does not serve answers 200 with an empty board, not an error.
- An unknown namespace or board code is an HTTP 404 problem+json.
- The search has the description but no pay: one `GET /api/geo/{ns}/jobposting/{ns}/{culture}/
  {jobBoardId}/{jobPostingId}` per posting (`jobBoardId` from the search row) returns
  `jobPostingContent` (header, description, footer HTML) and `jobPostingAttributes`, a list of
  `{name, value, type}` where pay is `HiringMinRate` / `HiringMaxRate` (type "currency") with
  `PayType` "Hourly" or "Salary" (yearly). Rates without a PayType give no band.
- `isoCurrencyRegion` is the currency code, null on most tenants. When null, the rates are taken
  in the local currency of the posting's country, but only when every location is in one country
  (the text normalizer reads unmarked amounts the same way); otherwise no band.
- PayType "Salary" over hourly-sized rates (PCA's co-op: 25-30) is refused by the plausibility
  rule (`salary.pay.band_problem`), never re-read as hourly.
- Detail calls run concurrently (bounded by the fetcher's per-host politeness). A failing detail
  keeps the search row's data; when more than half fail the board fails (`fetch_details`).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import quote

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting, Remote
from ..salary import currency, structured_band
from ..salary.extract import pay_type_from_context, text_bands
from ..salary.numbers import AmountError, amount_of, describe
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    as_list,
    dedupe_bands,
    fetch_details,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
)

PUBLIC_HOST = "https://jobs.dayforcehcm.com"  # posting pages, whatever host the API is read from
PAGE_SIZE = 25  # the server's page; the body has no size field
MAX_PAGES = 400  # 10,000 postings: a guard against a server that ignores paginationStart
DEFAULT_CULTURE = "en-US"
DEFAULT_BOARD_CODE = "CANDIDATEPORTAL"  # the board of the older {host}.dayforcehcm.com/CandidatePortal URLs
CSRF_HEADER = "X-CSRF-TOKEN"
_PAY_TYPES = {"hourly": "hour", "salary": "year"}  # the PayType values Dayforce lists
_PART_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CULTURE_RE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")


@register
class Dayforce(Source):
    name = "dayforce"
    default_base_url = "https://jobs.dayforcehcm.com"
    board_help = (
        '"{namespace}/{job_board_code}" from jobs.dayforcehcm.com/{culture}/{namespace}/{job_board_code}'
    )
    options = {"culture": (str,)}
    # Named groups `ns` and `code` (board_from_url joins them); `code` absent: CANDIDATEPORTAL.
    url_patterns: ClassVar[tuple[str, ...]] = (
        r"^jobs\.dayforcehcm\.com/(?:[A-Za-z]{2}-[A-Za-z]{2}/)?"
        r"(?![A-Za-z]{2}-[A-Za-z]{2}/)(?!(?i:api|candidateportal)/)"
        r"(?P<ns>[A-Za-z0-9][A-Za-z0-9_.-]*)/(?P<code>[A-Za-z0-9][A-Za-z0-9_.-]*)(?:[/?]|$)",
        r"^[a-z0-9-]+\.dayforcehcm\.com/(?i:candidateportal)/[A-Za-z]{2}-[A-Za-z]{2}/"
        r"(?P<ns>[A-Za-z0-9][A-Za-z0-9_.-]*)(?:[/?]|$)",
    )

    @classmethod
    def board_from_match(cls, m: re.Match[str]) -> str | None:
        return f"{m.group('ns')}/{m.groupdict().get('code') or DEFAULT_BOARD_CODE}"

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        parts = board.split("/")
        if len(parts) != 2 or not all(_PART_RE.match(p) for p in parts):
            raise ConfigError(
                'dayforce board must be "{namespace}/{job_board_code}", e.g. "pca/CANDIDATEPORTAL", '
                f"not {terminal_safe(board, limit=80)!r}"
            )
        culture = options.get("culture")
        if culture is not None and not _CULTURE_RE.match(culture):
            raise ConfigError(
                f'dayforce culture must look like "en-US" or "fr-CA", not {terminal_safe(culture, limit=40)!r}'
            )

    @property
    def culture(self) -> str:
        return self.company.options.get("culture") or DEFAULT_CULTURE

    def _board(self) -> tuple[str, str]:
        ns, _, code = self.company.board.partition("/")
        if not ns or not code:
            raise SourceError(
                f'dayforce board must be "{{namespace}}/{{job_board_code}}", not {self.company.board!r}'
            )
        return ns, code

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        ns, code = self._board()
        api = f"{self.base_url}/api/geo/{quote(ns, safe='')}/jobposting"
        items = await self._search(ctx, f"{api}/search", ns, code)

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            url = f"{api}/{quote(ns, safe='')}/{quote(self.culture, safe='')}/{item['jobBoardId']}/{item['jobPostingId']}"
            data = await ctx.fetcher.get_json(url)
            if not isinstance(data, dict) or str(data.get("jobPostingId")) != item["jobPostingId"]:
                raise SourceError(
                    terminal_safe(f"{url} did not return Dayforce posting {item['jobPostingId']}", limit=300)
                )
            return data

        details = await fetch_details(items, detail)
        merged = [{**item, **d} if d is not None else item for item, d in zip(items, details, strict=True)]
        return self.parse_each(merged, self.parse_posting)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the search row merged with its detail.
        if not isinstance(raw, dict) or raw.get("jobPostingId") in (None, ""):
            raise ValueError("not a stored Dayforce posting (no jobPostingId)")
        return self.parse_posting(raw)

    async def _csrf(self, ctx: CrawlContext) -> dict[str, str]:
        """The header and cookie the search wants, from `GET /api/auth/csrf`."""
        url = f"{self.base_url}/api/auth/csrf"
        resp = await ctx.fetcher.request("GET", url)
        data = resp.json()
        token = data.get("csrfToken") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise SourceError(f"{url} did not return a Dayforce CSRF token")
        # No cookie jar in the fetcher: the cookies this answer sets go back by hand.
        cookies = [c.split(";", 1)[0].strip() for c in resp.headers.get_list("set-cookie")]
        headers = {CSRF_HEADER: token}
        if any(cookies):
            headers["Cookie"] = "; ".join(c for c in cookies if c)
        return headers

    async def _search(self, ctx: CrawlContext, url: str, ns: str, code: str) -> list[dict[str, Any]]:
        headers = await self._csrf(ctx)
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        start = 0
        for page in range(MAX_PAGES):
            body = {
                "clientNamespace": ns,
                "jobBoardCode": code,
                "cultureCode": self.culture,
                "paginationStart": start,
            }
            try:
                try:
                    data = await ctx.fetcher.post_json(url, body, headers=headers)
                except FetchError as exc:
                    if exc.status != 403:
                        raise
                    headers = await self._csrf(ctx)  # the token expired or was refused: once more
                    data = await ctx.fetcher.post_json(url, body, headers=headers)
                if not isinstance(data, dict) or not isinstance(data.get("jobPostings"), list):
                    raise SourceError(f"{url} did not return a Dayforce job posting search")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            found = data.get("maxCount")
            total = found if isinstance(found, int) and not isinstance(found, bool) else None
            batch = data["jobPostings"]
            repeated = new = 0
            for item in batch:
                pid = self.listed_id(item, "jobPostingId")
                if pid is None:
                    continue
                board_id = item.get("jobBoardId")
                if isinstance(board_id, bool) or not isinstance(board_id, int):
                    self.report.skip(
                        f"dayforce posting {pid} skipped: jobBoardId {describe(board_id)} is not a number"
                    )
                    continue
                if pid in seen:
                    repeated += 1
                    continue
                seen.add(pid)
                items.append({**item, "jobPostingId": pid})
                new += 1
            start += len(batch)
            if total is not None and start >= total:
                break
            if repeated and not new:  # only postings already read: the server ignores paginationStart
                self.page_repeated(page, "paginationStart")
                break
            if len(batch) < PAGE_SIZE:
                if total is not None and start < total:
                    self.listed_short(start, total, page, empty=not batch)
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_posting(self, item: dict[str, Any]) -> Posting:
        ns, code = self._board()
        pid = item["jobPostingId"]
        title = first_text(item.get("jobTitle")) or ""
        content = as_dict(item.get("jobPostingContent"))
        parts = [
            html_to_text(content.get(k))
            for k in ("jobDescriptionHeader", "jobDescription", "jobDescriptionFooter")
        ]
        # Without a detail, the search row's own description.
        description = "\n\n".join(p for p in parts if p) or html_to_text(item.get("jobDescription"))
        places = [p for p in as_list(item.get("postingLocations")) if isinstance(p, dict)]
        location = _location(places)
        countries = {first_text(p.get("isoCountryCode")) for p in places} - {None}
        country = next(iter(countries)) if len(countries) == 1 else posting_country(location)
        attributes = {
            a["name"]: a.get("value")
            for a in as_list(item.get("jobPostingAttributes"))
            if isinstance(a, dict) and isinstance(a.get("name"), str)
        }
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "dayforce hiring rates"):
            band = _pay_band(attributes, item.get("isoCurrencyRegion"), countries, title, warnings)
            if band is not None:
                bands.append(band)
        with pay_guard(warnings, "dayforce description"):
            bands.extend(text_bands(description, country=country))
        remote: Remote | None = None
        if item.get("hasVirtualLocation") is True and not places:
            remote = "remote"  # a virtual location only; beside physical ones it may be one option of several
        return self.posting(
            pid,
            title,
            item,
            url=f"{PUBLIC_HOST}/{quote(self.culture)}/{quote(ns)}/{quote(code)}/jobs/{quote(str(pid))}",
            location=location,
            department=first_text(attributes.get("Department")),
            employment_type=first_text(attributes.get("PayClass"), attributes.get("EmploymentIndicator")),
            remote=remote,
            posted_at=parse_datetime(item.get("postingStartTimestampUTC")),
            updated_at=parse_datetime(item.get("lastModifiedTimestampUTC")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _location(places: list[dict[str, Any]]) -> str | None:
    out: list[str] = []
    for p in places:
        parts = [first_text(p.get(k)) for k in ("cityName", "stateCode", "isoCountryCode")]
        label = ", ".join(x for x in parts if x) or first_text(p.get("formattedAddress"))
        if label and label not in out:  # one mill listed under three addresses is one place
            out.append(label)
    return "; ".join(out) or None


def _pay_band(
    attributes: dict[str, Any], iso_currency: Any, countries: set[str | None], title: str, warnings: list[str]
) -> PayBand | None:
    lo, hi = attributes.get("HiringMinRate"), attributes.get("HiringMaxRate")
    if lo is None and hi is None:
        return None
    where = "dayforce hiring rates"
    pay_type = attributes.get("PayType")
    period = _PAY_TYPES.get(pay_type.strip().lower()) if isinstance(pay_type, str) else None
    if period is None:
        warnings.append(f"{where}: PayType {describe(pay_type)} does not say hourly or salary; no band")
        return None
    try:
        if 0 in (amount_of(lo), amount_of(hi)):
            warnings.append(f"{where}: a rate of 0 ({describe(lo)} - {describe(hi)}); no band")
            return None
    except AmountError:
        pass  # structured_band says why
    code: Any = iso_currency
    how = "isoCurrencyRegion"
    if not (isinstance(iso_currency, str) and iso_currency.strip()):
        local = currency.local_currency(next(iter(countries))) if len(countries) == 1 else None
        if local is None:
            warnings.append(f"{where}: no isoCurrencyRegion, and the locations name no one country; no band")
            return None
        code, how = local, f"the currency of {next(iter(countries))}"
    return structured_band(
        lo,
        hi,
        code,
        period,
        pay_type=pay_type_from_context("base pay", title),
        source_text=f"PayType {pay_type}; HiringMinRate {describe(lo)}; HiringMaxRate {describe(hi)}; {code} ({how})",
        rule="structured:dayforce",
        warnings=warnings,
        label=where,
    )
