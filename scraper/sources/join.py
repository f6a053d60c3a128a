"""JOIN career pages (join.com/companies/{slug}).

Config: `board = "{slug}"` from https://join.com/companies/{slug}. Optional `company_id` (the
number openings-mcp's JOIN roster lists) saves the company-page request.

Quirks kept here:

- The list is GraphQL: `POST /candidate-api/graphql` `publicJobs(input: {companyId, paginationPage:
  {page, pageSize}})`, pages counted from 1 until `pageInfo.pageCount`. It takes the company's
  number, not its slug, and nothing in the API maps one to the other: the number is read from
  the company page's `__NEXT_DATA__` (`initialState.company.id`). An unknown number answers an
  empty list, exactly like a company with nothing open.
- `publicJobs` carries no description: each job page, `GET /companies/{slug}/{idParam}`, embeds
  the job in `__NEXT_DATA__` (`initialState.job`): `schemaDescription` HTML, and the Markdown it
  is built from (`description`, or `intro`/`tasks`/`requirements`/`benefits`/`outro`).
- The posting id is `id`. `idParam` ("16397229-senior-…") names the page and is not `id`; the
  pages' own links show other numbers for the same job, so it is no stable key.
- A `REMOTE` job's city and country are the employer's base: its location is "Remote" (or
  "Remote, {country}" for `remoteType` COUNTRY), not that city.
- Pay: job pages carry `salaryFrequency` and `settings.showSalary`, but no recorded page has an
  amount field, so none is read; the description goes through the text normalizer.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from selectolax.lexbor import LexborHTMLParser

from ..errors import ConfigError, FetchError
from ..models import PayBand, Posting, Remote
from ..salary.extract import text_bands
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

PUBLIC = "https://join.com"  # job pages' public host, whatever base_url a crawl reads from
PAGE_SIZE = 100
MAX_PAGES = 100  # 10,000 jobs: a guard against a server that ignores `page`
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
LEGACY_SECTIONS = ("intro", "tasks", "requirements", "benefits", "outro")
_SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_EMPHASIS_RE = re.compile(r"(?:\*\*|__)(\S(?:.*?\S)?)(?:\*\*|__)")
_WORKPLACE: dict[str, Remote] = {"REMOTE": "remote", "HYBRID": "hybrid", "ONSITE": "onsite"}
_QUERY = """query GetCompanyJobs {
  publicJobs(input: {companyId: %d, paginationPage: {page: %d, pageSize: %d}}) {
    items {
      id
      idParam
      title
      status
      workplaceType
      remoteType
      createdAt
      updatedAt
      city { cityName countryName }
      country { iso3166 name }
      category { id name }
      employmentType { id name }
    }
    pageInfo { page pageCount pageSize rowCount }
  }
}"""


@register
class Join(Source):
    name = "join"
    default_base_url = "https://join.com"
    board_help = "the company slug in join.com/companies/{slug}"
    options = {"company_id": (int,)}
    url_patterns = (r"^join\.com/companies/(?P<board>[A-Za-z0-9][A-Za-z0-9_.-]*)",)

    @classmethod
    def validate_options(cls, options: dict[str, Any], board: str) -> None:
        if not _SLUG_RE.fullmatch(board):
            raise ConfigError(f"join board {board!r} is not a company slug (join.com/companies/{{slug}})")
        company_id = options.get("company_id")
        if company_id is not None and company_id <= 0:
            raise ConfigError(f"join company_id must be a positive number, not {company_id}")

    async def crawl(self, ctx: CrawlContext) -> list[Posting]:
        configured = self.company.options.get("company_id")
        company_id = configured if isinstance(configured, int) else await self._company_id(ctx)
        items = await self._list(ctx, company_id, configured=isinstance(configured, int))
        slug = quote(self.company.board, safe="")

        async def detail(item: dict[str, Any]) -> dict[str, Any]:
            url = f"{self.base_url}/companies/{slug}/{quote(item['idParam'], safe='')}"
            resp = await ctx.fetcher.request("GET", url, headers={"Accept": HTML_ACCEPT})
            job = as_dict(initial_state(resp.text(), url).get("job"))
            if not job:
                raise SourceError(f"{url} holds no JOIN job")
            return job

        details = await fetch_details(items, detail)
        pairs = list(zip(items, details, strict=True))
        return self.parse_each(pairs, lambda pair: self.parse_posting(*pair))

    def parse_raw(self, raw: Any) -> Posting:
        # Stored raw is the list item merged with the job page's job: parsing it alone gives the same posting.
        if not isinstance(raw, dict) or raw.get("id") is None:
            raise ValueError("not a stored JOIN job (no id)")
        return self.parse_posting(raw, None)

    async def _company_id(self, ctx: CrawlContext) -> int:
        url = f"{self.base_url}/companies/{quote(self.company.board, safe='')}"
        resp = await ctx.fetcher.request("GET", url, headers={"Accept": HTML_ACCEPT})
        company_id = as_dict(initial_state(resp.text(), url).get("company")).get("id")
        if not isinstance(company_id, int) or isinstance(company_id, bool) or company_id <= 0:
            raise SourceError(f"{url} names no JOIN company id (set company_id in the config)")
        return company_id

    async def _list(self, ctx: CrawlContext, company_id: int, configured: bool) -> list[dict[str, Any]]:
        url = f"{self.base_url}/candidate-api/graphql"
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        read = 0  # rows listed, read or skipped
        for page in range(MAX_PAGES):
            try:
                data = await ctx.fetcher.post_json(url, {"query": _QUERY % (company_id, page + 1, PAGE_SIZE)})
                jobs = _public_jobs(data, url)
            except (FetchError, SourceError) as exc:
                if page == 0:
                    raise
                self.page_failed(page, exc)
                return items
            batch = jobs["items"]
            info = as_dict(jobs.get("pageInfo"))
            total, pages = _count(info.get("rowCount")), _count(info.get("pageCount"))
            if page == 0 and not batch:
                if configured:  # an unknown number answers exactly this: say so rather than store nothing
                    raise SourceError(
                        f"no postings: JOIN company id {company_id} is unknown or has no open jobs"
                    )
                return items  # the company page exists: the company has nothing open
            repeated = new = 0
            for item in batch:
                jid = self.listed_id(item)
                if jid is None:
                    continue
                if not isinstance(item.get("idParam"), str) or not item["idParam"].strip():
                    self.report.skip(f"join job {jid[:60]!r} skipped: no idParam to name its page")
                    continue
                if jid in seen:
                    repeated += 1
                    continue
                seen.add(jid)
                items.append(item)
                new += 1
            read += len(batch)
            last = pages is not None and page + 1 >= pages
            if repeated and not new and not last:  # only jobs already read: the server ignores paging
                self.page_repeated(page, "page", "jobs")
                break
            if last or len(batch) < PAGE_SIZE:
                if total is not None and read < total:  # the board's own count says there is more
                    self.listed_short(read, total, page, empty=not batch, noun="jobs")
                break
        else:
            self.cap_reached(MAX_PAGES * PAGE_SIZE)
        return items

    def parse_posting(self, item: dict[str, Any], detail: dict[str, Any] | None) -> Posting:
        merged = {**item, **(detail or {})}
        title = first_text(merged.get("title")) or ""
        html = merged.get("schemaDescription")
        description = html_to_text(html) if isinstance(html, str) and html.strip() else _markdown(merged)
        country_obj = as_dict(merged.get("country"))
        code = first_text(country_obj.get("iso3166"))
        country = code.upper() if code and len(code) == 2 else None
        workplace = first_text(merged.get("workplaceType"))
        remote = _WORKPLACE.get((workplace or "").upper())
        location = _location(merged, remote)
        country = country or posting_country(location)
        bands: list[PayBand] = []
        warnings: list[str] = []
        with pay_guard(warnings, "join description"):
            bands.extend(text_bands(description, country=country))
        id_param = first_text(merged.get("idParam"))
        slug = quote(self.company.board, safe="")
        return self.posting(
            merged.get("id"),
            title,
            merged,
            url=f"{PUBLIC}/companies/{slug}/{quote(id_param, safe='')}" if id_param else None,
            location=location,
            department=first_text(as_dict(merged.get("category")).get("name")),
            employment_type=first_text(as_dict(merged.get("employmentType")).get("name")),
            remote=remote,
            posted_at=parse_datetime(merged.get("createdAt")),
            updated_at=parse_datetime(merged.get("updatedAt")),
            description=description or None,
            bands=dedupe_bands(bands),
            warnings=warnings,
        )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _public_jobs(data: Any, url: str) -> dict[str, Any]:
    """`data.publicJobs` of a GraphQL answer with its item list; SourceError for anything else."""
    if isinstance(data, dict) and data.get("errors"):
        errors = data["errors"]
        first = as_dict(errors[0]).get("message") if isinstance(errors, list) and errors else errors
        raise SourceError(f"{url} answered a GraphQL error: {str(first)[:200]}")
    jobs = as_dict(as_dict(as_dict(data).get("data")).get("publicJobs"))
    if not isinstance(jobs.get("items"), list):
        raise SourceError(f"{url} did not return a JOIN job list")
    return jobs


def initial_state(page: str, url: str) -> dict[str, Any]:
    """`props.pageProps.initialState` of a JOIN page's `__NEXT_DATA__` script."""
    node = LexborHTMLParser(page).css_first("script#__NEXT_DATA__")
    try:
        data = json.loads(node.text()) if node is not None else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise SourceError(f"{url} is not a JOIN page (no readable __NEXT_DATA__)")
    return as_dict(as_dict(as_dict(data.get("props")).get("pageProps")).get("initialState"))


def _markdown(job: dict[str, Any]) -> str:
    """The job's own Markdown when it has no HTML: one text, or the legacy sections in page order."""
    keys = ("description",) if job.get("unifiedDescription") is True else LEGACY_SECTIONS
    parts = [job.get(k) for k in keys]
    if not any(isinstance(p, str) and p.strip() for p in parts):
        parts = [job.get("description"), *(job.get(k) for k in LEGACY_SECTIONS)]
    text = "\n\n".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return _EMPHASIS_RE.sub(r"\1", text)  # "**Routine Labs**", "__Was dich erwartet:__"


def _location(job: dict[str, Any], remote: Remote | None) -> str | None:
    country = first_text(as_dict(job.get("country")).get("name"))
    if remote == "remote":  # city and country are the employer's base, not where the job is
        scope = first_text(job.get("remoteType")) or ""
        return f"Remote, {country}" if scope.upper() == "COUNTRY" and country else "Remote"
    city = as_dict(job.get("city"))
    parts = [first_text(city.get("cityName")), first_text(city.get("countryName")) or country]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or None
