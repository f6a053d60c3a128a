"""Workable career pages (apply.workable.com/{account}).

Quirks kept here:

- The list is `POST /api/v3/accounts/{account}/jobs` with the body `{"query": ""}`: 10 jobs a page
  (fixed; a `limit` field is rejected), `total` the board's count, and `nextPage`, an opaque
  cursor sent back as `"token"` in the next body. The last page has no `nextPage`. Paging stops
  there, at a page with nothing new or a cursor that repeats, or after MAX_PAGES.
- An unknown account answers 404 (`text/plain` "Not Found").
- The list has no text: one `GET /api/v2/accounts/{account}/jobs/{shortcode}` per job returns the
  list fields plus `description`, `requirements` and `benefits` (HTML). Detail calls run
  concurrently under the fetcher's per-host politeness; a failing detail keeps the job's list data,
  and when more than half fail the board fails, so a blocked detail API cannot blank stored text.
- No structured pay is known in either answer: pay comes only from the text normalizer on the
  three HTML sections.
- The `shortcode` ("B02DA69C8F") is the job's public key (its URL, the detail call) and the stored
  id; `id` is an internal number. `locations[]` may mark an office `hidden`; `workplace` is
  "on_site" / "hybrid" / "remote"; `type` is "full", "part", ...; `department` is a list.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

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
    as_list,
    dedupe_bands,
    fetch_details,
    first_text,
    parse_datetime,
    pay_guard,
    posting_country,
)

PAGE_SIZE = 10  # Workable's own, fixed: only used to tell a short page
MAX_PAGES = 500  # 5,000 jobs: a guard against a cursor that never ends
SECTIONS = (("description", None), ("requirements", "Requirements"), ("benefits", "Benefits"))
_WORKPLACES: dict[str, Remote] = {"remote": "remote", "hybrid": "hybrid", "on_site": "onsite"}
_TYPES = {"full": "Full-time", "part": "Part-time"}
_ACCOUNT_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*")  # "-our-home" is one


@register
class Workable(Source):
    name = "workable"
    default_base_url = "https://apply.workable.com"
    board_help = "the account in apply.workable.com/{account}"
    url_patterns = (
        r"^apply\.workable\.com/api/v\d+/(?:widget/)?accounts/(?P<board>[a-z0-9_-][a-z0-9_.-]*)",
        # apply.workable.com/j/{shortcode} is one job's short link: it names no account.
        r"^apply\.workable\.com/(?!(?:j|api|careers|jobs|static|assets)(?:[/?]|$))"
        r"(?P<board>[a-z0-9_-][a-z0-9_.-]*)(?:[/?]|$)",
        # The older {account}.workable.com pages.
        r"^(?!(?:www|apply|jobs|help|resources|app|api|blog|careers|status)\.workable\.com)"
        r"(?P<board>[a-z0-9][a-z0-9-]*)\.workable\.com(?:[/?]|$)",
    )

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        if not _ACCOUNT_RE.fullmatch(board.strip()):
            raise ConfigError(
                f"workable board {board!r} is not an account name: write the part after "
                "apply.workable.com/ (e.g. 'huggingface'), without https:// or a path"
            )

    def _api(self, version: str) -> str:
        return f"{self.base_url}/api/{version}/accounts/{quote(self.company.board.strip(), safe='')}"

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        items = await self._list(ctx, f"{self._api('v3')}/jobs")

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            url = f"{self._api('v2')}/jobs/{quote(str(item['shortcode']), safe='')}"
            data = await ctx.fetcher.get_json(url)
            if not isinstance(data, dict):
                raise SourceError(terminal_safe(f"{url} did not return a Workable job", limit=300))
            return data

        details = await fetch_details(items, detail)
        pairs = list(zip(items, details, strict=True))
        return self.parse_each(pairs, lambda pair: self.parse_job(*pair))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list item merged with its detail: parsing it alone gives the same posting.
        if not isinstance(raw, dict) or not raw.get("shortcode"):
            raise ValueError("not a stored Workable job (no shortcode)")
        return self.parse_job(raw, None)

    async def _list(self, ctx: CrawlContext, url: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        token: str | None = None
        total: int | None = None
        read = 0
        for page in range(MAX_PAGES):
            body: dict[str, Any] = {"query": ""} if token is None else {"query": "", "token": token}
            try:
                data = await ctx.fetcher.post_json(url, body)
                if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                    raise SourceError(f"{url} did not return a Workable job list")
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            found = data.get("total")
            total = found if isinstance(found, int) and not isinstance(found, bool) else total
            batch = data["results"]
            read += len(batch)
            repeated = new = 0
            for item in batch:
                shortcode = self.listed_id(item, "shortcode")
                if shortcode is None:
                    continue
                if shortcode in seen:
                    repeated += 1
                    continue
                seen.add(shortcode)
                items.append({**item, "shortcode": shortcode})
                new += 1
            cursor = data.get("nextPage")
            if not isinstance(cursor, str) or not cursor.strip():
                if total is not None and read < total:  # the board's own count says there is more
                    self.listed_short(read, total, page, empty=not batch)
                break
            if cursor == token or (repeated and not new):  # the server ignores the cursor
                self.page_repeated(page, "token")
                break
            token = cursor
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_job(self, item: dict[str, Any], detail: dict[str, Any] | None) -> Posting:
        job = {**item, **(detail or {})}
        shortcode = job["shortcode"]
        title = first_text(job.get("title")) or ""
        parts = []
        for key, header in SECTIONS:
            text = html_to_text(job.get(key))
            if text:
                parts.append(f"{header}\n{text}" if header else text)
        description = "\n\n".join(parts)
        location = _location(job)
        code = first_text(as_dict(job.get("location")).get("countryCode"))
        country = code.upper() if code and len(code) == 2 else posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "workable description"):
            bands.extend(text_bands(description, country=country))
        kind = first_text(job.get("type"))
        departments = [d for d in (first_text(x) for x in as_list(job.get("department"))) if d]
        account = quote(self.company.board.strip(), safe="")
        return self.posting(
            shortcode,
            title,
            job,
            url=f"https://apply.workable.com/{account}/j/{quote(str(shortcode), safe='')}/",
            location=location,
            department=", ".join(departments) or first_text(job.get("department")),
            employment_type=_TYPES.get(kind.lower(), kind) if kind else None,
            remote=_remote(job),
            posted_at=parse_datetime(job.get("published")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _location(job: dict[str, Any]) -> str | None:
    """Every office not marked hidden ("City, Region, Country"); the list's display text otherwise."""
    labels: list[str] = []
    for loc in as_list(job.get("locations")):
        loc = as_dict(loc)
        if loc.get("hidden") is True:
            continue
        parts: list[str] = []
        for key in ("city", "region", "country"):
            part = first_text(loc.get(key))
            if part and part not in parts:
                parts.append(part)
        label = ", ".join(parts)
        if label and label not in labels:
            labels.append(label)
    return "; ".join(labels) or first_text(as_dict(job.get("location")).get("display"))


def _remote(job: dict[str, Any]) -> Remote | None:
    workplace = _WORKPLACES.get((first_text(job.get("workplace")) or "").lower())
    if workplace is not None:
        return workplace
    return "remote" if job.get("remote") is True else None
