"""UKG Pro Recruiting (UltiPro) job boards (recruiting.ultipro.com/{company_code}/JobBoard/{board_id}).

Config: `board = "{company_code}/{board_id}"`, e.g. "TEC1006TESER/18180d88-ced0-4361-bd09-d5eef66dab24".
Most tenants are on recruiting.ultipro.com (the default); others on recruiting2.ultipro.com and
so on, with no pattern to derive it: set `base_url` to that host.

Quirks kept here:

- The list is `POST /{code}/JobBoard/{board}/JobBoardView/LoadSearchResults` with an
  `opportunitySearch` body (`Top`/`Skip` paging, the board's own filter fields left empty) and
  `X-Requested-With: XMLHttpRequest`; it answers `opportunities` and `totalCount`. An unknown
  company code is HTTP 404.
- The list has only `BriefDescription`: one `GET /{code}/JobBoard/{board}/OpportunityDetail?
  opportunityId=` per posting returns an HTML page holding the posting as an object literal
  after `new US.Opportunity.CandidateOpportunityDetail(`. An unknown id answers the app shell
  (HTTP 200) without it: read as a failed detail.
- Pay: the detail's `CompensationAnnualMinimum/Maximum` (yearly) and
  `CompensationHourlyMinimum/Maximum` (hourly) with `CompensationCurrencyCode`; the recorded
  detail has them all null, so their reading is tested on generated values. No currency code:
  no band. Both yearly and hourly filled: the one `Salaried` names (the other is a conversion);
  neither when `Salaried` is not stated. `PayRange` states no period, and `PayRangeCurrencyCode`
  is filled even when `PayRangeVisible` is false ("XOF" on a hidden range): not read. Then the
  description through the text normalizer.
- `JobLocationType` is a number whose meaning is not documented or recorded: not read.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting
from ..salary import structured_band
from ..salary.extract import text_bands
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
    safe_str,
)

PAGE_SIZE = 20  # what the board's own page asks for
MAX_PAGES = 250  # 5,000 postings: a guard against a server that ignores `Skip`
DETAIL_MARKER = "new US.Opportunity.CandidateOpportunityDetail("
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
# The board page's own search: its filter fields (4 location, 5 category, 6 schedule, 37 type) empty.
_FILTER_FIELDS = (4, 5, 6, 37)
_CODE_RE = re.compile(r"[A-Za-z0-9_-]+")


@register
class UltiPro(Source):
    name = "ultipro"
    default_base_url = "https://recruiting.ultipro.com"
    board_help = '"{company_code}/{board_id}" from recruiting.ultipro.com/{company_code}/JobBoard/{board_id}'
    url_patterns = (
        # recruiting.ultipro.com, recruiting2.ultipro.com, recruiting.ultipro.ca (the host is base_url)
        r"^recruiting\d*\.ultipro\.(?:com|ca)/(?P<code>[A-Za-z0-9_-]+)/JobBoard/(?P<board_id>[0-9A-Fa-f-]{36})",
    )

    url_pattern_flags = re.IGNORECASE

    @classmethod
    def board_from_match(cls, m: re.Match[str]) -> str | None:
        return f"{m.group('code')}/{m.group('board_id').lower()}"

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        parts = board.strip("/").split("/")
        if len(parts) != 2 or not all(_CODE_RE.fullmatch(p) for p in parts):
            raise ConfigError(
                f'ultipro board {board!r} must be "{{company_code}}/{{board_id}}", e.g. '
                '"TEC1006TESER/18180d88-ced0-4361-bd09-d5eef66dab24"'
            )

    def _board_url(self) -> str:
        code, board_id = self.company.board.strip("/").split("/")
        return f"{self.base_url}/{quote(code, safe='')}/JobBoard/{quote(board_id, safe='')}"

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        board_url = self._board_url()
        items = await self._list(ctx, f"{board_url}/JobBoardView/LoadSearchResults")

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            url = f"{board_url}/OpportunityDetail"
            resp = await ctx.fetcher.request(
                "GET", url, params={"opportunityId": item["Id"]}, headers={"Accept": HTML_ACCEPT}
            )
            found = opportunity_of_page(resp.text())
            if found is None:
                raise SourceError(f"ultipro opportunity {item['Id']} has no detail (the page holds none)")
            return found

        details = await fetch_details(items, detail)
        pairs = list(zip(items, details, strict=True))
        return self.parse_each(pairs, lambda pair: self.parse_posting(*pair))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list entry merged with the detail: parsing it alone gives the same posting.
        if not isinstance(raw, dict) or not raw.get("Id"):
            raise ValueError("not a stored UltiPro opportunity (no Id)")
        return self.parse_posting(raw, None)

    async def _list(self, ctx: CrawlContext, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        skip = 0
        total: int | None = None
        for page in range(MAX_PAGES):
            try:
                data = await ctx.fetcher.post_json(
                    url, _search_body(skip), headers={"X-Requested-With": "XMLHttpRequest"}
                )
                if not isinstance(data, dict) or not isinstance(data.get("opportunities"), list):
                    raise SourceError(f"{url} did not return an UltiPro opportunity list")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            found = data.get("totalCount")
            total = found if isinstance(found, int) and not isinstance(found, bool) else None
            batch = data["opportunities"]
            repeated = new = 0
            for item in batch:
                oid = self.listed_id(item, "Id")
                if oid is None:
                    continue
                if oid in seen:
                    repeated += 1
                    continue
                seen.add(oid)
                items.append({**item, "Id": oid})
                new += 1
            skip += len(batch)
            if total is not None and skip >= total:
                break
            if repeated and not new:  # only postings already read: the server ignores paging
                self.page_repeated(page, "Skip")
                break
            if len(batch) < PAGE_SIZE:
                if total is not None:  # the board's own total says there is more
                    self.listed_short(skip, total, page, empty=not batch)
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_posting(self, item: dict[str, Any], detail: dict[str, Any] | None) -> Posting:
        merged = {**item, **(detail or {})}
        title = first_text(merged.get("Title")) or ""
        department = first_text(merged.get("JobCategoryName"))
        description = html_to_text(merged.get("Description"))
        if not description:  # no detail: the list's brief text
            brief = merged.get("BriefDescription")
            description = brief.strip() if isinstance(brief, str) else ""
        places = [_place(loc) for loc in as_list(merged.get("Locations")) if isinstance(loc, dict)]
        location = "; ".join(dict.fromkeys(p for p in places if p)) or None
        country = posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "ultipro compensation"):
            bands.extend(_compensation_bands(merged, warnings))
        with pay_guard(warnings, "ultipro description"):
            bands.extend(text_bands(description, country=country))
        full_time = merged.get("FullTime")
        return self.posting(
            merged["Id"],
            title,
            merged,
            url=f"{self._board_url()}/OpportunityDetail?opportunityId={quote(str(merged['Id']), safe='')}",
            location=location,
            department=department,
            employment_type={True: "Full-time", False: "Part-time"}.get(full_time)
            if isinstance(full_time, bool)
            else None,
            posted_at=parse_datetime(merged.get("PostedDate")),
            updated_at=parse_datetime(merged.get("UpdatedDate")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _search_body(skip: int) -> dict[str, Any]:
    return {
        "opportunitySearch": {
            "Top": PAGE_SIZE,
            "Skip": skip,
            "QueryString": "",
            "OrderBy": [{"Value": "postedDateDesc", "PropertyName": "PostedDate", "Ascending": False}],
            "Filters": [
                {"t": "TermsSearchFilterDto", "fieldName": f, "extra": None, "values": []}
                for f in _FILTER_FIELDS
            ],
        },
        "matchCriteria": {
            "PreferredJobs": [],
            "Educations": [],
            "LicenseAndCertifications": [],
            "Skills": [],
            "hasNoLicenses": False,
            "SkippedSkills": [],
        },
    }


def opportunity_of_page(page: str) -> dict[str, Any] | None:
    """The posting object an OpportunityDetail page passes to its script; None when the page has none."""
    start = page.find(DETAIL_MARKER)
    if start < 0:
        return None
    try:
        found, _ = json.JSONDecoder().raw_decode(page, start + len(DETAIL_MARKER))
    except ValueError as exc:
        # The marker is there but its object is not: a changed page, not a missing posting.
        raise SourceError(f"ultipro detail page: the opportunity object cannot be read ({exc})") from None
    return found if isinstance(found, dict) else None


def _place(loc: dict[str, Any]) -> str | None:
    """ "City, State, Country" of one location; its "Country/City" description when it has no address."""
    address = as_dict(loc.get("Address"))
    parts = [
        first_text(address.get("City")),
        first_text(as_dict(address.get("State")).get("Name")),
        first_text(as_dict(address.get("Country")).get("Name")),
    ]
    kept: list[str] = []
    for part in parts:
        if part and (not kept or part.lower() != kept[-1].lower()):  # "Aleta Wondo, Aleta Wondo"
            kept.append(part)
    if kept:
        return ", ".join(kept)
    described = first_text(loc.get("LocalizedDescription"))
    return ", ".join(reversed(described.split("/"))) if described else None


def _compensation_bands(merged: dict[str, Any], warnings: list[str]) -> list[PayBand]:
    yearly = (merged.get("CompensationAnnualMinimum"), merged.get("CompensationAnnualMaximum"))
    hourly = (merged.get("CompensationHourlyMinimum"), merged.get("CompensationHourlyMaximum"))
    stated = {
        period: pair
        for period, pair in (("year", yearly), ("hour", hourly))
        if any(v is not None for v in pair)
    }
    if not stated:
        return []
    currency = first_text(merged.get("CompensationCurrencyCode"))
    if currency is None:
        warnings.append("ultipro compensation: amounts without CompensationCurrencyCode; no band")
        return []
    salaried = merged.get("Salaried")
    if len(stated) == 2:
        if not isinstance(salaried, bool):
            warnings.append("ultipro compensation: yearly and hourly amounts, Salaried not stated; no band")
            return []
        stated = {p: v for p, v in stated.items() if p == ("year" if salaried else "hour")}
    out = []
    for period, (lo, hi) in stated.items():
        field = "Annual" if period == "year" else "Hourly"
        band = structured_band(
            lo,
            hi,
            currency,
            period,
            pay_type="unknown",  # "Compensation" says not whether it is base pay
            source_text=f"Compensation{field}Minimum {safe_str(lo)} - Maximum {safe_str(hi)} {currency}",
            rule="structured:ultipro",
            warnings=warnings,
            label=f"ultipro Compensation{field}",
        )
        if band is not None:
            out.append(band)
    return out
