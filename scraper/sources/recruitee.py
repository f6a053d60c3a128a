"""Recruitee career sites ({company}.recruitee.com, or the company's own domain).

Config: `board = "bunq"` for bunq.recruitee.com, or the custom domain the career site runs on
(`board = "careers.bunq.com"`): any board with a dot is a host (scraper/sources/_hosted.py).

Quirks kept here:

- `GET /api/offers/` answers every published offer at once: `{"offers": [...]}`, no paging.
  An unknown subdomain answers 404.
- Pay is `salary` = `{min, max, period, currency}`, amounts as strings ("5253"); every field is
  null when the offer states none. It carries no kind of pay (base or OTE), so its bands are
  `unknown`; with no period there is no band.
- The text is `description` and `requirements` (HTML); their pay statements go through the text
  normalizer beside `salary` (restatements are dropped).
- Dates are "2026-07-13 13:42:26 UTC", which `datetime.fromisoformat` does not read as written.
- `remote`, `hybrid` and `on_site` are three booleans; `locations[]` lists every office, `location`
  only the first; `country_code` is the first office's country.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import PayBand, Posting, Remote
from ..salary import structured_band
from ..salary.extract import text_bands
from ..text import html_to_text
from . import register
from ._hosted import board_host, board_target, check_board
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
)

ATS_DOMAIN = "recruitee.com"
OFFERS_PATH = "/api/offers/"


@register
class Recruitee(Source):
    name = "recruitee"
    default_base_url = f"https://{ATS_DOMAIN}"  # the board's own host is used; see board_target

    @classmethod
    def request_host(cls, board: str) -> str | None:
        return board_host(board, ATS_DOMAIN)  # every board is a host of its own

    board_help = "the subdomain in {company}.recruitee.com, or the career site's own host"
    url_patterns = (
        # Any depth of labels before recruitee.com: a custom domain written in front of it
        # ("jobs.dexterenergy.ai.recruitee.com" in a list) still names that domain as the board.
        r"^(?!(?:www|app|api|blog|docs|support|help|status)\.recruitee\.com)"
        r"(?P<board>[a-z0-9][a-z0-9.-]*?)\.recruitee\.com(?:[/?]|$)",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_board(board, ATS_DOMAIN, cls.name)

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        target = board_target(self.company.board, ATS_DOMAIN, self.company.base_url)
        url = target.url(OFFERS_PATH)
        data = await ctx.fetcher.get_json(url, headers=target.headers)
        if not isinstance(data, dict) or not isinstance(data.get("offers"), list):
            raise SourceError(f"{url} ({target.host}) did not return a Recruitee offer list")
        listed = [offer for offer in data["offers"] if self.listed_id(offer) is not None]
        return self.parse_each(listed, self.parse_offer)

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_offer(raw)

    def parse_offer(self, offer: dict[str, Any]) -> Posting:
        title = first_text(offer.get("title")) or ""
        parts = [html_to_text(offer.get("description"))]
        requirements = html_to_text(offer.get("requirements"))
        if requirements:
            parts.append(f"Requirements\n{requirements}")
        description = "\n\n".join(p for p in parts if p)
        location = _location(offer)
        code = first_text(offer.get("country_code"))
        country = code.upper() if code and len(code) == 2 else posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        salary = offer.get("salary")
        if isinstance(salary, dict):
            with pay_guard(warnings, "recruitee salary"):
                shown = " ".join(safe_str(salary.get(k)) for k in ("min", "max", "currency", "period"))
                band = structured_band(
                    salary.get("min"),
                    salary.get("max"),
                    salary.get("currency"),  # no currency stated: no band, never a guessed one
                    salary.get("period"),
                    source_text=f"salary {shown}",
                    rule="structured:recruitee",
                    warnings=warnings,
                    label="recruitee salary",
                )
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "recruitee description"):
            bands.extend(text_bands(description, country=country))
        return self.posting(
            offer.get("id"),
            title,
            offer,
            url=first_text(offer.get("careers_url")),
            location=location,
            department=first_text(offer.get("department")),
            employment_type=first_text(offer.get("employment_type_code")),
            remote=_remote(offer),
            posted_at=_date(offer.get("published_at")) or _date(offer.get("created_at")),
            updated_at=_date(offer.get("updated_at")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _location(offer: dict[str, Any]) -> str | None:
    """Every office ("City, State, Country"), in order; the `location` string when none is listed."""
    labels: list[str] = []
    for loc in as_list(offer.get("locations")):
        loc = as_dict(loc)
        parts: list[str] = []
        for key in ("city", "state", "country"):
            part = first_text(loc.get(key))
            if part and part not in parts:
                parts.append(part)
        label = ", ".join(parts) or first_text(loc.get("name"))
        if label and label not in labels:
            labels.append(label)
    return "; ".join(labels) or first_text(offer.get("location"))


def _remote(offer: dict[str, Any]) -> Remote | None:
    if offer.get("remote") is True:
        return "remote"
    if offer.get("hybrid") is True:
        return "hybrid"
    if offer.get("on_site") is True:
        return "onsite"
    return None


def _date(value: Any) -> datetime | None:
    # "2026-07-13 13:42:26 UTC": the zone name is not ISO 8601; "+00:00" is.
    if isinstance(value, str) and value.rstrip().endswith(" UTC"):
        value = value.rstrip()[: -len(" UTC")] + "+00:00"
    return parse_datetime(value)
