"""SmartRecruiters public Posting API (api.smartrecruiters.com/v1).

Quirks kept here:

- An unknown company id answers HTTP 200 with `totalFound: 0` and no
  postings, exactly like a company with nothing open; that is reported as a
  failed board ("no postings: ..."), never as a successful empty crawl.
- The list (`GET /v1/companies/{id}/postings?limit=100&offset=`) has no text:
  one `GET /v1/companies/{id}/postings/{postingId}` per posting returns
  `jobAd.sections` (companyDescription, jobDescription, qualifications,
  additionalInformation), each `{title, text}` with entity-encoded HTML.
  Pay is text in those sections, or a `compensation` object (min/max/currency,
  a period when given) on postings that carry one; no recording shows that
  object, so it is read leniently.
- `limit` is clamped to 100 by the server; paging stops at `totalFound`, a
  short or empty page, a page with nothing new, or MAX_PAGES.
- `department.id` is a string in the list and a number in the detail.
- Detail calls run concurrently (bounded by the fetcher's per-host
  politeness). A failing detail keeps the posting's list data; when more than
  half fail the board fails, so a blocked detail API cannot blank stored
  descriptions and bands.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..errors import FetchError
from ..models import PayBand, Posting, Remote
from ..salary import structured_band
from ..salary.extract import pay_type_from_context, text_bands
from ..sanitize import terminal_safe
from ..text import html_to_text
from . import register
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    dedupe_bands,
    fetch_details,
    first_text,
    mark_list_only,
    parse_datetime,
    pay_guard,
    posting_country,
    requisition,
    safe_str,
)

PAGE_SIZE = 100  # the server's own maximum
MAX_PAGES = 100  # 10,000 postings: a guard against a server that ignores `offset`
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


@register
class SmartRecruiters(Source):
    name = "smartrecruiters"
    default_base_url = "https://api.smartrecruiters.com"
    board_help = "the company id in jobs.smartrecruiters.com/{id}"
    # careers./jobs.smartrecruiters.com/{id}[/{posting}], the one-click apply and referral pages
    # (/oneclick-ui/company/{id}/…, /external-referrals/company/{id}/…) and the API. The id keeps its
    # case ("LinkedIn3").
    url_patterns = (
        r"^(?:careers|jobs)\.smartrecruiters\.com/(?:oneclick-ui|external-referrals)/company/(?P<board>[^/?#]+)",
        r"^(?:careers|jobs)\.smartrecruiters\.com/(?!(?:oneclick-ui|external-referrals|sr-jobs|static)(?:/|$))(?P<board>[^/?#]+)",
        r"^api\.smartrecruiters\.com/v1/companies/(?P<board>[^/?#]+)",
    )

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}/v1/companies/{quote(self.company.board, safe='')}/postings"
        items = await self._list(ctx, url)

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            data = await ctx.fetcher.get_json(f"{url}/{quote(str(item['id']), safe='')}")
            if not isinstance(data, dict):
                raise SourceError(
                    terminal_safe(f"{url}/{item['id']} did not return a SmartRecruiters posting", limit=300)
                )
            return data

        details = await fetch_details(items, detail)
        pairs = list(zip(items, details, strict=True))
        return self.parse_each(pairs, lambda pair: mark_list_only(self.parse_posting(*pair), pair[1]))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list item merged with the detail: parsing it alone gives the same posting.
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ValueError("not a stored SmartRecruiters posting (no id)")
        return self.parse_posting(raw, None)

    async def _list(self, ctx: CrawlContext, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        offset = 0
        total: int | None = None
        for page in range(MAX_PAGES):
            try:
                data = await ctx.fetcher.get_json(url, params={"limit": PAGE_SIZE, "offset": offset})
                if not isinstance(data, dict) or not isinstance(data.get("content"), list):
                    raise SourceError(f"{url} did not return a SmartRecruiters posting list")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            found = data.get("totalFound")
            total = found if isinstance(found, int) and not isinstance(found, bool) else None
            batch = data["content"]
            if offset == 0 and not batch:
                raise SourceError(
                    f"no postings: SmartRecruiters company id {self.company.board!r} "
                    "is unknown or has no open postings"
                )
            repeated = new = 0
            for item in batch:
                pid = self.listed_id(item)  # a number is read as its digits: it names the detail URL
                if pid is None:
                    continue
                if pid in seen:
                    repeated += 1
                    continue
                seen.add(pid)
                items.append({**item, "id": pid})
                new += 1
            offset += len(batch)
            if total is not None and offset >= total:
                break
            if repeated and not new:  # only postings already read: the server ignores paging
                self.page_repeated(page, "offset")
                break
            if len(batch) < PAGE_SIZE:
                if total is not None:  # the board's own total says there is more
                    self.listed_short(offset, total, page, empty=not batch)
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_posting(self, item: dict[str, Any], detail: dict[str, Any] | None) -> Posting:
        merged = {**item, **(detail or {})}
        title = first_text(merged.get("name")) or ""
        department = _label(merged.get("department"))
        job_ad = as_dict(merged.get("jobAd"))
        sections = as_dict(job_ad.get("sections"))
        parts = []
        for key in SECTIONS:
            section = sections.get(key)
            if isinstance(section, dict):
                text = html_to_text(section.get("text"))
                if text:
                    parts.append(f"{first_text(section.get('title')) or ''}\n{text}".strip())
        description = "\n\n".join(parts)
        location = as_dict(merged.get("location"))
        location_text = first_text(
            location.get("fullLocation"),
            ", ".join(str(location[k]) for k in ("city", "region", "country") if location.get(k)),
        )
        country = posting_country(location_text)
        bands: list[PayBand] = []
        warnings: list[str] = []
        comp = merged.get("compensation")
        if isinstance(comp, dict):
            with pay_guard(warnings, "smartrecruiters compensation"):
                band = _compensation_band(comp, title, department or "", warnings)
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "smartrecruiters description"):
            bands.extend(text_bands(description, country=country))
        company = as_dict(merged.get("company"))
        public_id = first_text(company.get("identifier")) or self.company.board
        return self.posting(
            merged["id"],
            title,
            merged,
            url=first_text(merged.get("postingUrl"))
            or f"https://jobs.smartrecruiters.com/{quote(public_id, safe='')}/{merged['id']}",
            location=location_text,
            department=department,
            employment_type=_label(merged.get("typeOfEmployment")),
            remote=_remote(location),
            posted_at=parse_datetime(merged.get("releasedDate")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
            requisition_id=requisition(merged.get("refNumber")),
        )


def _label(value: Any) -> str | None:
    return first_text(value.get("label")) if isinstance(value, dict) else None


def _remote(location: dict[str, Any]) -> Remote | None:
    if location.get("remote") is True:
        return "remote"
    if location.get("hybrid") is True:
        return "hybrid"
    if location.get("remote") is False and location.get("hybrid") is False:
        return "onsite"  # both flags stated false: on site
    return None


def _compensation_band(
    comp: dict[str, Any], title: str, department: str, warnings: list[str] | None = None
) -> PayBand | None:
    # Unrecorded shape: min/max/currency, and a period under one of these names when given.
    period = next((comp[k] for k in ("period", "interval", "frequency") if comp.get(k)), None)
    if isinstance(period, dict):
        period = period.get("id") or period.get("label")
    return structured_band(
        comp.get("min"),
        comp.get("max"),
        comp.get("currency") or "USD",
        period,
        pay_type=pay_type_from_context(safe_str(comp.get("type") or ""), title, department),
        source_text=f"compensation {safe_str(comp)}"[:500],
        rule="structured:smartrecruiters",
        warnings=warnings,
        label="smartrecruiters compensation",
    )
