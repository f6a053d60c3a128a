"""Greenhouse job boards (boards-api.greenhouse.io).

Quirks kept here: `content` is entity-escaped HTML; `pay_input_ranges`
amounts are in cents; a 404 means the board no longer exists.
"""

from __future__ import annotations

import re
from typing import Any

from ..models import PayBand, Posting
from ..salary import structured_band
from ..salary.extract import pay_type_from_context, text_bands
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
    requisition,
)

# Range titles that name the pay kind, not a location zone. Whole words: "Remote - US" holds
# "ote" and "Orange County" holds "range", and both are zones.
_GENERIC_ZONE_RE = re.compile(r"\b(?:salary|compensation|pay|range|base|ote|annual|hourly)\b", re.IGNORECASE)


@register
class Greenhouse(Source):
    name = "greenhouse"
    default_base_url = "https://boards-api.greenhouse.io"
    board_help = "the board token in boards.greenhouse.io/{token}"
    # Boards (job-boards., boards., their EU twins), embeds (`/embed/job_board?for=`, its `/js` script)
    # and the API itself. An embed without `for=` (`/embed/job_app?token=` is one job) names no board.
    # EU boards are read through the default API host: one report says boards-api.eu.greenhouse.io does
    # not resolve and the global API serves them; nothing here could check it.
    url_patterns = (
        r"^(?:job-)?boards(?:\.eu)?\.greenhouse\.io/embed/job_(?:board|app)(?:/js)?/?\?(?:[^#]*&)?for=(?P<board>[^&#/]+)",
        r"^boards-api(?:\.eu)?\.greenhouse\.io/v1/boards/(?P<board>[^/?#]+)",
        r"^api\.greenhouse\.io/v1/boards/(?P<board>[^/?#]+)",
        r"^(?:job-)?boards(?:\.eu)?\.greenhouse\.io/(?!embed(?:/|$))(?P<board>[^/?#]+)",
    )

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}/v1/boards/{self.company.board}/jobs"
        data = await ctx.fetcher.get_json(url, params={"content": "true", "pay_transparency": "true"})
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise SourceError(f"{url} did not return a Greenhouse job list")
        # A job without a usable id is skipped and reported; one that cannot be read costs only itself.
        listed = [job for job in data["jobs"] if self.listed_id(job) is not None]
        return self.parse_each(listed, self.parse_job)

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_job(raw)

    def parse_job(self, job: dict[str, Any]) -> Posting:
        title = first_text(job.get("title")) or ""
        departments = as_list(job.get("departments"))
        department = first_text(*(d.get("name") for d in departments if isinstance(d, dict)))
        location = as_dict(job.get("location"))
        location_name = first_text(location.get("name"))
        country = posting_country(location_name)
        description = html_to_text(job.get("content"), unescape_first=True)
        bands: list[PayBand] = []
        warnings: list[str] = []
        for rng in as_list(job.get("pay_input_ranges")):
            if isinstance(rng, dict):
                band = self._range_band(rng, title, department or "", warnings)
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "greenhouse description"):
            bands.extend(text_bands(description, country=country))
        return self.posting(
            job.get("id"),
            title,
            job,
            url=first_text(job.get("absolute_url")),
            location=location_name,
            department=department,
            posted_at=parse_datetime(job.get("first_published")),
            updated_at=parse_datetime(job.get("updated_at")),
            description=description,
            bands=dedupe_bands(bands),
            warnings=warnings,
            requisition_id=requisition(job.get("requisition_id")),
        )

    @staticmethod
    def _range_band(
        rng: dict[str, Any], title: str, department: str, warnings: list[str] | None = None
    ) -> PayBand | None:
        warnings = [] if warnings is None else warnings
        label = (first_text(rng.get("title")) or "").rstrip(":").strip()
        where = f"greenhouse pay range {label!r}" if label else "greenhouse pay range"
        with pay_guard(warnings, where):
            blurb = html_to_text(rng.get("blurb"))
            zone = None if _GENERIC_ZONE_RE.search(label) else (label or None)
            # "Annual Salary" / "Hourly" labels are Greenhouse's only period signal.
            interval = "hour" if "hour" in label.lower() else "year"
            return structured_band(
                rng.get("min_cents"),
                rng.get("max_cents"),
                rng.get("currency_type") or "USD",
                interval,
                cents=True,
                pay_type=pay_type_from_context(f"{label}. {blurb}", title, department),
                zone=zone,
                source_text=" ".join(x for x in (label, blurb) if x)[:500],
                rule="structured:greenhouse",
                warnings=warnings,
                label=where,
            )
        return None
