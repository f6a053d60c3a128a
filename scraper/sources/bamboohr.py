"""BambooHR careers sites ({board}.bamboohr.com/careers).

Config: `board` is the subdomain; the host is `https://{board}.bamboohr.com` unless `base_url`
stands in for it (a mirror of that one tenant's site, e.g. the replay server's
`http://127.0.0.1:8765/{board}.bamboohr.com`).

Quirks kept here:

- The list is `GET /careers/list` (JSON with `Accept: application/json`): `{meta: {totalCount},
  result: [...]}`, the whole board, no paging, and no pay or description.
- An unknown subdomain is not a 404: `/careers/list` redirects to https://www.bamboohr.com. A
  list request that ends anywhere but its own path is a board that does not exist.
- One `GET /careers/{id}/detail` per opening returns `result.jobOpening` (and the application
  form, `result.formFields`, not kept). Pay is the free text `compensation` ("$300 - $425/Day
  ($21.43 - $30.35 per hour)"), read by the text normalizer like the `description` HTML.
- `locationType` is "0" on site, "1" remote, "2" hybrid.
- Detail calls run concurrently (bounded by the fetcher's per-host politeness). A failing detail
  keeps the list data; when more than half fail the board fails (`fetch_details`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting, Remote
from ..salary.extract import text_bands
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
    parse_datetime,
    pay_guard,
    posting_country,
)

_SUBDOMAIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_LOCATION_TYPES: dict[str, Remote] = {"0": "onsite", "1": "remote", "2": "hybrid"}


@register
class BambooHR(Source):
    name = "bamboohr"
    default_base_url = "https://{board}.bamboohr.com"  # the tenant is the host: see __init__
    board_help = "the subdomain in {board}.bamboohr.com/careers"
    url_patterns = (
        r"^(?!(?:www|api|app|help|partners|marketplace)\.)(?P<board>[a-z0-9][a-z0-9-]*)\.bamboohr\.com"
        r"/(?:careers|jobs)(?:[/?]|$)",
    )

    def __init__(self, company: Any) -> None:
        super().__init__(company)
        if not company.base_url:
            self.base_url = f"https://{company.board.lower()}.bamboohr.com"

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        # The board becomes a host name: nothing but one DNS label.
        if not _SUBDOMAIN_RE.match(board):
            raise ConfigError(
                f'bamboohr board must be the subdomain of {{board}}.bamboohr.com, e.g. "giatecscientific", '
                f"not {terminal_safe(board, limit=80)!r}"
            )

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self.base_url}/careers/list"
        resp = await ctx.fetcher.request("GET", url)
        if urlsplit(resp.url).path.rstrip("/") != urlsplit(url).path:
            raise FetchError(
                "not_found",
                url,
                terminal_safe(
                    f"{url} redirects to {resp.url}: no BambooHR careers site {self.company.board!r}", 300
                ),
            )
        data = resp.json()
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise SourceError(f"{url} did not return a BambooHR job list")
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        for row in data["result"]:
            oid = self.listed_id(row)
            if oid is None or oid in seen:
                continue
            seen.add(oid)
            items.append({**row, "id": oid})
        total = as_dict(data.get("meta")).get("totalCount")
        if isinstance(total, int) and not isinstance(total, bool) and len(data["result"]) < total:
            self.listed_short(len(data["result"]), total, 0, empty=not data["result"], noun="openings")

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            job_url = f"{self.base_url}/careers/{quote(item['id'], safe='')}/detail"
            got = await ctx.fetcher.get_json(job_url)
            opening = as_dict(as_dict(got).get("result")).get("jobOpening") if isinstance(got, dict) else None
            if not isinstance(opening, dict):
                raise SourceError(
                    terminal_safe(f"{job_url} did not return a BambooHR job opening", limit=300)
                )
            return opening

        details = await fetch_details(items, detail)
        # Stored: the list row with the detail's jobOpening over it (the application form is left out).
        merged = [{**item, **d} if d is not None else item for item, d in zip(items, details, strict=True)]
        return self.parse_each(merged, self.parse_opening)

    def parse_raw(self, raw: Any) -> Posting:
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            raise ValueError("not a stored BambooHR job opening (no id)")
        return self.parse_opening(raw)

    def parse_opening(self, job: dict[str, Any]) -> Posting:
        title = first_text(job.get("jobOpeningName")) or ""
        location = _location(job)
        country = posting_country(location)
        description = html_to_text(job.get("description"))
        compensation = first_text(job.get("compensation"))
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "bamboohr compensation"):
            bands.extend(text_bands(compensation, country=country))
        with pay_guard(warnings, "bamboohr description"):
            bands.extend(text_bands(description, country=country))
        remote = _LOCATION_TYPES.get(str(job.get("locationType")))
        if remote is None and job.get("isRemote") is True:
            remote = "remote"
        return self.posting(
            job["id"],
            title,
            job,
            url=first_text(job.get("jobOpeningShareUrl"))
            or f"https://{self.company.board.lower()}.bamboohr.com/careers/{quote(str(job['id']))}",
            location=location,
            department=first_text(job.get("departmentLabel")),
            employment_type=first_text(job.get("employmentStatusLabel")),
            remote=remote,
            posted_at=parse_datetime(job.get("datePosted")),
            description="\n\n".join(
                x for x in (description, compensation and f"Compensation: {compensation}") if x
            )
            or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _location(job: dict[str, Any]) -> str | None:
    loc, ats = as_dict(job.get("location")), as_dict(job.get("atsLocation"))
    parts = [
        first_text(loc.get("city"), ats.get("city")),
        first_text(loc.get("state"), ats.get("state"), ats.get("province")),
        first_text(loc.get("addressCountry"), ats.get("country")),
    ]
    return ", ".join(x for x in parts if x) or None
