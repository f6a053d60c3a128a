"""Breezy HR career sites ({subdomain}.breezy.hr).

Config: `board = "{subdomain}"` from https://{subdomain}.breezy.hr. The board is the host, so
`base_url`, when set (a mirror, the replay server), stands for https://{subdomain}.breezy.hr.

Quirks kept here:

- `GET /json` on the board's host answers every published posting in one JSON array (no
  paging, no detail call); each carries its `description` HTML.
- Pay is only a display string, `salary` ("$1.40k - $1.80k"): no currency code, no period.
  It goes through the text normalizer like any text, which refuses what it cannot place (a
  range with no period word that is too small to be yearly gives no band).
- `location.country.id` is the ISO 3166 alpha-2 country; `location.is_remote` marks remote.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ConfigError
from ..models import PayBand, Posting
from ..salary.extract import text_bands
from ..text import html_to_text
from . import register
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

# A subdomain is one DNS label.
_SUBDOMAIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


@register
class Breezy(Source):
    name = "breezy"
    default_base_url = ""  # https://{board}.breezy.hr: the board names the host

    @classmethod
    def request_host(cls, board: str) -> str | None:
        return f"{board.strip().lower()}.breezy.hr"  # every board is a host of its own

    board_help = "the subdomain in https://{subdomain}.breezy.hr"
    url_patterns = (r"^(?P<board>[a-z0-9][a-z0-9-]*)\.breezy\.hr(?:/|$|\?)",)

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        if not _SUBDOMAIN_RE.fullmatch(board):
            raise ConfigError(
                f"breezy board {board!r} is not a subdomain; write the {{subdomain}} of "
                "https://{subdomain}.breezy.hr (no dots, no slashes)"
            )

    def _origin(self) -> str:
        return self.base_url or f"https://{self.company.board.lower()}.breezy.hr"

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        url = f"{self._origin()}/json"
        data = await ctx.fetcher.get_json(url)
        if not isinstance(data, list):
            raise SourceError(f"{url} did not return a Breezy posting list")
        listed = [item for item in data if self.listed_id(item) is not None]
        return self.parse_each(listed, self.parse_posting)

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_posting(raw)

    def parse_posting(self, item: dict[str, Any]) -> Posting:
        title = first_text(item.get("name")) or ""
        loc = as_dict(item.get("location"))
        country_obj = as_dict(loc.get("country"))
        country_name = first_text(country_obj.get("name"))
        location = first_text(loc.get("name"))
        if location and country_name and country_name.lower() not in location.lower():
            location = f"{location}, {country_name}"  # "Tacoma, WA" names no country by itself
        location = location or country_name
        code = first_text(country_obj.get("id"))
        country = code.upper() if code and len(code) == 2 and code.isalpha() else posting_country(location)
        description = html_to_text(item.get("description"))
        salary = first_text(item.get("salary"))
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "breezy salary"):
            bands.extend(text_bands(salary, country=country))
        with pay_guard(warnings, "breezy description"):
            bands.extend(text_bands(description, country=country))
        return self.posting(
            item.get("id"),
            title,
            item,
            url=first_text(item.get("url")),
            location=location,
            department=first_text(item.get("department")),
            employment_type=first_text(as_dict(item.get("type")).get("name")),
            remote="remote" if loc.get("is_remote") is True else None,
            posted_at=parse_datetime(item.get("published_date")),
            description="\n\n".join(x for x in (description, f"Salary: {salary}" if salary else "") if x)
            or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )
