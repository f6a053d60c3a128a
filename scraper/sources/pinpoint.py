"""Pinpoint career sites ({company}.pinpointhq.com).

Config: `board = "arm"` for arm.pinpointhq.com; a custom domain may be written as the host
(scraper/sources/_hosted.py).

Quirks kept here:

- `GET /postings.json` answers every open posting at once: `{"data": [...]}`, no paging.
- Pay is `compensation_minimum` / `compensation_maximum` (numbers), `compensation_currency` and
  `compensation_frequency` ("year", "hour"), shown on the site only when `compensation_visible`
  is true: a hidden range is the employer's internal figure, never a band. `compensation` is the
  range as displayed ("$80,000 - $100,000 / year"); it joins the description when visible. No kind
  of pay (base, OTE) is stated, so structured bands are `unknown`.
- The advert is split into sections, each with its own header field: `description`,
  `key_responsibilities`, `skills_knowledge_expertise`, `benefits` (HTML).
- A location has a name, city and province but no country; a posting has no publication date
  (only `deadline_at`).
"""

from __future__ import annotations

from typing import Any

from ..models import PayBand, Posting, Remote
from ..salary import structured_band
from ..salary.extract import pay_type_from_context, text_bands
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
    pay_guard,
    posting_country,
    safe_str,
)

ATS_DOMAIN = "pinpointhq.com"
POSTINGS_PATH = "/postings.json"
# (text field, its header field, the header when the board leaves it blank), in reading order.
SECTIONS = (
    ("description", None, None),
    ("key_responsibilities", "key_responsibilities_header", "Key Responsibilities"),
    ("skills_knowledge_expertise", "skills_knowledge_expertise_header", "Skills, Knowledge and Expertise"),
    ("benefits", "benefits_header", "Benefits"),
)
_WORKPLACES: dict[str, Remote] = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}


@register
class Pinpoint(Source):
    name = "pinpoint"
    default_base_url = f"https://{ATS_DOMAIN}"  # the board's own host is used; see board_target

    @classmethod
    def request_host(cls, board: str) -> str | None:
        return board_host(board, ATS_DOMAIN)  # every board is a host of its own

    board_help = "the subdomain in {company}.pinpointhq.com"
    url_patterns = (
        r"^(?!(?:www|app|api|developers|help|support|status)\.pinpointhq\.com)"
        r"(?P<board>[a-z0-9][a-z0-9-]*)\.pinpointhq\.com(?:[/?]|$)",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        check_board(board, ATS_DOMAIN, cls.name)

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        target = board_target(self.company.board, ATS_DOMAIN, self.company.base_url)
        url = target.url(POSTINGS_PATH)
        data = await ctx.fetcher.get_json(url, headers=target.headers)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise SourceError(f"{url} ({target.host}) did not return a Pinpoint posting list")
        listed = [item for item in data["data"] if self.listed_id(item) is not None]
        return self.parse_each(listed, self.parse_posting)

    def parse_raw(self, raw: Any) -> Posting:
        return self.parse_posting(raw)

    def parse_posting(self, item: dict[str, Any]) -> Posting:
        title = first_text(item.get("title")) or ""
        job = as_dict(item.get("job"))
        department = first_text(as_dict(job.get("department")).get("name"))
        visible = item.get("compensation_visible") is True
        shown = first_text(item.get("compensation")) if visible else None
        parts = []
        for key, header_key, default in SECTIONS:
            text = html_to_text(item.get(key))
            if text:
                header = (first_text(item.get(header_key)) or default) if header_key else None
                parts.append(f"{header}\n{text}" if header else text)
        if shown:
            parts.append(f"Compensation\n{shown}")
        description = "\n\n".join(parts)
        location = _location(as_dict(item.get("location")))
        country = posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        if visible:
            with pay_guard(warnings, "pinpoint compensation"):
                lo, hi = item.get("compensation_minimum"), item.get("compensation_maximum")
                cur, freq = item.get("compensation_currency"), item.get("compensation_frequency")
                band = structured_band(
                    lo,
                    hi,
                    cur,  # no currency stated: no band, never a guessed one
                    freq,
                    pay_type=pay_type_from_context(shown or "", title, department or ""),
                    source_text=shown
                    or f"compensation {safe_str(lo)}-{safe_str(hi)} {safe_str(cur)} {safe_str(freq)}",
                    rule="structured:pinpoint",
                    warnings=warnings,
                    label="pinpoint compensation",
                )
                if band is not None:
                    bands.append(band)
        with pay_guard(warnings, "pinpoint description"):
            bands.extend(text_bands(description, country=country))
        return self.posting(
            item.get("id"),
            title,
            item,
            url=first_text(item.get("url")),
            location=location,
            department=department,
            employment_type=first_text(item.get("employment_type_text"), item.get("employment_type")),
            remote=_WORKPLACES.get((first_text(item.get("workplace_type")) or "").lower()),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _location(loc: dict[str, Any]) -> str | None:
    """The location's name, then its city and province where they add something."""
    parts: list[str] = []
    for key in ("name", "city", "province"):
        part = first_text(loc.get(key))
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts) or None
