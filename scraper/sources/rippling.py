"""Rippling job boards (ats.rippling.com/{board}/jobs), read through api.rippling.com.

Quirks kept here:

- The list is `GET /platform/api/ats/v1/board/{board}/jobs`: the whole board in one bare array,
  no paging, with one entry per (job, work location): a job offered in five places is five
  entries under one `uuid`. Entries are merged by uuid, their `workLocation` labels in order.
- An unknown board is an HTTP 404 `{"error_code": "RESOURCE_NOT_FOUND", ...}`.
- The list has no description or pay: one `GET /platform/api/ats/v1/board/{board}/jobs/{uuid}`
  per job returns `description` (`company` and `role`, HTML), `workLocations`, `department`,
  `employmentType` (its `id` is the human label, its `label` the enum), `createdOn`, and
  `payRangeDetails`: one band per entry `{location, currency, frequency ("YEAR", "HOUR"),
  rangeStart, rangeEnd, isRemote}`, each entry's `location` being its zone. No recording has
  a non-empty `payRangeDetails`; the shape is the one public client code reads.
- Detail calls run concurrently (bounded by the fetcher's per-host politeness). A failing detail
  keeps the list data; when more than half fail the board fails (`fetch_details`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..models import PayBand, Posting, Remote
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
    as_dict,
    as_list,
    dedupe_bands,
    fetch_details,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
)

API_PATH = "/platform/api/ats/v1/board"
_REMOTE_RE = re.compile(r"\bremote\b", re.IGNORECASE)


@register
class Rippling(Source):
    name = "rippling"
    default_base_url = "https://api.rippling.com"
    board_help = "the board slug in ats.rippling.com/{board}/jobs"
    url_patterns = (
        # An optional locale before the slug (ats.rippling.com/en-GB/{board}/jobs).
        r"^ats\.rippling\.com/(?:[A-Za-z]{2}-[A-Za-z]{2}/)?(?P<board>[a-z0-9][a-z0-9-]*)/jobs(?:[/?]|$)",
        r"^ats\.rippling\.com/(?P<board>[a-z0-9][a-z0-9-]*)/?(?:\?|$)",
        r"^api\.rippling\.com/platform/api/ats/v1/board/(?P<board>[a-z0-9][a-z0-9-]*)/jobs",
    )

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}{API_PATH}/{quote(self.company.board, safe='')}/jobs"
        data = await ctx.fetcher.get_json(url)
        if not isinstance(data, list):
            raise SourceError(f"{url} did not return a Rippling job list")
        jobs: dict[str, dict[str, Any]] = {}
        for entry in data:
            uuid = self.listed_id(entry, "uuid")
            if uuid is None:
                continue
            place = first_text(as_dict(entry.get("workLocation")).get("label"))
            job = jobs.setdefault(uuid, {**entry, "uuid": uuid, "workLocations": []})
            if place and place not in job["workLocations"]:
                job["workLocations"].append(place)
        items = list(jobs.values())

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            job_url = f"{url}/{quote(item['uuid'], safe='')}"
            got = await ctx.fetcher.get_json(job_url)
            if not isinstance(got, dict) or got.get("uuid") != item["uuid"]:
                raise SourceError(
                    terminal_safe(f"{job_url} did not return Rippling job {item['uuid']}", limit=300)
                )
            return got

        details = await fetch_details(items, detail)
        # The detail's own workLocations replace the ones gathered from the list.
        merged = [{**item, **d} if d is not None else item for item, d in zip(items, details, strict=True)]
        return self.parse_each(merged, self.parse_job)

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the first list entry with the job's work locations, merged with its detail.
        if not isinstance(raw, dict) or not raw.get("uuid"):
            raise ValueError("not a stored Rippling job (no uuid)")
        return self.parse_job(raw)

    def parse_job(self, job: dict[str, Any]) -> Posting:
        title = first_text(job.get("name")) or ""
        text = as_dict(job.get("description"))
        description = "\n\n".join(
            x for x in (html_to_text(text.get("role")), html_to_text(text.get("company"))) if x
        )
        places = [p for p in (first_text(x) for x in as_list(job.get("workLocations"))) if p]
        location = "; ".join(places) or None
        country = posting_country(location)
        department = first_text(
            as_dict(job.get("department")).get("name"), as_dict(job.get("department")).get("label")
        )
        bands: list[PayBand] = []
        warnings: list[str] = []
        for rng in as_list(job.get("payRangeDetails")):
            if not isinstance(rng, dict):
                continue
            zone = first_text(rng.get("location"))
            where = f"rippling payRangeDetails {zone!r}" if zone else "rippling payRangeDetails"
            with pay_guard(warnings, where):
                band = structured_band(
                    rng.get("rangeStart"),
                    rng.get("rangeEnd"),
                    rng.get("currency"),
                    rng.get("frequency"),
                    pay_type=pay_type_from_context(f"{zone or ''} base pay", title, department or ""),
                    zone=zone,
                    source_text=(
                        f"payRangeDetails {zone or ''}: {describe(rng.get('rangeStart'))}-"
                        f"{describe(rng.get('rangeEnd'))} {describe(rng.get('currency'))} "
                        f"{describe(rng.get('frequency'))}"
                    ),
                    rule="structured:rippling",
                    warnings=warnings,
                    label=where,
                )
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "rippling description"):
            bands.extend(text_bands(description, country=country))
        remote: Remote | None = None
        if places and all(_REMOTE_RE.search(p) for p in places):
            remote = "remote"
        return self.posting(
            job["uuid"],
            title,
            job,
            url=first_text(job.get("url"))
            or f"https://ats.rippling.com/{quote(self.company.board)}/jobs/{job['uuid']}",
            location=location,
            department=department,
            employment_type=first_text(as_dict(job.get("employmentType")).get("id")),
            remote=remote,
            posted_at=parse_datetime(job.get("createdOn")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )
