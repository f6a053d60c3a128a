"""Lever postings API (api.lever.co/v0).

Quirks kept here: without `Accept: application/json` Lever may answer HTML;
pages are requested with skip/limit until a short page; pay text sits in
`lists[]`, `additional` and `salaryDescription`, which `descriptionPlain`
omits; `createdAt` is epoch milliseconds.
"""

from __future__ import annotations

from typing import Any

from ..errors import FetchError
from ..models import PayBand, Posting
from ..salary import structured_band
from ..salary.extract import pay_type_from_context, text_bands
from ..salary.zones import zone_of_statement
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
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
    safe_str,
    url_target,
)

EU_API = "https://api.eu.lever.co"
PAGE_SIZE = 100
MAX_PAGES = 200  # 20,000 postings: a guard against a server that ignores `skip`


@register
class Lever(Source):
    name = "lever"
    default_base_url = "https://api.lever.co"
    board_help = "the site name in jobs.lever.co/{site}"
    # Hosted boards (jobs.lever.co, EU jobs.eu.lever.co) and the API; sites may hold dots and spaces
    # ("neye-systems-inc.", "loop ai").
    url_patterns = (
        r"^jobs(?:\.eu)?\.lever\.co/(?P<board>[^/?#]+)",
        r"^api(?:\.eu)?\.lever\.co/v0/postings/(?P<board>[^/?#]+)",
    )
    # The lever-jobs-embed script reads its site from `window.leverJobsOptions = {accountName: "…"}`.
    page_patterns = (r"leverJobsOptions\s*=\s*\{[^}]*?accountName\s*:\s*[\"'](?P<board>[^\"'/?#]+)[\"']",)

    @classmethod
    def base_url_from_url(cls, url: str) -> str | None:
        # An EU site (jobs.eu.lever.co) lives on Lever's EU instance, whose API is api.eu.lever.co.
        host = url_target(url).split("/", 1)[0]
        return EU_API if host in ("jobs.eu.lever.co", "api.eu.lever.co") else None

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}/v0/postings/{self.company.board}"
        listed: list[dict[str, Any]] = []
        seen: set[str] = set()
        for page in range(MAX_PAGES):
            data = await self._page(ctx, url, page)
            if data is None:  # a later page failed: what was read is kept, marked partial
                break
            if not data and page > 0:
                # A full page, then nothing: a glitch, or a board of exactly that many. Asked once
                # more, a transient glitch heals. Lever gives no total to tell the rest apart, so an
                # answer that stays empty is reported: removals wait rather than risk a glitch's.
                data = await self._page(ctx, url, page)
                if data is None:
                    break
                if not data:
                    self.report.may_have_ended_early(
                        f"lever page {page + 1} answered no postings after a full page of {PAGE_SIZE} (asked "
                        f"twice): the board has exactly {page * PAGE_SIZE:,}, or paging was cut; postings "
                        "missing from it are held until the next crawl agrees"
                    )
                    break
            repeated = new = 0
            for item in data:
                pid = self.listed_id(item)
                if pid is None:
                    continue
                if pid in seen:
                    repeated += 1
                    continue
                seen.add(pid)
                listed.append(item)
                new += 1
            if len(data) < PAGE_SIZE:
                break
            if repeated and not new:  # only postings already read: the server ignores paging
                self.page_repeated(page, "skip")
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return self.parse_each(listed, self.parse_posting)

    async def _page(self, ctx: CrawlContext, url: str, page: int) -> list[Any] | None:
        """One page of postings; None when a page after the first fails (the listing is then partial).

        The first page failing fails the board: nothing was read.
        """
        try:
            data = await ctx.fetcher.get_json(
                url,
                params={"mode": "json", "skip": page * PAGE_SIZE, "limit": PAGE_SIZE},
                headers={"Accept": "application/json"},
            )
            if isinstance(data, dict) and data.get("ok") is False:
                error = terminal_safe(data.get("error") or "board not available", limit=200)
                raise SourceError(f"Lever says: {error}")
            if not isinstance(data, list):
                raise SourceError(f"{url} did not return a Lever posting list")
        except (FetchError, SourceError) as exc:
            if page == 0:
                raise
            self.page_failed(page, exc)
            return None
        return data

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_posting(raw)

    def parse_posting(self, item: dict[str, Any]) -> Posting:
        title = first_text(item.get("text")) or ""
        categories = as_dict(item.get("categories"))
        lists = as_list(item.get("lists"))
        parts = [
            item.get("descriptionPlain"),  # blank or not text: dropped below
            *(
                f"{li.get('text', '')}\n{html_to_text(li.get('content'))}"
                for li in lists
                if isinstance(li, dict)
            ),
            item.get("additionalPlain") or html_to_text(item.get("additional")),
        ]
        description = "\n\n".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
        salary_plain = item.get("salaryDescriptionPlain")
        salary_text = salary_plain.strip() if isinstance(salary_plain, str) else None
        salary_text = salary_text or html_to_text(item.get("salaryDescription"))
        location = first_text(
            categories.get("location"),
            ", ".join(x for x in as_list(categories.get("allLocations")) if isinstance(x, str)),
        )
        country = posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        sr = item.get("salaryRange")
        if isinstance(sr, dict):
            with pay_guard(warnings, "lever salaryRange"):
                shown = " ".join(safe_str(sr.get(k)) for k in ("currency", "interval"))
                band = structured_band(
                    sr.get("min"),
                    sr.get("max"),
                    sr.get("currency") or "USD",
                    sr.get("interval"),
                    pay_type=pay_type_from_context(
                        salary_text or "salary", title, categories.get("department") or ""
                    ),
                    source_text=f"salaryRange {safe_str(sr.get('min'))}-{safe_str(sr.get('max'))} {shown}",
                    rule="structured:lever",
                    warnings=warnings,
                    label="lever salaryRange",
                    zone=zone_of_statement(salary_text),
                )
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "lever description"):
            bands.extend(text_bands(salary_text, country=country))
            bands.extend(text_bands(description, country=country))
        workplace = item.get("workplaceType")
        return self.posting(
            item.get("id"),
            title,
            item,
            url=first_text(item.get("hostedUrl")),
            location=location,
            department=first_text(categories.get("department"), categories.get("team")),
            employment_type=first_text(categories.get("commitment")),
            remote=workplace if workplace in ("remote", "hybrid", "onsite") else None,
            posted_at=parse_datetime(item.get("createdAt")),
            description="\n\n".join(x for x in (description, salary_text) if x),
            bands=dedupe_bands(bands),
            warnings=warnings,
        )
