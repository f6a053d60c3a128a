"""Teamtailor career sites ({company}.teamtailor.com, {company}.na.teamtailor.com, or a custom domain).

Config: `board` is the career site's host ("dema.teamtailor.com", "careers.acme.com"); a board
without a dot is read as {board}.teamtailor.com (scraper/sources/_hosted.py).

Quirks kept here:

- `GET /jobs.json` is a JSON Feed 1.1 of every published job at once (`items[]`), no paging. An
  unknown site answers 404 with an empty body.
- Each item carries `id` (a UUID, the posting's key), `title`, `url`, `date_published`,
  `content_html`, and `_jobposting`: a schema.org JobPosting read like any page's
  (scraper/jsonld.py), locations from `jobLocation` (`addressRegion` may be null, `jobLocation`
  may be missing).
- Pay is `_jobposting.baseSalary`, a MonetaryAmount whose `minValue`/`maxValue` are strings
  ("120000") and whose `unitText` is "YEAR". The description is read as well, even beside a
  baseSalary: it may state pay the field does not (Carr Talent's "On-Target Earnings:
  $120K-300K" next to a 120,000-130,000 baseSalary); restatements are dropped.
"""

from __future__ import annotations

from typing import Any

from ..jsonld import read_job_posting
from ..models import Posting
from ..salary.extract import text_bands
from ..text import html_to_text
from . import register
from ._hosted import board_host, board_target, check_board
from .base import (
    CrawlContext,
    Source,
    SourceError,
    as_dict,
    dedupe_bands,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
)

ATS_DOMAIN = "teamtailor.com"
FEED_PATH = "/jobs.json"


@register
class Teamtailor(Source):
    name = "teamtailor"
    default_base_url = f"https://{ATS_DOMAIN}"  # the board's own host is used; see board_target

    @classmethod
    def request_host(cls, board: str) -> str | None:
        return board_host(board, ATS_DOMAIN)  # every board is a host of its own

    board_help = "the career site's host, e.g. acme.teamtailor.com or careers.acme.com"
    url_patterns = (
        r"^(?!(?:www|app|api|docs|support|status)\.teamtailor\.com)"
        r"(?P<board>(?:[a-z0-9][a-z0-9-]*\.)+teamtailor\.com)(?:[/?]|$)",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_board(board, ATS_DOMAIN, cls.name)

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        target = board_target(self.company.board, ATS_DOMAIN, self.company.base_url)
        url = target.url(FEED_PATH)
        data = await ctx.fetcher.get_json(url, headers=target.headers)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise SourceError(f"{url} ({target.host}) did not return a Teamtailor job feed")
        listed = [item for item in data["items"] if self.listed_id(item) is not None]
        return self.parse_each(listed, self.parse_item)

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_item(raw)

    def parse_item(self, item: dict[str, Any]) -> Posting:
        jp = read_job_posting(as_dict(item.get("_jobposting")))
        bands = list(jp.bands)
        warnings = list(jp.warnings)
        description = jp.description or html_to_text(item.get("content_html"))
        # read_job_posting reads the description only where no baseSalary band was posted; here
        # it is read in every case (see the module docstring), and from content_html when the
        # JobPosting has none.
        posted = any(b.origin == "structured" and not b.is_estimate for b in bands)
        if description and (posted or not jp.description):
            with pay_guard(warnings, "teamtailor description"):
                bands.extend(text_bands(description, country=posting_country(jp.location)))
        return self.posting(
            item.get("id"),
            first_text(item.get("title")) or jp.title or "",
            item,
            url=first_text(item.get("url")) or jp.url,
            location=jp.location,
            employment_type=jp.employment_type,
            remote=jp.remote,
            posted_at=parse_datetime(item.get("date_published")) or jp.date_posted,
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )
